"""``monthly_review``: one period's review, in the steps it is made of.

1. the period's incidents inside the area (``_incidents``);
2. change against the previous period and last year, hours, the history (``_changes``);
3. statistics on cells: density, Gi*, emerging categories (``_cell_statistics``);
4. presence of the approved plans and the patrol records, coverage, patrol results;
5. the loudspeaker campaign's runs and street coverage per group (``geodata.review.campaign``);
6. recommendations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.hotspots import (
    bandwidth_m,
    count_in_cells,
    gi_star,
    kde_surface,
    make_grid,
    project_lonlat,
)
from geodata.review.coverage import coverage_table, facility_table
from geodata.review.emerging import cell_categories
from geodata.review.model import EmergingCategory, MonthlyReview, Notice
from geodata.review.period import Period, check_month
from geodata.review.presence import patrol_results, plan_presence
from geodata.review.recommend import recommend
from geodata.review.targets import change, target_progress, type_targets
from patrolbase.clock import ward_today
from patrolbase.crs import projected_crs
from patrolbase.errors import ReviewError
from patrolbase.schema import IncidentType
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.basemap import StreetBackground
    from geodata.review.campaign import CampaignLog
    from geodata.trackmatch import TrackMatch
    from routing.model import PatrolPlan

__all__ = ["monthly_review"]

_DEFAULT_BBOX = (105.8268, 21.0233, 105.8390, 21.0304)
"""The embedded default area, used when neither an area nor incidents give an extent."""


def _check_frame(incidents: pd.DataFrame) -> None:
    missing = [c for c in ("time", "type", "lat", "lon") if c not in incidents.columns]
    if missing:
        msg = (
            f"incidents: column(s) {', '.join(missing)} missing; read the incident table with "
            "geodata.io.read_incidents, which gives time, type, lat, lon"
        )
        raise ReviewError(msg, message_vi=f"Bảng vụ việc thiếu cột: {', '.join(missing)}")


def _inside(incidents: pd.DataFrame, bbox: tuple[float, float, float, float]) -> np.ndarray:
    lon, lat = incidents["lon"].to_numpy(float), incidents["lat"].to_numpy(float)
    west, south, east, north = bbox
    return np.asarray((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))


def _area_bbox(
    frame: pd.DataFrame, bbox: Sequence[float] | None, notices: list[Notice]
) -> tuple[float, float, float, float]:
    """Return the area's extent: given, or (last resort) the incidents' own; a point widened."""
    if bbox is None:
        if len(frame):
            bbox = (
                float(frame["lon"].min()), float(frame["lat"].min()),
                float(frame["lon"].max()), float(frame["lat"].max()),
            )  # fmt: skip
        else:
            bbox = _DEFAULT_BBOX
        notices.append(
            Notice(
                "no_area", "incidents", "info",
                "No area given: the incidents' own extent is used.",
                "Chưa chọn địa bàn: dùng phạm vi của chính các vụ việc.",
            )
        )  # fmt: skip
    west, south, east, north = (float(v) for v in bbox)
    if west == east or south == north:  # a single point: widen to one cell around it
        pad = 0.001
        west, south, east, north = west - pad, south - pad, east + pad, north + pad
    return west, south, east, north


def _incidents(
    incidents: pd.DataFrame,
    period: Period,
    bbox: tuple[float, float, float, float],
    notices: list[Notice],
) -> tuple[gpd.GeoDataFrame, int]:
    """Every incident inside the area (all periods), and how many of the period lay outside."""
    import geopandas as gpd

    frame = incidents.copy()
    frame["time"] = pd.to_datetime(frame["time"])
    if not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
        )
    inside = _inside(frame, bbox)
    in_period = period.contains(frame["time"])
    outside = int((~inside & in_period).sum())
    if outside:
        shown = ", ".join(str(i) for i in frame.index[~inside & in_period][:5])
        notices.append(
            Notice(
                "outside_area",
                "incidents",
                "warning",
                f"{outside} incident(s) of the period lie outside the area and were left out "
                f"(e.g. {shown}); check their coordinates (lat/lon swapped?) or the area.",
                f"{outside} vụ việc trong kỳ nằm ngoài địa bàn nên không được tính "
                f"(ví dụ {shown}); kiểm tra tọa độ (nhầm vĩ độ/kinh độ?) hoặc địa bàn.",
            )
        )
    return frame[inside], outside


def _by_type(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per incident type: this period, the previous one, the same one last year, changes."""
    types = [t.value for t in IncidentType]

    def counts(p: Period) -> pd.Series:
        return frame.loc[p.contains(frame["time"]), "type"].value_counts()

    table = pd.DataFrame(
        {
            "month": counts(period).reindex(types, fill_value=0),
            "previous": counts(period.shifted(-1)).reindex(types, fill_value=0),
            "last_year": counts(period.shifted(-12)).reindex(types, fill_value=0),
        }
    ).astype(np.int64)
    table.loc["total"] = table.sum()
    table["change_prev"] = [change(a, b) for a, b in zip(table["month"], table["previous"],
                                                         strict=True)]  # fmt: skip
    table["change_year"] = [change(a, b) for a, b in zip(table["month"], table["last_year"],
                                                         strict=True)]  # fmt: skip
    table.index.name = "type"
    return table


def _hour_weekday(month_frame: pd.DataFrame) -> pd.DataFrame:
    table = (
        pd.crosstab(month_frame["time"].dt.hour, month_frame["time"].dt.day_of_week)
        .reindex(index=range(24), columns=range(7), fill_value=0)
        .astype(np.int64)
    )
    table.index.name = "hour"
    table.columns.name = "weekday"
    return table


def _history(frame: pd.DataFrame, period: Period, months: int) -> tuple[list[Period], pd.Series]:
    """Return the periods of the history (up to ``months``) and the incidents of each."""
    first = period.shifted(-(months - 1))
    if len(frame):
        earliest = Period.of(frame["time"].min().date(), period.kind)
        if frame["time"].min() >= pd.Timestamp(earliest.end):
            earliest = earliest.shifted(1)  # a 15-14 period named by the next month
        first = max(first, earliest, key=lambda p: p.index)
    first = min(first, period, key=lambda p: p.index)
    history = [first.shifted(k) for k in range(period.index - first.index + 1)]
    index = period.index_of(frame["time"]) if len(frame) else np.array([], dtype=np.int64)
    counts = pd.Series(index).value_counts()
    monthly = counts.reindex([p.index for p in history], fill_value=0).astype(np.int64)
    monthly.index = [p.month.strftime("%Y-%m") for p in history]
    monthly.name = "incidents"
    return history, monthly


def _statistics_notices(n: int, period: Period, min_incidents: int) -> list[Notice]:
    label = period.label()
    if n == 0:
        return [
            Notice(
                "no_incidents",
                "statistics",
                "error",
                f"No incident recorded in the area in {label}: no density surface, hotspots or "
                "coverage gaps for this period. Check that the period's log was imported.",
                f"Không có vụ việc nào trên địa bàn trong kỳ {label}: không có bản đồ mật độ, "
                "điểm nóng hay khoảng trống tuần tra. Kiểm tra đã nhập sổ vụ việc kỳ này.",
            )
        ]
    if n < min_incidents:
        return [
            Notice(
                "too_few",
                "statistics",
                "warning",
                f"Only {n} incident(s) in {label}; the density surface and Gi* need at least "
                f"{min_incidents}: they are not shown. Counts per area and site are still listed.",
                f"Chỉ có {n} vụ việc trong kỳ {label}; bản đồ mật độ và phân tích điểm nóng cần "
                f"ít nhất {min_incidents} vụ nên không hiển thị. Số vụ theo khu vực và theo mục "
                "tiêu vẫn được liệt kê.",
            )
        ]
    return []


def _cell_statistics(
    review: MonthlyReview, frame: pd.DataFrame, history: list[Period], *, area_bbox: Any
) -> tuple[pd.DataFrame, np.ndarray]:
    """Count per cell; density and Gi* when there are enough incidents; emerging categories."""
    settings, crs, notices = review.settings, review.crs, review.notices
    hs = settings.hotspots
    month_frame = review.incidents
    grid = make_grid(area_bbox, crs=crs, settings=hs)
    review.grid = grid
    if grid.coarsened:
        notices.append(
            Notice(
                "coarsened", "statistics", "info",
                f"The area is large: cells of {grid.cell_m:g} m instead of "
                f"{grid.requested_cell_m:g} m keep the statistics within seconds.",
                f"Địa bàn rộng: dùng ô {grid.cell_m:g} m thay vì {grid.requested_cell_m:g} m "
                "để tính toán nhanh.",
            )
        )  # fmt: skip
    xy = project_lonlat(month_frame["lon"].to_numpy(), month_frame["lat"].to_numpy(), crs=crs)
    counts = count_in_cells(grid, xy, lonlat=month_frame[["lon", "lat"]].to_numpy(float))
    cells = grid.cells[["lon", "lat", "x", "y"]].copy()
    cells["count"] = counts
    cells["z"] = np.nan
    cells["p_sim"] = np.nan
    cells["gi_class"] = "ns"
    if len(month_frame) >= hs.min_incidents:
        review.gi = gi_star(
            counts, grid.weights, significance=hs.significance, fdr=hs.fdr,
            permutations=hs.permutations, seed=hs.seed, inference=hs.inference,
        )  # fmt: skip
        cells[["z", "p_sim", "gi_class"]] = review.gi.table[["z", "p_sim", "gi_class"]]
        min_cells = grid.n / (hs.significance * (hs.permutations + 1))
        if hs.fdr and hs.inference == "permutation" and min_cells > 5:
            notices.append(
                Notice(
                    "permutations_resolution", "statistics", "info",
                    f"With {grid.n} cells and {hs.permutations} permutations, FDR can only "
                    f"declare hotspots of at least {math.ceil(min_cells)} cells; use larger cells "
                    "or more permutations to see smaller ones.",
                    f"Với {grid.n} ô và {hs.permutations} lần hoán vị, hiệu chỉnh FDR chỉ phát "
                    f"hiện điểm nóng từ {math.ceil(min_cells)} ô trở lên; tăng kích thước ô hoặc "
                    "số lần hoán vị để thấy điểm nóng nhỏ hơn.",
                )
            )  # fmt: skip
        half = grid.cell_m / 2
        extent = (
            float(grid.cells["x"].min() - half), float(grid.cells["y"].min() - half),
            float(grid.cells["x"].max() + half), float(grid.cells["y"].max() + half),
        )  # fmt: skip
        h = hs.bandwidth_m or bandwidth_m(xy, rule=hs.bandwidth_rule)
        review.kde = kde_surface(xy, extent=extent, bandwidth=h * hs.bandwidth_scale,
                                 resolution_m=hs.kde_resolution_m, crs=crs)  # fmt: skip
    cells["category"] = EmergingCategory.NONE.value
    review.history_months = len(history)
    if len(history) < 6:
        notices.append(
            Notice(
                "short_history", "emerging", "warning",
                f"Only {len(history)} period(s) of records up to {review.period_label}; the "
                "emerging hotspot classification needs at least 6.",
                f"Mới có {len(history)} kỳ dữ liệu tính đến kỳ {review.period_label}; phân loại "
                "xu hướng điểm nóng cần ít nhất 6 kỳ.",
            )
        )  # fmt: skip
    else:
        cells["category"] = cell_categories(frame, history, grid, crs=crs, settings=settings)
    return cells, xy


def monthly_review(
    incidents: gpd.GeoDataFrame | pd.DataFrame,
    *,
    month: str | date,
    bbox: Sequence[float] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    plans: Sequence[PatrolPlan] = (),
    records: Sequence[TrackMatch] = (),
    background: StreetBackground | None = None,
    campaign: CampaignLog | None = None,
    area_name: str = "",
    crs: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> MonthlyReview:
    """Review one reporting period: statistics, change, coverage, patrol results, advice.

    Parameters
    ----------
    incidents
        Every incident on record (``patrolbase.schema.INCIDENT_COLUMNS``), all periods: the review
        takes the period, the previous one, the same one last year and the history it needs.
    month
        The period's month: ``"2026-10"``, ``"10/2026"`` or a date in the month. With
        ``[report] period = "15-14"`` the period ``10/2026`` runs 15/09 to 14/10/2026.
    bbox
        The area ``(west, south, east, north)``: incidents outside are left out and counted in a
        notice; without it, the incidents' own extent is used.
    boundary
        Administrative boundaries (``Area.boundary``), drawn on the maps for orientation.
    facilities
        Facilities frame for per-facility counts, presence and recommendations.
    plans
        Patrol plans; approved ones of the period give the presence, each plan identity once.
    records
        Patrol records (``geodata.trackmatch.TrackMatch``), one per team and night: where a
        team-night has one, the presence is what the track shows.
    background
        The ward's streets (``geodata.basemap.street_background``): maps and place names.
    campaign
        The loudspeaker campaign's stored runs of the period (``patrol.store.campaigns``);
        ``None`` or no runs: the review says no campaign was stored.
    area_name
        Shown on the report.
    crs
        Projected CRS to compute in (the area's ``Area.crs``); default ``projected_crs(bbox)``.
    settings
        ``hotspots``, ``report``, ``cover`` and ``area.crs`` are used.
    today
        For the future-month check; defaults to the current date.

    Raises
    ------
    ReviewError
        The month is malformed or has not begun, or the frame lacks ``time``/``type``/``lat``/
        ``lon``.

    """
    settings = settings or Settings()
    hs = settings.hotspots
    the_month = check_month(month, today=today)
    period = Period(the_month, settings.report.period)
    today = today or ward_today()
    _check_frame(incidents)
    notices: list[Notice] = []
    if today < period.end and today >= period.start:
        notices.append(
            Notice(
                "month_not_over", "month", "warning",
                f"{period.label()} is not over yet (today {today:%d/%m/%Y}): figures are "
                "partial.",
                f"Kỳ {period.label()} chưa kết thúc (hôm nay {today:%d/%m/%Y}): số liệu chưa "
                "đầy đủ.",
            )
        )  # fmt: skip
    area_bbox = _area_bbox(incidents, bbox, notices)
    crs = crs or projected_crs(area_bbox, configured=settings.area.crs)
    frame, outside = _incidents(incidents, period, area_bbox, notices)
    month_frame = frame[period.contains(frame["time"])]
    history, monthly = _history(frame, period, hs.months)
    target = target_progress(frame, period, hs.target_reduction)
    if target.on_track is None:
        notices.append(
            Notice(
                "no_last_year", "target", "info",
                f"The records do not cover the same part of {the_month.year - 1} in full: "
                "progress against the yearly reduction target cannot be measured.",
                f"Dữ liệu chưa bao quát đủ cùng kỳ năm {the_month.year - 1}: chưa đánh giá được "
                "chỉ tiêu giảm hằng năm.",
            )
        )  # fmt: skip
    review = MonthlyReview(
        month=the_month, area_name=area_name, crs=crs, settings=settings, notices=notices,
        incidents=month_frame, by_type=_by_type(frame, period),
        hour_weekday=_hour_weekday(month_frame), monthly=monthly, target=target,
        outside_area=outside, bbox=area_bbox, boundary=boundary, facility_frame=facilities,
        period=period, background=background,
        type_targets=type_targets(frame, period, settings.report.type_targets),
    )  # fmt: skip
    notices.extend(_statistics_notices(len(month_frame), period, hs.min_incidents))
    cells, xy = _cell_statistics(review, frame, history, area_bbox=area_bbox)

    # --- presence: approved plans, and the tracks where a team-night has one -----------------
    stops, plan_notices = plan_presence(plans, period, facilities=facilities, records=records)
    notices.extend(plan_notices)
    review.patrol = patrol_results(plans, period, records=records, settings=settings)
    review.plans_used = int(stops["plan_id"].nunique()) if len(stops) else 0
    stop_xy = project_lonlat(stops["lon"].to_numpy(), stops["lat"].to_numpy(), crs=crs)
    assert review.grid is not None
    where = review.grid.locate(stop_xy, lonlat=stops[["lon", "lat"]].to_numpy(float))
    placed = where >= 0
    minutes = stops["minutes"].to_numpy(float)
    actual = (stops["basis"] == "actual").to_numpy()
    cells["presence_min"] = np.bincount(where[placed], weights=minutes[placed],
                                        minlength=review.grid.n)  # fmt: skip
    cells["actual_min"] = np.bincount(where[placed & actual], weights=minutes[placed & actual],
                                      minlength=review.grid.n)  # fmt: skip
    review.cells = cells
    if facilities is not None and len(facilities):
        review.facilities = facility_table(facilities, xy, stop_xy, stops, crs=crs,
                                           radius_m=hs.radius_m)  # fmt: skip
    if len(month_frame):
        review.coverage = coverage_table(review, basis="gi" if review.gi is not None else "count")
        if review.plans_used == 0:
            notices.append(
                Notice(
                    "no_plans", "coverage", "warning",
                    f"No approved patrol plan for {period.label()}: every hotspot counts as "
                    "uncovered.",
                    f"Không có kế hoạch tuần tra đã phê duyệt trong kỳ {period.label()}: mọi "
                    "điểm nóng đều được coi là chưa có lực lượng hiện diện.",
                )
            )  # fmt: skip
    if campaign is not None and campaign.runs:
        from geodata.review.campaign import campaign_counts

        review.campaign = campaign_counts(campaign)
    review.recommendations = recommend(review)
    return review
