"""Recommendations the numbers suggest, each naming the street and sites it is about."""

from __future__ import annotations

import pandas as pd

from geodata.review.model import (
    WEEKDAYS_EN,
    WEEKDAYS_VI,
    EmergingCategory,
    MonthlyReview,
    Recommendation,
)

__all__ = ["recommend"]


def _presence_en(row: pd.Series) -> str:
    minutes = float(row["presence_min"])
    return "no patrol presence" if minutes <= 0 else f"only {minutes:.0f} min of patrol presence"


def _presence_vi(row: pd.Series) -> str:
    minutes = float(row["presence_min"])
    if minutes <= 0:
        return "chưa có lực lượng tuần tra hiện diện"
    return f"lực lượng tuần tra chỉ hiện diện {minutes:.0f} phút"


def _place(row: pd.Series, lang: str) -> str:
    """Name the street a place is on, else its position (a place no street reaches)."""
    street = str(row.get("street", "") or "")
    if street:
        return street
    where = f"{row['lat']:.5f}, {row['lon']:.5f}"
    return where.replace(".", ",").replace(", ", "; ") if lang == "vi" else where


def _pct_vi(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:+.{digits}%}".replace(".", ",")


def recommend(review: MonthlyReview) -> list[Recommendation]:
    """Actions for the coverage gaps, emerging hotspots, busy hours and the yearly target."""
    out: list[Recommendation] = []
    month_vi = review.period.label() if review.period is not None else f"{review.month:%m/%Y}"
    fac = review.facilities
    gaps = review.gaps
    for cell_id, row in gaps.head(5).iterrows():
        ids = [f for f in row["facilities"]]
        if fac is not None and ids:
            ranked = fac.loc[ids].sort_values("incidents", ascending=False).head(3)
            names = [n or k for k, n in zip(ranked.index, ranked["name"], strict=True)]
            out.append(
                Recommendation(
                    "add_sites",
                    f"Add {', '.join(names)} to the night patrol loops: {int(row['count'])} "
                    f"incident(s) around {_place(row, 'en')} in {month_vi}, {_presence_en(row)}.",
                    f"Bổ sung {', '.join(names)} vào lộ trình tuần tra đêm: khu vực "
                    f"{_place(row, 'vi')} có {int(row['count'])} vụ việc trong kỳ {month_vi}, "
                    f"{_presence_vi(row)}.",
                    str(cell_id),
                    tuple(str(i) for i in ranked.index),
                )
            )
        else:
            out.append(
                Recommendation(
                    "checkpoint",
                    f"Add a checkpoint on {_place(row, 'en')}: {int(row['count'])} incident(s) "
                    f"in {month_vi}, {_presence_en(row)}.",
                    f"Bố trí điểm kiểm tra tại khu vực {_place(row, 'vi')}: {int(row['count'])} "
                    f"vụ việc trong kỳ {month_vi}, {_presence_vi(row)}.",
                    str(cell_id),
                )
            )
    if review.cells is not None:
        fresh = review.cells[
            review.cells["category"].isin(
                [EmergingCategory.NEW.value, EmergingCategory.INTENSIFYING.value]
            )
            & (review.cells["count"] > 0)
        ].sort_values("count", ascending=False)
        if len(fresh):
            top = fresh.iloc[0].copy()
            if review.coverage is not None and fresh.index[0] in review.coverage.index:
                top["street"] = review.coverage.at[fresh.index[0], "street"]
            label = EmergingCategory(top["category"])
            out.append(
                Recommendation(
                    "emerging",
                    f"{len(fresh)} area(s) are new or intensifying hotspots; the largest, around "
                    f"{_place(top, 'en')} ({label.label_en.lower()}, "
                    f"{int(top['count'])} incidents), needs its cause checked.",
                    f"{len(fresh)} khu vực là điểm nóng mới hoặc gia tăng; lớn nhất ở khu vực "
                    f"{_place(top, 'vi')} ({label.label_vi.lower()}, "
                    f"{int(top['count'])} vụ) cần xác minh nguyên nhân.",
                    str(fresh.index[0]),
                )
            )
    table = review.hour_weekday
    total = int(table.to_numpy().sum())
    if total >= 5:
        stacked = table.stack()
        (hour, weekday), n = stacked.idxmax(), int(stacked.max())
        by_hour = table.sum(axis=1)
        peak = int(by_hour.idxmax())
        out.append(
            Recommendation(
                "hours",
                f"Most incidents fell at {peak:02d}:00-{(peak + 1) % 24:02d}:00 "
                f"({int(by_hour.max())} of {total}); the busiest slot was "
                f"{WEEKDAYS_EN[weekday]} {hour:02d}:00 ({n}). Weight the loops to those hours.",
                f"Khung giờ {peak:02d}h00-{(peak + 1) % 24:02d}h00 có nhiều vụ việc nhất "
                f"({int(by_hour.max())}/{total}); cao nhất vào {WEEKDAYS_VI[weekday]} lúc "
                f"{hour:02d}h00 ({n} vụ). Tăng cường tuần tra vào các khung giờ này.",
            )
        )
    t = review.target
    if t.on_track is False:
        excess = t.this_year - t.allowed
        out.append(
            Recommendation(
                "target",
                f"Criminal offences 01-{review.month:%m/%Y}: {t.this_year} against {t.last_year} "
                f"a year earlier ({t.change:+.1%}); the {t.target:.0%} reduction target allows "
                f"{t.allowed:.0f}: {excess:.0f} too many. Strengthen the patrols above.",
                f"Số vụ phạm pháp hình sự từ đầu năm đến tháng {review.month:%m/%Y}: "
                f"{t.this_year} vụ so với {t.last_year} vụ cùng kỳ năm trước "
                f"({_pct_vi(t.change)}); chỉ tiêu giảm "
                f"{t.target:.0%} cho phép tối đa {t.allowed:.0f} vụ: vượt {excess:.0f} vụ. Cần "
                "tăng cường tuần tra tại các điểm trên.",
            )
        )
    elif t.on_track:
        out.append(
            Recommendation(
                "target",
                f"Criminal offences 01-{review.month:%m/%Y}: {t.this_year} against {t.last_year} "
                f"a year earlier ({t.change:+.1%}): on track for the {t.target:.0%} reduction.",
                f"Số vụ phạm pháp hình sự từ đầu năm đến tháng {review.month:%m/%Y}: "
                f"{t.this_year} vụ so với {t.last_year} vụ cùng kỳ năm trước "
                f"({_pct_vi(t.change)}): đạt chỉ tiêu giảm "
                f"{t.target:.0%}.",
            )
        )
    return out
