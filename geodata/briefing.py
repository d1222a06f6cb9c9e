"""What a patrol leader reads about the night and each stop, worded from the risk assessment.

``night_context`` names a holiday, Tết or event night and says why its risk is higher;
``stop_details`` gives a target the address, contact phone and guard its survey and OSM data
know; ``risk_reason`` puts the largest parts of a target's risk into one short line. The words
are Vietnamese and English side by side (``{"vi": ..., "en": ...}``) so that a plan file holds
both and every export picks its language. ``with_streets`` and ``with_briefing`` put these into a
night's problem, so that the plan and every export made from it carry them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from patrolbase.wording import fmt_decimal

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area
    from geodata.risk import RiskAssessment
    from geodata.travel import TravelTimes
    from routing.model import PatrolProblem

__all__ = ["night_context", "risk_reason", "stop_details", "with_briefing", "with_streets"]

_WHY_VI = {
    "tet": "cơ quan, công sở nghỉ Tết dài ngày, ít người trông coi; tiền mặt, vàng lưu thông nhiều",
    "holiday": "cơ quan, công sở nghỉ lễ, ít người trông coi",
    "weekend": "cuối tuần, cơ quan, công sở không làm việc",
    "event": "ngày có sự kiện do chỉ huy đánh dấu, đông người",
}
_WHY_EN = {
    "tet": "offices close for the long Tết break with few people on watch; much cash and gold "
    "change hands",
    "holiday": "offices close for the holiday with few people on watch",
    "weekend": "weekend, offices closed",
    "event": "an event day marked by the commander, crowds",
}


def _tidy_holiday(name: str) -> str:
    # The holidays package capitalises "Nguyên Đán"; the ward writes "Tết Nguyên đán".
    return name.replace("Nguyên Đán", "Nguyên đán")


def night_context(assessment: RiskAssessment) -> dict[str, Any]:
    """Name what makes the shift's night special and why its risk is higher.

    Parameters
    ----------
    assessment
        The shift's assessment (``geodata.risk.assess_risk``); its ``dates`` carry the calendar
        factor of each slot's night.

    Returns
    -------
    dict
        ``kind`` (``"tet"``, ``"holiday"``, ``"event"``, ``"weekend"`` or ``""``), ``name``
        and ``why`` as ``{"vi", "en"}``, ``factor`` (the night's date multiplier of every risk
        score) and ``line`` ``{"vi", "en"}``: one sentence for briefings, empty for an ordinary
        night. A weekend alone is named but not put in ``line`` (briefings would repeat it
        every week).

    """
    dates = assessment.dates
    if dates.empty:
        return {"kind": "", "name": {"vi": "", "en": ""}, "factor": 1.0, "line": _blank()}
    day = dates.loc[dates["date_factor"].idxmax()]
    factor = float(day["date_factor"])
    kinds = []
    if day["calendar"] in ("tet", "holiday"):
        kinds.append(str(day["calendar"]))
    if float(day["event_factor"]) != 1.0:
        kinds.append("event")
    if float(day["weekend_factor"]) != 1.0:
        kinds.append("weekend")
    if not kinds:
        return {"kind": "", "name": {"vi": "", "en": ""}, "factor": factor, "line": _blank()}
    holiday_vi = _tidy_holiday(str(day["holiday_vi"]))
    holiday_en = str(day["holiday_en"])
    names_vi = {
        "tet": f"Dịp Tết Nguyên đán ({holiday_vi})" if holiday_vi else "Dịp Tết Nguyên đán",
        "holiday": f"Ngày lễ: {holiday_vi}",
        "event": "Ngày có sự kiện",
        "weekend": "Cuối tuần",
    }
    names_en = {
        "tet": f"Tết period ({holiday_en})" if holiday_en else "Tết period",
        "holiday": f"Public holiday: {holiday_en}",
        "event": "Event day",
        "weekend": "Weekend",
    }
    main = kinds[0]
    name = {"vi": names_vi[main], "en": names_en[main]}
    why = {"vi": "; ".join(_WHY_VI[k] for k in kinds), "en": "; ".join(_WHY_EN[k] for k in kinds)}
    if main == "weekend":
        line = _blank()
    else:
        percent_vi = fmt_decimal((factor - 1) * 100, "vi")
        percent_en = fmt_decimal((factor - 1) * 100, "en")
        line = {
            "vi": f"{name['vi']}: nguy cơ đêm nay cao hơn ngày thường {percent_vi} % vì "
            f"{why['vi']}.",
            "en": f"{name['en']}: tonight's risk is {percent_en} % above an ordinary night "
            f"because {why['en']}.",
        }
    return {"kind": main, "name": name, "why": why, "factor": factor, "line": line}


def _blank() -> dict[str, str]:
    return {"vi": "", "en": ""}


def _text(row: Any, field: str) -> str:
    value = row.get(field, "") if hasattr(row, "get") else ""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def stop_details(facilities: gpd.GeoDataFrame, members: Sequence[str]) -> dict[str, Any]:
    """Address, contact and guard of a target, from its main facility first.

    Parameters
    ----------
    facilities
        The area's facilities (``address`` from OSM ``addr:*`` or the survey, ``contact`` from
        the survey's Người phụ trách / SĐT or OSM ``phone``, ``guard``).
    members
        The target's facility ids, main facility first.

    Returns
    -------
    dict
        ``address`` (the first member that has one, else ``""``), ``contact`` (every distinct
        contact of the members, joined by ``"; "``) and ``guard`` (``"yes"``, ``"no"`` or
        ``"unknown"``: yes when any member has a guard).

    """
    rows = [facilities.loc[m] for m in members if m in facilities.index]
    address = next((a for a in (_text(r, "address") for r in rows) if a), "")
    contacts: list[str] = []
    for row in rows:
        contact = _text(row, "contact")
        if contact and contact not in contacts:
            contacts.append(contact)
    guards = [row.get("guard", pd.NA) for row in rows]
    known = [bool(g) for g in guards if g is not None and g is not pd.NA and not pd.isna(g)]
    guard = "yes" if any(known) else "no" if known else "unknown"
    return {"address": address, "contact": "; ".join(contacts), "guard": guard}


_CASH_VI = {"high": "nhiều tiền mặt", "medium": "tiền mặt trung bình"}
_CASH_EN = {"high": "much cash", "medium": "some cash"}
_SAFEGUARD_VI = {"guard": "bảo vệ", "camera": "camera", "alarm": "chuông báo động"}
_SAFEGUARD_EN = {"guard": "guard", "camera": "camera", "alarm": "alarm"}


def risk_reason(assessment: RiskAssessment, facility_id: str, *, most: int = 3) -> dict[str, str]:
    """One line on why ``facility_id`` is at its risk level: the parts that raise it most.

    Parameters
    ----------
    assessment
        The shift's assessment.
    facility_id
        A facility of the assessment (a target's main facility).
    most
        How many raising parts to name, largest first; the peak hour always closes the line.

    Returns
    -------
    dict
        ``{"vi": "nhiều tiền mặt; 3 vụ việc gần đây (gần nhất 120 m); cao nhất lúc 02:00",
        "en": ...}``.

    """
    explanation = assessment.explain(facility_id)
    parts = explanation.parts
    static = assessment.static.loc[facility_id]
    incidents = parts[parts["part"].isin(["incident", "incidents_other"])]
    phrases: list[tuple[float, str, str]] = []
    if len(incidents) and incidents["points"].sum() > 0:
        pairs = assessment.pairs.of(int(assessment.scores.index.get_loc(facility_id)))
        n = len(pairs)
        near = float(pairs["distance_m"].min()) if n else float("nan")
        where_vi = f" (gần nhất cách {near:.0f} m)" if np.isfinite(near) else ""
        where_en = f" (nearest {near:.0f} m away)" if np.isfinite(near) else ""
        phrases.append(
            (
                float(incidents["points"].sum()),
                f"{n} vụ việc gần đây{where_vi}",
                f"{n} recent incident{'s' if n != 1 else ''}{where_en}",
            )
        )
    for row in parts.itertuples():
        if row.points <= 0 or row.part in ("base", "hour", "incident", "incidents_other"):
            continue
        phrase = _phrase(str(row.part), static, assessment, facility_id)
        if phrase:
            phrases.append((float(row.points), *phrase))
    phrases.sort(key=lambda p: -p[0])
    chosen = phrases[:most]
    peak = f"{explanation.slot:%H:%M}"
    vi = [p[1] for p in chosen] + [f"cao nhất lúc {peak}"]
    en = [p[2] for p in chosen] + [f"highest at {peak}"]
    return {"vi": "; ".join(vi), "en": "; ".join(en)}


def _phrase(
    part: str, static: pd.Series, assessment: RiskAssessment, facility_id: str
) -> tuple[str, str] | None:
    """Short words for one raising part of a score (``None``: nothing worth a patrol's line)."""
    if part == "cash":
        cash = str(static["cash"])
        return (_CASH_VI[cash], _CASH_EN[cash]) if cash in _CASH_VI else None
    if part in _SAFEGUARD_VI:
        state = str(static[part])
        if state == "no":
            return f"không có {_SAFEGUARD_VI[part]}", f"no {_SAFEGUARD_EN[part]}"
        return f"chưa rõ có {_SAFEGUARD_VI[part]}", f"{_SAFEGUARD_EN[part]} unknown"
    if part == "isolation":
        far = float(assessment.isolation.loc[facility_id, "housing_m"])
        if np.isfinite(far):
            return f"hẻo lánh, cách khu dân cư {far:.0f} m", f"isolated, {far:.0f} m from housing"
        return "hẻo lánh", "isolated"
    if part == "opening_hours":
        return "đóng cửa ban đêm, không người", "closed and empty at night"
    if part == "tet":
        return "dịp Tết", "Tết period"
    if part == "holiday":
        return "ngày lễ", "public holiday"
    if part == "event":
        return "ngày có sự kiện", "event day"
    return None


def with_streets(problem: PatrolProblem, travel: TravelTimes, area: Area) -> PatrolProblem:
    """Give each target the street it stands on; targets of one name are told apart by it.

    Parameters
    ----------
    problem
        The night's problem (``geodata.problem.build_problem``).
    travel
        Its travel times (``snap_edge``: the street edge each node was snapped to).
    area
        The area whose street graph the edges belong to.

    Returns
    -------
    PatrolProblem
        Sites with a ``street`` extra (a nameless lane takes the name of the nearest street it
        leads to); two targets of one name are named ``Name – Street``.

    """
    from collections import Counter

    graph = area.graph
    edges = graph.edges

    def named(data: Mapping[str, Any]) -> str:
        name = data.get("name") or ""
        return str(name[0] if isinstance(name, list) else name).strip()

    def street(node: int) -> str:
        # The matrix's rows are the problem's nodes, in order. A site on a nameless lane or
        # service way takes the name of the nearest street that lane leads to (a few hops).
        u, v, k = travel.snap_edge[node]
        found = named(edges[u, v, k])
        frontier, seen = [u, v], {u, v}
        for _ in range(4):
            if found:
                break
            ahead = []
            for end in frontier:
                for a, b, data in [
                    *graph.out_edges(end, data=True),
                    *graph.in_edges(end, data=True),
                ]:
                    found = found or named(data)
                    ahead += [n for n in (a, b) if n not in seen]
                    seen.update((a, b))
            frontier = ahead
        return found

    names = Counter(str(s.extra.get("name", "")) for s in problem.sites)
    sites = []
    for site in problem.sites:
        extra = {**site.extra, "street": street(site.node)}
        if names[str(extra.get("name", ""))] > 1 and extra["street"]:
            extra["name"] = f"{extra['name']} – {extra['street']}"
        sites.append(replace(site, extra=extra))
    return replace(problem, sites=tuple(sites))


def with_briefing(
    problem: PatrolProblem, assessment: RiskAssessment, facilities: gpd.GeoDataFrame
) -> PatrolProblem:
    """Give each target what a leader reads on the briefing, and the problem the night's context.

    Sites get ``address``, ``contact``, ``guard`` (``geodata.briefing.stop_details``) and
    ``risk_reason`` ``{"vi", "en"}``; the problem gets ``night`` (holiday, Tết or event).
    """
    sites = []
    for site in problem.sites:
        members = [str(m) for m in site.extra.get("members", [site.id])]
        # The reason of the member whose risk sets the target's level (as build_problem picks).
        main = max(members, key=lambda m: float(assessment.peak.loc[m]))
        extra = {
            **site.extra,
            "name": _named_by_street(
                str(site.extra.get("name", "")), str(site.extra.get("street"))
            ),
            **stop_details(facilities, members),
            "risk_reason": risk_reason(assessment, main),
        }
        sites.append(replace(site, extra=extra))
    extra = {**problem.extra, "night": night_context(assessment)}
    return replace(problem, sites=tuple(sites), extra=extra)


def _named_by_street(name: str, street: str) -> str:
    """``Cây ATM chưa có tên`` becomes ``Cây ATM – Phố Cát Linh``: a nameless site by its street."""
    unnamed = " chưa có tên"
    if unnamed not in name or not street or street == "None":
        return name
    kind, _, rest = name.partition(unnamed)
    return f"{kind} – {street}" if not rest or rest.startswith(" – ") else name
