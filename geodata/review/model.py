"""What a monthly review holds: notices, recommendations, patrol results, the review itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import pandas as pd

from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.basemap import StreetBackground
    from geodata.hotspots import GiStarResult, Grid, KDESurface
    from geodata.review.campaign import CampaignCounts
    from geodata.review.period import Period

__all__ = [
    "WEEKDAYS_EN",
    "WEEKDAYS_VI",
    "EmergingCategory",
    "MonthlyReview",
    "Notice",
    "PatrolResults",
    "Recommendation",
    "TargetProgress",
    "TypeTarget",
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


@dataclass(frozen=True)
class TypeTarget:
    """Progress of one incident type against its own yearly reduction target (settings)."""

    type: str
    this_year: int
    last_year: int
    target: float
    on_track: bool | None


@dataclass(frozen=True)
class PatrolResults:
    """What the teams did in the period, from approved plans and patrol records, each once.

    A team-night with a patrol record counts what the track shows (``basis`` ``actual``); one
    without counts what the approved plan planned (``planned``); a track of a night without an
    approved plan has nothing to compare with (``track_only``). ``nights`` holds one row per
    team-night: ``date``, ``team``, ``basis``, ``planned`` (visits), ``made`` (visits made;
    ``NaN`` when not recorded), ``late``, ``hours``, ``km`` (``NaN`` when not recorded),
    ``top_planned`` and ``top_covered`` (top-level targets in the high-risk window).
    """

    nights: pd.DataFrame
    alarm_responses: int = 0

    @property
    def nights_patrolled(self) -> int:
        """Nights with an approved plan or a patrol record."""
        return int(self.nights["date"].nunique()) if len(self.nights) else 0

    def _sum(self, column: str, basis: tuple[str, ...] = ("actual", "planned")) -> float:
        rows = self.nights[self.nights["basis"].isin(basis)]
        return float(rows[column].sum()) if len(rows) else 0.0

    def count(self, basis: str) -> int:
        """Team-nights of one basis."""
        return int((self.nights["basis"] == basis).sum()) if len(self.nights) else 0

    @property
    def team_hours(self) -> float:
        """Hours on patrol: recorded where a track exists, planned elsewhere."""
        return self._sum("hours", ("actual", "planned", "track_only"))

    @property
    def visits_planned(self) -> int:
        """Visits planned by the approved plans."""
        return int(self._sum("planned"))

    @property
    def visits_checked(self) -> int:
        """Planned visits of team-nights with a record (made or not is known)."""
        return int(self._sum("planned", ("actual",)))

    @property
    def visits_made(self) -> int:
        """Visits the tracks show were made."""
        return int(self._sum("made", ("actual",)))

    @property
    def top_planned(self) -> int:
        """Top-level targets planned in the high-risk window (team-nights summed)."""
        return int(self._sum("top_planned"))

    @property
    def top_covered(self) -> int:
        """Of those, covered: shown by the track where recorded, as planned elsewhere."""
        return int(self._sum("top_covered"))


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
    period: Period | None = None
    patrol: PatrolResults | None = None
    type_targets: list[TypeTarget] = field(default_factory=list)
    background: StreetBackground | None = None
    """The ward's streets for the report's maps and for naming places."""
    campaign: CampaignCounts | None = None
    """The loudspeaker campaign's runs of the period; ``None`` when none was stored."""

    @property
    def period_label(self) -> str:
        """The period as the report names it: ``10/2026`` or ``15/09-14/10/2026``."""
        return self.period.label() if self.period is not None else f"{self.month:%m/%Y}"

    @property
    def report_date(self) -> date:
        """The date the report is due: the 15th (of the month after a calendar month)."""
        assert self.period is not None
        return self.period.due

    @property
    def gaps(self) -> pd.DataFrame:
        """Coverage gaps only (hotspots with incidents and too little planned presence)."""
        if self.coverage is None:
            return pd.DataFrame()
        return self.coverage[self.coverage["gap"]]

    def notices_for(self, topic: str) -> list[Notice]:
        """Notices about one section."""
        return [n for n in self.notices if n.topic == topic]
