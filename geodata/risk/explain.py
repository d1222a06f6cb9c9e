"""Why a site scores what it does: the product of factors turned into points that add up."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.risk.levels import _TYPES, RiskLevel, risk_level
from geodata.targets import facility_label
from patrolbase.schema import FacilityKind, IncidentType
from patrolbase.wording import fmt_decimal

if TYPE_CHECKING:
    from geodata.risk.assessment import RiskAssessment

    pass


@dataclass(frozen=True)
class Explanation:
    """Why a facility scores what it scores in one slot.

    ``parts`` has one row per part, in order: ``part`` (code), ``label_vi``, ``label_en``,
    ``factor`` (the multiplier, NaN for the base and single incidents), ``points`` (what the part
    adds to the score, negative when it lowers it) and ``incident_id`` (for incident parts).
    ``parts["points"]`` sums to ``score``.
    """

    facility_id: str
    name: str
    slot: pd.Timestamp
    score: float
    level: RiskLevel
    parts: pd.DataFrame

    def text(self, *, lang: str = "vi") -> str:
        """Write the explanation as lines a commander reads (``lang`` ``"vi"`` or ``"en"``)."""
        label = "label_vi" if lang == "vi" else "label_en"
        level = self.level.label_vi if lang == "vi" else self.level.label_en
        who = self.name or self.facility_id
        number = "vi" if lang == "vi" else "en"
        score = fmt_decimal(self.score, number, decimals=1)
        lines = [f"{who} {self.slot:%d/%m/%Y %H:%M}: {score} ({level})"]
        for row in self.parts.itertuples():
            points = ("+" if row.points >= 0 else "") + fmt_decimal(row.points, number, decimals=1)
            lines.append(f"  {points}  {getattr(row, label)}")
        return "\n".join(lines)


_STATE_VI = {"yes": "có", "no": "không có", "unknown": "chưa rõ"}
_STATE_EN = {"yes": "present", "no": "none", "unknown": "unknown"}
_WHAT_VI = {"guard": "Bảo vệ", "camera": "Camera", "alarm": "Chuông báo động"}
_WHAT_EN = {"guard": "Guard", "camera": "Camera", "alarm": "Alarm"}
_CASH_VI = {
    "none": "không",
    "low": "ít",
    "medium": "trung bình",
    "high": "nhiều",
    "unknown": "chưa rõ",
}
_HOURS_VI = {
    "open_24h": "mở cửa 24/24",
    "closed_at_night": "đóng cửa ban đêm (không người)",
    "unknown": "chưa rõ",
}
_HOURS_EN = {
    "open_24h": "open 24/7",
    "closed_at_night": "closed and empty at night",
    "unknown": "unknown",
}


def explain(
    assessment: RiskAssessment, facility_id: str, *, slot: Any = None, top: int = 10
) -> Explanation:
    """Break ``facility_id``'s score in ``slot`` into parts that add up to it.

    Parameters
    ----------
    assessment : RiskAssessment
        From ``assess_risk``.
    facility_id : str
        A facility of the assessment.
    slot : datetime-like, optional
        A slot start (or any instant inside the shift); default the facility's peak slot.
    top : int
        Incidents listed one by one; the others form one part.

    Returns
    -------
    Explanation
        The parts are applied in order (base, static factors, incidents, hour, date); each
        factor adds ``running total x (factor - 1)`` points. The last part absorbs the
        floating-point rounding (below 1e-9 points), so ``parts.points.sum() == score``.

    """
    if facility_id not in assessment.scores.index:
        msg = f"facility {facility_id!r} is not in the assessment; pick one of its facility ids"
        raise KeyError(msg)
    slots = assessment.slots
    if slot is None:
        position = int(np.argmax(assessment.scores.loc[facility_id].to_numpy()))
    else:
        when = pd.Timestamp(slot)
        position = int(slots.searchsorted(when, side="right")) - 1
        if position < 0 or when >= pd.Timestamp(assessment.shift.end_dt):
            msg = f"slot {when} lies outside the shift {assessment.shift.label()}"
            raise KeyError(msg)
    at = slots[position]
    score = float(assessment.scores.iat[assessment.scores.index.get_loc(facility_id), position])
    st = assessment.static.loc[facility_id]
    kind = FacilityKind(st["kind"])
    rows: list[dict[str, Any]] = [
        _part("base", f"Loại hình: {kind.label_vi}", f"Kind: {kind.label_en}", math.nan, st["base"])
    ]
    running = float(st["base"])

    def factor(code: str, vi: str, en: str, value: float) -> None:
        nonlocal running
        added = running * (value - 1.0)
        rows.append(_part(code, vi, en, value, added))
        running += added

    cash = st["cash"]
    factor(
        "cash",
        f"Lượng tiền mặt: {_CASH_VI[cash]}",
        f"Cash held: {cash}",
        st["cash_factor"],
    )
    iso = assessment.isolation.loc[facility_id]
    if np.isfinite(iso["isolation"]):
        far = "?" if not np.isfinite(iso["housing_m"]) else f"{iso['housing_m']:.0f} m"
        vi = (
            f"Mức hẻo lánh {fmt_decimal(iso['isolation'], 'vi', decimals=2)} "
            f"(cách khu dân cư {far}, "
            f"{int(iso['buildings_near'])} công trình xung quanh)"
        )
        en = (
            f"Isolation {iso['isolation']:.2f} ({far} to housing, "
            f"{int(iso['buildings_near'])} buildings around)"
        )
    else:
        vi, en = "Mức hẻo lánh: chưa có dữ liệu", "Isolation: no land-use data"
    factor("isolation", vi, en, st["isolation_factor"])
    for what in ("guard", "camera", "alarm"):
        state = st[what]
        factor(
            what,
            f"{_WHAT_VI[what]}: {_STATE_VI[state]}",
            f"{_WHAT_EN[what]}: {_STATE_EN[state]}",
            st[f"{what}_factor"],
        )
    factor(
        "opening_hours",
        f"Giờ hoạt động: {_HOURS_VI[st['hours']]}",
        f"Opening hours: {_HOURS_EN[st['hours']]}",
        st["hours_factor"],
    )
    static_points = running
    row_at = int(assessment.scores.index.get_loc(facility_id))
    later = float(assessment.hour_factors.iat[row_at, position])
    day = assessment.dates.iloc[position]
    mine = assessment.pairs.of(row_at)
    for i, row in enumerate(mine.itertuples()):
        if i == top:
            rest = mine.iloc[top:]
            n = len(rest)
            rows.append(
                _part(
                    "incidents_other",
                    f"{n} vụ việc khác gần đây",
                    f"{n} other recent incidents",
                    math.nan,
                    static_points * float(rest["pressure"].sum()),
                )
            )
            break
        itype = IncidentType(row.type) if row.type in _TYPES else IncidentType.OTHER
        boost_vi = ", lặp lại gần" if row.near_repeat else ""
        boost_en = ", near-repeat" if row.near_repeat else ""
        rows.append(
            _part(
                "incident",
                f"Vụ việc {itype.label_vi} cách {row.distance_m:.0f} m, "
                f"{row.age_days:.0f} ngày trước{boost_vi}",
                f"{itype.label_en} {row.distance_m:.0f} m away, {row.age_days:.0f} days ago"
                f"{boost_en}",
                math.nan,
                static_points * float(row.pressure),
                incident_id=str(row.incident_id),
            )
        )
    running = static_points * (1.0 + float(assessment.pressure.loc[facility_id]))
    learnt = assessment.profile.source.get(kind.value, "default") == "learnt"
    factor(
        "hour",
        f"Khung giờ {at:%H:%M} ({'học từ vụ việc của địa bàn' if learnt else 'mặc định'})",
        f"Hour {at:%H:%M} ({'learnt from the area' if learnt else 'default profile'})",
        later,
    )
    if day["calendar"] == "tet":
        factor("tet", "Dịp Tết Nguyên đán", "Tết (Lunar New Year) period", day["calendar_factor"])
    elif day["calendar"] == "holiday":
        factor(
            "holiday",
            f"Ngày lễ: {day['holiday_vi']}",
            f"Public holiday: {day['holiday_en']}",
            day["calendar_factor"],
        )
    if day["weekend_factor"] != 1.0:
        factor("weekend", "Cuối tuần", "Weekend", day["weekend_factor"])
    if day["event_factor"] != 1.0:
        factor(
            "event", "Ngày có sự kiện (chỉ huy đánh dấu)", "Event day (marked)", day["event_factor"]
        )
    parts = pd.DataFrame(rows)
    # The product and the running sum differ by rounding only; let the last part absorb it.
    parts.loc[parts.index[-1], "points"] += score - math.fsum(parts["points"])
    # Named as people say it (name, else operator or address), never by its id.
    facilities = assessment.facilities
    name = facility_label(facilities.loc[facility_id]) if "kind" in facilities else ""
    level = risk_level(score, settings=assessment.settings)
    return Explanation(facility_id, str(name or ""), at, score, level, parts)


def _part(
    code: str, vi: str, en: str, factor: float, points: float, *, incident_id: str = ""
) -> dict[str, Any]:
    return {
        "part": code,
        "label_vi": vi,
        "label_en": en,
        "factor": float(factor),
        "points": float(points),
        "incident_id": incident_id,
    }
