"""The monthly hotspot review: where incidents concentrate, what changed, were patrols there.

``monthly_review(incidents, month=...)`` returns a ``MonthlyReview`` that the report
(``patrol.report``), the command (``patrol review``) and the dashboard page all draw from; none of
them computes anything of their own. Problems with the data that still leave something to report
(a month without incidents, too few for the statistics, incidents outside the area, no approved
plans) become ``Notice`` entries, in English and Vietnamese, shown where the missing chart would
be. A month that cannot be reviewed at all (in the future, malformed) raises ``ReviewError``.

Definitions (see ``docs/review.md``):

- *Hot spot*: a cell whose Gi* pseudo p-value passes the FDR cut-off with ``z > 0``
  (``geodata.hotspots.gi_star``).
- *Emerging categories* over the last ``months`` months, from each month's Gi* (normal p-values,
  FDR per month) and the Mann-Kendall trend of the cell's z-scores (``scipy.stats.kendalltau``):
  ``new`` hot only in its last ``new_months`` months and never before; ``intensifying`` /
  ``persistent`` / ``diminishing`` hot in at least ``persistent_share`` of the months with a
  rising / no / falling trend; ``sporadic`` hot now and then, including the last month;
  ``historical`` hot before, not in the last month; ``none`` never hot.
- *Criminal offences* for the yearly target: every incident type except ``other``.
- *Presence*: planned minutes on site (``depart - start`` of each stop) of approved plans whose
  shift date falls in the month; per cell by the stop's position, per facility for stops within
  ``radius_m``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from geodata.hotspots import (
    GiStarResult,
    Grid,
    KDESurface,
    bandwidth_m,
    count_in_cells,
    facility_counts,
    gi_star,
    gi_star_z,
    kde_surface,
    make_grid,
    project_lonlat,
)
from patrolbase.clock import ward_today
from patrolbase.crs import projected_crs
from patrolbase.errors import ReviewError
from patrolbase.schema import IncidentType
from patrolbase.settings import Settings
from patrolbase.wording import fmt_decimal

if TYPE_CHECKING:
    import geopandas as gpd

    from routing.model import PatrolPlan

__all__ = [
    "WEEKDAYS_EN",
    "WEEKDAYS_VI",
    "EmergingCategory",
    "MonthlyReview",
    "Notice",
    "Recommendation",
    "TargetProgress",
    "check_month",
    "emerging_categories",
    "monthly_review",
    "parse_month",
    "plan_presence",
    "report_date",
]

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class EmergingCategory(StrEnum):
    """Emerging-hotspot categories of a cell over the review's months."""

    NEW = "new"
    INTENSIFYING = "intensifying"
    PERSISTENT = "persistent"
    DIMINISHING = "diminishing"
    SPORADIC = "sporadic"
    HISTORICAL = "historical"
    NONE = "none"

    @property
    def label_vi(self) -> str:
        """Vietnamese name of the category."""
        return _CATEGORY_VI[self]

    @property
    def label_en(self) -> str:
        """English name of the category."""
        return _CATEGORY_EN[self]


_CATEGORY_VI = {
    EmergingCategory.NEW: "Điểm nóng mới",
    EmergingCategory.INTENSIFYING: "Điểm nóng gia tăng",
    EmergingCategory.PERSISTENT: "Điểm nóng kéo dài",
    EmergingCategory.DIMINISHING: "Điểm nóng giảm dần",
    EmergingCategory.SPORADIC: "Điểm nóng không thường xuyên",
    EmergingCategory.HISTORICAL: "Điểm nóng trước đây (tháng này không còn)",
    EmergingCategory.NONE: "Không phải điểm nóng",
}
_CATEGORY_EN = {
    EmergingCategory.NEW: "New hotspot",
    EmergingCategory.INTENSIFYING: "Intensifying hotspot",
    EmergingCategory.PERSISTENT: "Persistent hotspot",
    EmergingCategory.DIMINISHING: "Diminishing hotspot",
    EmergingCategory.SPORADIC: "Sporadic hotspot",
    EmergingCategory.HISTORICAL: "Historical hotspot (not hot this month)",
    EmergingCategory.NONE: "Not a hotspot",
}

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """Something the reader must know about the data, shown where the missing result would be.

    ``topic`` names the section it replaces or qualifies: ``incidents``, ``statistics``,
    ``emerging``, ``coverage``, ``target``, ``month``.
    """

    code: str
    topic: str
    severity: Severity
    message: str
    message_vi: str

    def text(self, lang: str = "vi") -> str:
        """Return the message in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.message_vi if lang == "vi" else self.message


@dataclass(frozen=True)
class Recommendation:
    """One action the numbers suggest, with the cell and facilities it is about."""

    kind: Literal["add_sites", "checkpoint", "hours", "target", "emerging"]
    text: str
    text_vi: str
    cell_id: str | None = None
    facility_ids: tuple[str, ...] = ()

    def in_lang(self, lang: str = "vi") -> str:
        """Return the recommendation in ``lang``."""
        return self.text_vi if lang == "vi" else self.text


@dataclass(frozen=True)
class TargetProgress:
    """Criminal offences so far this year against the same months of last year.

    ``allowed`` is what the target permits for those months (``(1 - target) * last_year``);
    ``on_track`` is ``None`` when last year has no record to compare with.
    """

    months: int
    this_year: int
    last_year: int
    target: float
    allowed: float
    change: float | None
    on_track: bool | None


@dataclass
class MonthlyReview:
    """Everything the report and the page show for one month; ``None`` where not computable.

    Frames:

    - ``incidents``: the month's incidents inside the area (EPSG:4326).
    - ``cells``: per cell ``count``, ``z``, ``p_sim``, ``gi_class``, ``category``,
      ``presence_min``, ``lon``, ``lat`` (only when the grid was built).
    - ``by_type``: per incident type ``month``, ``previous``, ``last_year``, ``change_prev``,
      ``change_year`` (fractions, ``NaN`` when the base is zero); row ``total`` last.
    - ``hour_weekday``: 24 hours × 7 weekdays (Monday first) of the month.
    - ``monthly``: incidents per month over the history (for the trend chart).
    - ``facilities``: per facility ``name``, ``kind``, ``incidents``, ``presence_min``.
    - ``coverage``: the hotspot cells with ``count``, ``presence_min``, ``gap`` (incidents and
      less presence than ``gap_presence_min``) and the nearest facilities; gaps first, by
      incidents.
    """

    month: date
    area_name: str
    crs: str
    settings: Settings
    notices: list[Notice]
    incidents: gpd.GeoDataFrame
    by_type: pd.DataFrame
    hour_weekday: pd.DataFrame
    monthly: pd.Series
    target: TargetProgress
    grid: Grid | None = None
    cells: pd.DataFrame | None = None
    kde: KDESurface | None = None
    gi: GiStarResult | None = None
    history_months: int = 0
    facilities: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    plans_used: int = 0
    outside_area: int = 0
    recommendations: list[Recommendation] = field(default_factory=list)
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    boundary: gpd.GeoDataFrame | None = None
    facility_frame: gpd.GeoDataFrame | None = None

    @property
    def report_date(self) -> date:
        """The 15th of the following month, the date the report is due."""
        return report_date(self.month)

    @property
    def gaps(self) -> pd.DataFrame:
        """Coverage gaps only (hotspots with incidents and too little planned presence)."""
        if self.coverage is None:
            return pd.DataFrame()
        return self.coverage[self.coverage["gap"]]

    def notices_for(self, topic: str) -> list[Notice]:
        """Notices about one section."""
        return [n for n in self.notices if n.topic == topic]


# --- months -----------------------------------------------------------------------------------


def parse_month(text: str | date) -> date:
    """Read a month ``2026-10``, ``10/2026`` or ``2026-10-01`` as its first day.

    >>> parse_month("10/2026")
    datetime.date(2026, 10, 1)
    """
    if isinstance(text, date):
        return date(text.year, text.month, 1)
    raw = str(text).strip()
    for fmt in ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%m-%Y"):
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    msg = f"month = {raw!r}: write the month as YYYY-MM (e.g. 2026-10) or MM/YYYY"
    raise ReviewError(
        msg, message_vi=f"Tháng {raw!r} không hợp lệ: ghi theo dạng 2026-10 hoặc 10/2026"
    )


def check_month(month: str | date, *, today: date | None = None) -> date:
    """Parse ``month`` and refuse one that has not begun; return its first day.

    Raises
    ------
    ReviewError
        With an English and a Vietnamese message naming the month and today's date.

    """
    the_month = parse_month(month)
    today = today or ward_today()
    if the_month > date(today.year, today.month, 1):
        msg = (
            f"month {the_month:%Y-%m} has not begun (today is {today:%Y-%m-%d}); "
            "choose this month or an earlier one"
        )
        raise ReviewError(
            msg,
            message_vi=(
                f"Tháng {the_month:%m/%Y} chưa đến (hôm nay {today:%d/%m/%Y}); "
                "hãy chọn tháng này hoặc một tháng trước đó"
            ),
        )
    return the_month


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def report_date(month: date | str) -> date:
    """Return the 15th of the month after ``month``: the monthly report's due date.

    >>> report_date("2026-12")
    datetime.date(2027, 1, 15)
    """
    return _shift(parse_month(month), 1).replace(day=15)


def _in_month(times: pd.Series, month: date) -> np.ndarray:
    start = pd.Timestamp(month)
    end = pd.Timestamp(_shift(month, 1))
    return np.asarray((times >= start) & (times < end))


def _change(now: float, before: float) -> float:
    return (now - before) / before if before else math.nan


# --- emerging hot spots -----------------------------------------------------------------------


def emerging_categories(
    hot: np.ndarray,
    z: np.ndarray,
    *,
    new_months: int = 2,
    persistent_share: float = 0.9,
    significance: float = 0.05,
) -> tuple[list[EmergingCategory], np.ndarray, np.ndarray]:
    """Classify cells from their monthly hot flags and Gi* z-scores.

    Parameters
    ----------
    hot
        ``(months, cells)`` booleans, oldest month first.
    z
        ``(months, cells)`` Gi* z-scores, for the Mann-Kendall trend.
    new_months, persistent_share, significance
        See the module text.

    Returns
    -------
    categories, tau, trend_p
        One category per cell; Kendall's tau of z against time and its p-value for the cells hot
        in at least ``persistent_share`` of the months (0 and 1 elsewhere).

    """
    from scipy.stats import kendalltau

    hot = np.asarray(hot, dtype=bool)
    months, cells = hot.shape
    # Length of the run of hot months that ends with the last month.
    run = np.cumprod(hot[::-1], axis=0).sum(axis=0)
    hot_before_run = np.array([hot[: months - r, c].any() for c, r in enumerate(run)], dtype=bool)
    share = hot.mean(axis=0)
    new = (run > 0) & (run <= new_months) & ~hot_before_run
    steady = ~new & (share >= persistent_share)
    taus = np.zeros(cells)
    trend_p = np.ones(cells)
    # Mann-Kendall trend of the z-scores, only where it decides the category (one vector call).
    varying = steady & (np.ptp(z, axis=0) > 0)
    if varying.any():
        time_axis = np.broadcast_to(np.arange(months)[:, None], (months, int(varying.sum())))
        trend = kendalltau(time_axis, z[:, varying], axis=0)
        taus[varying] = np.nan_to_num(trend.statistic)
        trend_p[varying] = np.nan_to_num(trend.pvalue, nan=1.0)
    rising = steady & (trend_p <= significance) & (taus > 0)
    falling = steady & (trend_p <= significance) & (taus < 0)
    codes = np.select(
        [
            ~hot.any(axis=0),
            new,
            rising,
            falling,
            steady,
            hot[-1],
        ],
        [
            EmergingCategory.NONE.value,
            EmergingCategory.NEW.value,
            EmergingCategory.INTENSIFYING.value,
            EmergingCategory.DIMINISHING.value,
            EmergingCategory.PERSISTENT.value,
            EmergingCategory.SPORADIC.value,
        ],
        default=EmergingCategory.HISTORICAL.value,
    )
    categories = [EmergingCategory(c) for c in codes]
    return categories, taus, trend_p


# --- presence of approved plans ---------------------------------------------------------------


def plan_presence(
    plans: Sequence[PatrolPlan],
    month: date,
    *,
    facilities: gpd.GeoDataFrame | None = None,
) -> tuple[pd.DataFrame, list[Notice]]:
    """Planned stops of the month's approved plans: one row per stop.

    Columns ``plan``, ``team``, ``site``, ``date``, ``minutes``, ``lon``, ``lat``. A plan counts
    when its extra ``status`` is ``approved`` and its ``shift.date`` falls in ``month``. A stop
    without ``lat``/``lon`` takes its facility's position when ``site`` is a facility id.
    """
    rows: list[dict[str, Any]] = []
    drafts = 0
    unplaced: list[str] = []
    for k, plan in enumerate(plans):
        extra = dict(plan.extra)
        shift = extra.get("shift") or {}
        try:
            day = datetime.strptime(str(shift.get("date", "")), "%Y-%m-%d").date()
        except ValueError:
            continue
        if (day.year, day.month) != (month.year, month.month):
            continue
        if extra.get("status") != "approved":
            drafts += 1
            continue
        for route in plan.routes:
            for stop in route.stops:
                lat, lon = stop.extra.get("lat"), stop.extra.get("lon")
                missing = lat is None or lon is None
                if missing and facilities is not None and stop.site in facilities.index:
                    lat = float(facilities.at[stop.site, "lat"])
                    lon = float(facilities.at[stop.site, "lon"])
                if lat is None or lon is None:
                    unplaced.append(stop.site)
                    continue
                rows.append(
                    {
                        "plan": plan.problem or f"plan-{k + 1}",
                        "team": route.team,
                        "site": stop.site,
                        "date": day,
                        "minutes": (stop.depart - stop.start) / 60.0,
                        "lon": float(lon),
                        "lat": float(lat),
                    }
                )
    notices: list[Notice] = []
    if drafts:
        notices.append(
            Notice(
                "draft_plans",
                "coverage",
                "info",
                f"{drafts} plan(s) of the month are not approved and were not counted.",
                f"{drafts} kế hoạch trong tháng chưa được phê duyệt nên không được tính.",
            )
        )
    if unplaced:
        shown = ", ".join(sorted(set(unplaced))[:5])
        notices.append(
            Notice(
                "unplaced_stops",
                "coverage",
                "warning",
                f"{len(unplaced)} planned stop(s) have no position and match no facility "
                f"({shown}); they were not counted.",
                f"{len(unplaced)} điểm dừng không có tọa độ và không khớp cơ sở nào "
                f"({shown}); không được tính.",
            )
        )
    columns = ["plan", "team", "site", "date", "minutes", "lon", "lat"]
    return pd.DataFrame(rows, columns=columns), notices


# --- the review -------------------------------------------------------------------------------


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


def monthly_review(
    incidents: gpd.GeoDataFrame | pd.DataFrame,
    *,
    month: str | date,
    bbox: Sequence[float] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    plans: Sequence[PatrolPlan] = (),
    area_name: str = "",
    crs: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> MonthlyReview:
    """Review one month of incidents: statistics, change, coverage, recommendations.

    Parameters
    ----------
    incidents
        Every incident on record (``patrolbase.schema.INCIDENT_COLUMNS``), all months: the review
        takes the month, the previous month, the same month last year and the history it needs.
    month
        ``"2026-10"``, ``"10/2026"`` or a date in the month.
    bbox
        The area ``(west, south, east, north)``: incidents outside are left out and counted in a
        notice; without it, the incidents' own extent is used.
    boundary
        Administrative boundaries (``Area.boundary``), drawn on the maps for orientation.
    facilities
        Facilities frame for per-facility counts, presence and recommendations.
    plans
        Patrol plans; approved ones of the month give the presence.
    area_name
        Shown on the report.
    crs
        Projected CRS to compute in (the area's ``Area.crs``); default ``projected_crs(bbox)``.
    settings
        ``settings.hotspots`` and ``settings.area.crs`` are used.
    today
        For the future-month check; defaults to the current date.

    Returns
    -------
    MonthlyReview

    Raises
    ------
    ReviewError
        The month is malformed or has not begun, or the frame lacks ``time``/``type``/``lat``/
        ``lon``.

    """
    import geopandas as gpd

    settings = settings or Settings()
    hs = settings.hotspots
    the_month = check_month(month, today=today)
    today = today or ward_today()
    _check_frame(incidents)
    notices: list[Notice] = []
    if (today.year, today.month) == (the_month.year, the_month.month):
        notices.append(
            Notice(
                "month_not_over",
                "month",
                "warning",
                f"{the_month:%m/%Y} is not over yet (today {today:%d/%m/%Y}): figures are partial.",
                f"Tháng {the_month:%m/%Y} chưa kết thúc (hôm nay {today:%d/%m/%Y}): "
                "số liệu chưa đầy đủ.",
            )
        )
    frame = incidents.copy()
    frame["time"] = pd.to_datetime(frame["time"])
    if not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
        )

    # The area's extent: given, from the boundary, or (last resort) from the incidents.
    if bbox is None:
        if len(frame):
            bbox = (
                float(frame["lon"].min()),
                float(frame["lat"].min()),
                float(frame["lon"].max()),
                float(frame["lat"].max()),
            )
        else:
            bbox = (105.8268, 21.0233, 105.8390, 21.0304)  # the default area
        notices.append(
            Notice(
                "no_area",
                "incidents",
                "info",
                "No area given: the incidents' own extent is used.",
                "Chưa chọn địa bàn: dùng phạm vi của chính các vụ việc.",
            )
        )
    west, south, east, north = (float(v) for v in bbox)
    if west == east or south == north:  # a single point: widen to one cell around it
        pad = 0.001
        west, south, east, north = west - pad, south - pad, east + pad, north + pad
    area_bbox = (west, south, east, north)
    crs = crs or projected_crs(area_bbox, configured=settings.area.crs)

    inside = _inside(frame, area_bbox)
    in_month = _in_month(frame["time"], the_month)
    outside_month = int((~inside & in_month).sum())
    if outside_month:
        shown = ", ".join(str(i) for i in frame.index[~inside & in_month][:5])
        notices.append(
            Notice(
                "outside_area",
                "incidents",
                "warning",
                f"{outside_month} incident(s) of the month lie outside the area and were left out "
                f"(e.g. {shown}); check their coordinates (lat/lon swapped?) or the area.",
                f"{outside_month} vụ việc trong tháng nằm ngoài địa bàn nên không được tính "
                f"(ví dụ {shown}); kiểm tra tọa độ (nhầm vĩ độ/kinh độ?) hoặc địa bàn.",
            )
        )
    frame = frame[inside]
    month_frame = frame[_in_month(frame["time"], the_month)]
    n_month = len(month_frame)

    # --- change over time -------------------------------------------------------------------
    previous = frame[_in_month(frame["time"], _shift(the_month, -1))]
    last_year = frame[_in_month(frame["time"], _shift(the_month, -12))]
    types = [t.value for t in IncidentType]
    by_type = pd.DataFrame(
        {
            "month": month_frame["type"].value_counts().reindex(types, fill_value=0),
            "previous": previous["type"].value_counts().reindex(types, fill_value=0),
            "last_year": last_year["type"].value_counts().reindex(types, fill_value=0),
        }
    ).astype(np.int64)
    by_type.loc["total"] = by_type.sum()
    by_type["change_prev"] = [
        _change(a, b) for a, b in zip(by_type["month"], by_type["previous"], strict=True)
    ]
    by_type["change_year"] = [
        _change(a, b) for a, b in zip(by_type["month"], by_type["last_year"], strict=True)
    ]
    by_type.index.name = "type"

    hours = month_frame["time"].dt.hour
    weekdays = month_frame["time"].dt.day_of_week
    hour_weekday = (
        pd.crosstab(hours, weekdays)
        .reindex(index=range(24), columns=range(7), fill_value=0)
        .astype(np.int64)
    )
    hour_weekday.index.name = "hour"
    hour_weekday.columns.name = "weekday"

    first = _shift(the_month, -(hs.months - 1))
    if len(frame):
        earliest = frame["time"].min()
        first = max(first, date(earliest.year, earliest.month, 1))
    first = min(first, the_month)
    history = [
        _shift(first, k)
        for k in range((the_month.year - first.year) * 12 + the_month.month - first.month + 1)
    ]
    period = frame["time"].dt.to_period("M")
    monthly = (
        period.value_counts()
        .reindex([pd.Period(m, "M") for m in history], fill_value=0)
        .astype(np.int64)
    )
    monthly.index = [m.strftime("%Y-%m") for m in history]
    monthly.name = "incidents"

    target = _target_progress(frame, the_month, hs.target_reduction)
    if target.on_track is None:
        notices.append(
            Notice(
                "no_last_year",
                "target",
                "info",
                f"The records do not cover 01-{the_month:%m}/{the_month.year - 1} in full: "
                "progress against the yearly reduction target cannot be measured.",
                f"Dữ liệu chưa bao quát đủ cùng kỳ năm trước (tháng 01-{the_month:%m}/"
                f"{the_month.year - 1}): chưa đánh giá được chỉ tiêu giảm hằng năm.",
            )
        )

    review = MonthlyReview(
        month=the_month,
        area_name=area_name,
        crs=crs,
        settings=settings,
        notices=notices,
        incidents=month_frame,
        by_type=by_type,
        hour_weekday=hour_weekday,
        monthly=monthly,
        target=target,
        outside_area=outside_month,
        bbox=area_bbox,
        boundary=boundary,
        facility_frame=facilities,
    )

    if n_month == 0:
        notices.append(
            Notice(
                "no_incidents",
                "statistics",
                "error",
                f"No incident recorded in the area in {the_month:%m/%Y}: no density surface, "
                "hotspots or coverage gaps for this month. Check that the month's log was "
                "imported.",
                f"Không có vụ việc nào trên địa bàn trong tháng {the_month:%m/%Y}: không có bản đồ "
                "mật độ, điểm nóng hay khoảng trống tuần tra. Kiểm tra đã nhập sổ vụ việc "
                "tháng này.",
            )
        )
    elif n_month < hs.min_incidents:
        notices.append(
            Notice(
                "too_few",
                "statistics",
                "warning",
                f"Only {n_month} incident(s) in {the_month:%m/%Y}; the density surface and Gi* "
                f"need at least {hs.min_incidents}: they are not shown. Counts per cell and "
                "facility are still listed.",
                f"Chỉ có {n_month} vụ việc trong tháng {the_month:%m/%Y}; bản đồ mật độ và phân "
                f"tích điểm nóng Gi* cần ít nhất {hs.min_incidents} vụ nên không hiển thị. Số vụ "
                "theo ô và theo cơ sở vẫn được liệt kê.",
            )
        )

    # --- statistics on cells ----------------------------------------------------------------
    grid = make_grid(area_bbox, crs=crs, settings=hs)
    review.grid = grid
    if grid.coarsened:
        notices.append(
            Notice(
                "coarsened",
                "statistics",
                "info",
                f"The area is large: cells of {grid.cell_m:g} m instead of "
                f"{grid.requested_cell_m:g} m keep the statistics within seconds.",
                f"Địa bàn rộng: dùng ô {grid.cell_m:g} m thay vì {grid.requested_cell_m:g} m "
                "để tính toán nhanh.",
            )
        )
    xy = project_lonlat(month_frame["lon"].to_numpy(), month_frame["lat"].to_numpy(), crs=crs)
    lonlat = month_frame[["lon", "lat"]].to_numpy(float)
    counts = count_in_cells(grid, xy, lonlat=lonlat)
    cells = grid.cells[["lon", "lat", "x", "y"]].copy()
    cells["count"] = counts
    cells["z"] = np.nan
    cells["p_sim"] = np.nan
    cells["gi_class"] = "ns"
    enough = n_month >= hs.min_incidents
    if enough:
        review.gi = gi_star(
            counts,
            grid.weights,
            significance=hs.significance,
            fdr=hs.fdr,
            permutations=hs.permutations,
            seed=hs.seed,
            inference=hs.inference,
        )
        cells[["z", "p_sim", "gi_class"]] = review.gi.table[["z", "p_sim", "gi_class"]]
        min_cells = grid.n / (hs.significance * (hs.permutations + 1))
        if hs.fdr and hs.inference == "permutation" and min_cells > 5:
            notices.append(
                Notice(
                    "permutations_resolution",
                    "statistics",
                    "info",
                    f"With {grid.n} cells and {hs.permutations} permutations, FDR can only "
                    f"declare hotspots of at least {math.ceil(min_cells)} cells; use larger cells "
                    "or more permutations to see smaller ones.",
                    f"Với {grid.n} ô và {hs.permutations} lần hoán vị, hiệu chỉnh FDR chỉ phát "
                    f"hiện điểm nóng từ {math.ceil(min_cells)} ô trở lên; tăng kích thước ô hoặc "
                    "số lần hoán vị để thấy điểm nóng nhỏ hơn.",
                )
            )
        x0, y0 = grid.cells["x"].min(), grid.cells["y"].min()
        half = grid.cell_m / 2
        extent = (
            float(x0 - half),
            float(y0 - half),
            float(grid.cells["x"].max() + half),
            float(grid.cells["y"].max() + half),
        )
        h = hs.bandwidth_m or bandwidth_m(xy, rule=hs.bandwidth_rule)
        review.kde = kde_surface(
            xy,
            extent=extent,
            bandwidth=h * hs.bandwidth_scale,
            resolution_m=hs.kde_resolution_m,
            crs=crs,
        )

    # --- emerging hot spots over the history ------------------------------------------------
    cells["category"] = EmergingCategory.NONE.value
    review.history_months = len(history)
    if len(history) < 6:
        notices.append(
            Notice(
                "short_history",
                "emerging",
                "warning",
                f"Only {len(history)} month(s) of records up to {the_month:%m/%Y}; the emerging "
                "hotspot classification needs at least 6.",
                f"Mới có {len(history)} tháng dữ liệu tính đến {the_month:%m/%Y}; phân loại xu "
                "hướng điểm nóng cần ít nhất 6 tháng.",
            )
        )
    else:
        review_cells = _emerging(frame, history, grid, crs=crs, settings=settings)
        cells["category"] = review_cells

    # --- coverage ---------------------------------------------------------------------------
    stops, plan_notices = plan_presence(plans, the_month, facilities=facilities)
    notices.extend(plan_notices)
    review.plans_used = int(stops["plan"].nunique()) if len(stops) else 0
    stop_xy = project_lonlat(stops["lon"].to_numpy(), stops["lat"].to_numpy(), crs=crs)
    where = grid.locate(stop_xy, lonlat=stops[["lon", "lat"]].to_numpy(float))
    presence = np.bincount(
        where[where >= 0], weights=stops["minutes"].to_numpy(float)[where >= 0], minlength=grid.n
    )
    cells["presence_min"] = presence
    review.cells = cells

    if facilities is not None and len(facilities):
        review.facilities = _facility_table(
            facilities, xy, stop_xy, stops, crs=crs, radius_m=hs.radius_m
        )

    if n_month:
        review.coverage = _coverage(review, basis="gi" if review.gi is not None else "count")
        if review.plans_used == 0:
            notices.append(
                Notice(
                    "no_plans",
                    "coverage",
                    "warning",
                    f"No approved patrol plan for {the_month:%m/%Y}: every hotspot counts as "
                    "uncovered.",
                    f"Không có kế hoạch tuần tra đã phê duyệt trong tháng {the_month:%m/%Y}: mọi "
                    "điểm nóng đều được coi là chưa có lực lượng hiện diện.",
                )
            )
    review.recommendations = _recommend(review)
    return review


def _target_progress(frame: pd.DataFrame, month: date, target: float) -> TargetProgress:
    criminal = frame[frame["type"] != IncidentType.OTHER.value]
    times = criminal["time"]
    this_year = int(
        ((times >= pd.Timestamp(month.year, 1, 1)) & (times < pd.Timestamp(_shift(month, 1)))).sum()
    )
    before = _shift(month, -12)
    last_year = int(
        (
            (times >= pd.Timestamp(before.year, 1, 1)) & (times < pd.Timestamp(_shift(before, 1)))
        ).sum()
    )
    allowed = (1 - target) * last_year
    # Records that begin after 1 January last year would compare part of a year with a whole.
    partial = len(frame) == 0 or frame["time"].min() >= pd.Timestamp(
        before.year, 1, 1
    ) + pd.Timedelta(days=1)
    if last_year == 0 or partial:
        return TargetProgress(month.month, this_year, 0, target, 0.0, None, None)
    return TargetProgress(
        month.month,
        this_year,
        last_year,
        target,
        allowed,
        _change(this_year, last_year),
        this_year <= allowed,
    )


def _emerging(
    frame: pd.DataFrame, history: list[date], grid: Grid, *, crs: str, settings: Settings
) -> list[str]:
    """Monthly Gi* (normal p-values, FDR per month) and the categories of every cell."""
    from esda import fdr as fdr_threshold

    hs = settings.hotspots
    xy = project_lonlat(frame["lon"].to_numpy(), frame["lat"].to_numpy(), crs=crs)
    where = grid.locate(xy, lonlat=frame[["lon", "lat"]].to_numpy(float))
    month_index = (
        frame["time"].dt.year.to_numpy() * 12 + frame["time"].dt.month.to_numpy() - 1
    ) - (history[0].year * 12 + history[0].month - 1)
    keep = (where >= 0) & (month_index >= 0) & (month_index < len(history))
    matrix = np.zeros((len(history), grid.n))
    np.add.at(matrix, (month_index[keep], where[keep]), 1.0)
    z, p = gi_star_z(matrix, grid.weights)
    hot = np.zeros(matrix.shape, dtype=bool)
    for k in range(len(history)):
        if matrix[k].sum() < hs.min_incidents:
            continue  # too few to call anything hot that month
        cut = float(fdr_threshold(p[k], hs.significance)) if hs.fdr else hs.significance
        hot[k] = (p[k] <= cut) & (z[k] > 0)
    categories, _, _ = emerging_categories(
        hot,
        z,
        new_months=hs.new_months,
        persistent_share=hs.persistent_share,
        significance=hs.significance,
    )
    return [c.value for c in categories]


def _facility_table(
    facilities: gpd.GeoDataFrame,
    incident_xy: np.ndarray,
    stop_xy: np.ndarray,
    stops: pd.DataFrame,
    *,
    crs: str,
    radius_m: float,
) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    incidents = facility_counts(facilities, incident_xy, crs=crs, radius_m=radius_m)
    fxy = project_lonlat(facilities["lon"].to_numpy(), facilities["lat"].to_numpy(), crs=crs)
    presence = np.zeros(len(facilities))
    if len(stops):
        near = cKDTree(stop_xy).query_ball_point(fxy, r=radius_m)
        minutes = stops["minutes"].to_numpy(float)
        presence = np.array([minutes[idx].sum() if idx else 0.0 for idx in near])
    table = pd.DataFrame(
        {
            "name": facilities["name"].astype(str),
            "kind": facilities["kind"].astype(str),
            "lon": facilities["lon"].astype(float),
            "lat": facilities["lat"].astype(float),
            "incidents": incidents.to_numpy(),
            "presence_min": presence,
        },
        index=facilities.index,
    )
    return table.sort_values(["incidents", "presence_min"], ascending=[False, True])


def _coverage(review: MonthlyReview, *, basis: Literal["gi", "count"]) -> pd.DataFrame:
    """Hotspot cells with incidents and presence; gaps first."""
    assert review.cells is not None and review.grid is not None
    cells = review.cells
    hs = review.settings.hotspots
    if basis == "gi":
        hot = cells["gi_class"].eq("hot") | cells["category"].isin(
            [
                EmergingCategory.NEW.value,
                EmergingCategory.INTENSIFYING.value,
                EmergingCategory.PERSISTENT.value,
            ]
        )
    else:  # too few for Gi*: the cells that hold more than one incident
        hot = cells["count"] >= 2
    table = cells.loc[hot].copy()
    # A hot cell without incidents of its own is part of the hotspot, but not a gap.
    table["gap"] = (table["count"] > 0) & (table["presence_min"] < hs.gap_presence_min)
    table["basis"] = basis
    table["facilities"] = [[] for _ in range(len(table))]
    if review.facilities is not None and len(table):
        from scipy.spatial import cKDTree

        fac = review.facilities
        fxy = project_lonlat(fac["lon"].to_numpy(), fac["lat"].to_numpy(), crs=review.crs)
        reach = review.grid.cell_m / math.sqrt(2) + hs.radius_m
        near = cKDTree(fxy).query_ball_point(table[["x", "y"]].to_numpy(), r=reach)
        ids = fac.index.to_numpy()
        table["facilities"] = [list(ids[sorted(idx)]) for idx in near]
    table = table.sort_values(["gap", "count", "presence_min"], ascending=[False, False, True])
    table.index.name = "cell_id"
    return table


def _presence_en(row: pd.Series) -> str:
    minutes = float(row["presence_min"])
    return "no planned presence" if minutes <= 0 else f"only {minutes:.0f} min of planned presence"


def _presence_vi(row: pd.Series) -> str:
    minutes = float(row["presence_min"])
    if minutes <= 0:
        return "chưa có lực lượng hiện diện theo kế hoạch"
    return f"kế hoạch chỉ bố trí {minutes:.0f} phút hiện diện"


def _place(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"


def _recommend(review: MonthlyReview) -> list[Recommendation]:
    out: list[Recommendation] = []
    month_vi = f"{review.month:%m/%Y}"
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
                    f"incident(s) in cell {cell_id} in {month_vi}, {_presence_en(row)}.",
                    f"Bổ sung {', '.join(names)} vào lộ trình tuần tra đêm: ô {cell_id} có "
                    f"{int(row['count'])} vụ việc trong tháng {month_vi}, {_presence_vi(row)}.",
                    str(cell_id),
                    tuple(str(i) for i in ranked.index),
                )
            )
        else:
            out.append(
                Recommendation(
                    "checkpoint",
                    f"Add a checkpoint near {_place(row['lat'], row['lon'])} (cell {cell_id}): "
                    f"{int(row['count'])} incident(s) in {month_vi}, {_presence_en(row)}.",
                    f"Bố trí điểm kiểm tra gần {_place(row['lat'], row['lon'])} (ô {cell_id}): "
                    f"{int(row['count'])} vụ việc trong tháng {month_vi}, {_presence_vi(row)}.",
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
            top = fresh.iloc[0]
            label = EmergingCategory(top["category"])
            out.append(
                Recommendation(
                    "emerging",
                    f"{len(fresh)} cell(s) are new or intensifying hotspots; the largest, near "
                    f"{_place(top['lat'], top['lon'])} ({label.label_en.lower()}, "
                    f"{int(top['count'])} incidents), needs its cause checked.",
                    f"{len(fresh)} ô là điểm nóng mới hoặc gia tăng; lớn nhất gần "
                    f"{_place(top['lat'], top['lon'])} ({label.label_vi.lower()}, "
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
                f"({_percent_vi(t.change)}); chỉ tiêu giảm "
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
                f"({_percent_vi(t.change)}): đạt chỉ tiêu giảm "
                f"{t.target:.0%}.",
            )
        )
    return out


def _percent_vi(share: float | None) -> str:
    """``-0,4 %``: a signed share as Vietnamese writes a percentage (decimal comma)."""
    if share is None:
        return "-"
    sign = "+" if share > 0 else ""
    return f"{sign}{fmt_decimal(100 * share, 'vi', decimals=1)} %"
