"""How hotspots are reviewed, patrol records matched, and the monthly report issued."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from patrolbase.schema import IncidentType
from patrolbase.settings._base import FROZEN


class HotspotSettings(BaseModel):
    """Hotspot review defaults; see ``docs/review.md`` for why each default is what it is."""

    model_config = FROZEN

    grid: Literal["square", "h3"] = "square"
    """Cells for counts and Gi*: square cells of ``cell_m`` in the projected CRS, or H3 hexagons
    of ``h3_resolution``."""
    cell_m: float = Field(default=100.0, ge=20, le=5000)
    """Side of a square cell in metres (about one block of a Vietnamese ward)."""
    h3_resolution: int = Field(default=10, ge=6, le=12)
    """H3 resolution when ``grid = "h3"`` (10: hexagons of about 66 m edge)."""
    max_cells: int = Field(default=10000, ge=100, le=500000)
    """Cap on the number of grid cells: a larger extent doubles ``cell_m`` until it fits, so
    permutation inference stays within seconds."""
    bandwidth_rule: Literal["scott", "silverman"] = "scott"
    """Kernel density bandwidth rule on projected coordinates (see ``docs/review.md``)."""
    bandwidth_m: float | None = Field(default=None, gt=0, le=20000)
    """Fixed kernel bandwidth in metres; ``None`` uses ``bandwidth_rule``."""
    bandwidth_scale: float = Field(default=1.0, gt=0, le=10)
    """Multiplies the rule's bandwidth (below 1: sharper surface, above 1: smoother)."""
    kde_resolution_m: float = Field(default=25.0, ge=5, le=1000)
    """Pixel size of the density surface in metres (coarsened like ``cell_m`` on large extents)."""
    significance: float = Field(default=0.05, gt=0, lt=0.5)
    """Significance level of Gi* hot and cold spots."""
    fdr: bool = True
    """Control the false discovery rate over all cells (Benjamini-Hochberg via ``esda.fdr``)."""
    permutations: int = Field(default=999, ge=99, le=99999)
    """Conditional permutations for the Gi* pseudo p-values."""
    inference: Literal["permutation", "normal"] = "permutation"
    """Gi* p-values: ``permutation`` (esda's conditional permutation ``p_sim``) or ``normal``
    (esda's analytical ``p_norm``, as ArcGIS does); see ``docs/review.md`` for when to switch."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed of the permutations: the same data and seed give the same classes."""
    min_incidents: int = Field(default=20, ge=3, le=10000)
    """Fewer incidents in the month than this: Gi* and the density surface are not computed."""
    radius_m: float = Field(default=150.0, gt=0, le=5000)
    """Incidents within this distance of a facility count for it; a planned stop within it counts
    as presence at the facility."""
    months: int = Field(default=12, ge=6, le=24)
    """Months of history for the emerging-hotspot classification (6-12 asked; up to 24)."""
    new_months: int = Field(default=2, ge=1, le=3)
    """A cell hot only in its last ``new_months`` months (never before) is ``new``."""
    persistent_share: float = Field(default=0.9, gt=0.5, le=1)
    """Share of months a cell must be hot to be persistent, intensifying or diminishing."""
    target_reduction: float = Field(default=0.05, ge=0, lt=1)
    """Yearly reduction in criminal offences the province asks for (5%)."""
    gap_presence_min: float = Field(default=60.0, ge=0, le=100000)
    """A hotspot with less planned presence than this in the month (minutes) is a coverage gap."""


class RecordSettings(BaseModel):
    """How an uploaded GPS track is matched to the night's approved plan (geodata.trackmatch)."""

    model_config = FROZEN

    match_m: float = Field(default=60.0, ge=5, le=500)
    """A stop counts as visited when the track stays within this distance of it (GPS on a
    phone strays 10-30 m between buildings)."""
    min_on_site_s: int = Field(default=120, ge=0, le=3600)
    """...for at least this long without a break; driving past does not count."""
    late_s: int = Field(default=900, ge=0, le=7200)
    """An arrival later than the planned time by more than this is late."""
    min_points: int = Field(default=10, ge=2, le=10000)
    """A track with fewer timed points is refused (a logger stopped at once)."""
    min_inside_share: float = Field(default=0.5, gt=0, le=1)
    """At least this share of the track's points lies in the area (plus ``match_m``)."""
    max_track_mb: float = Field(default=20.0, gt=0, le=500)
    """Largest track file read; a night's track at one point a second is a few megabytes."""


class ReportSettings(BaseModel):
    """Who issues the monthly report, to whom, and over which period (``patrol.report``)."""

    model_config = FROZEN

    issuing_parent: str = "CÔNG AN TỈNH"
    """Body above the issuing unit, first line of the top-left block."""
    issuing_unit: str = "CÔNG AN PHƯỜNG"
    """The unit that issues the report, second line of the top-left block."""
    unit_name: str = "Công an phường"
    """The unit as the text names it (``Công an phường Văn Miếu``)."""
    unit_code: str = "CAP"
    """Short code of the unit in the document number: ``Số: …/BC-CAP``."""
    place: str = "Hà Nội"
    """Place written before the date: ``Hà Nội, ngày 15 tháng 12 năm 2026``."""
    signer_title: str = "TRƯỞNG CÔNG AN PHƯỜNG"
    """Title above the signature."""
    signer_name: str = ""
    """Name under the signature; empty leaves the line for the ward to fill in."""
    recipients: list[str] = Field(
        default_factory=lambda: [
            "Công an tỉnh (để báo cáo)",
            "Đảng ủy, UBND phường (để báo cáo)",
            "Lưu: VT",
        ]
    )
    """The ``Nơi nhận`` list, one addressee a line."""
    period: Literal["month", "15-14"] = "month"
    """``month``: the calendar month; ``15-14``: from the 15th of the month before to the 14th
    (the period of periodic reports of state bodies), so the report due on the 15th is complete."""
    type_targets: dict[str, float] = Field(default_factory=dict)
    """Reduction targets per incident type for the year (``{"theft": 0.1}``), beside the
    overall one (``hotspots.target_reduction``)."""

    @field_validator("type_targets")
    @classmethod
    def _known_types(cls, value: dict[str, float]) -> dict[str, float]:
        known = {t.value for t in IncidentType}
        bad = [k for k in value if k not in known]
        if bad:
            msg = f"unknown incident type(s) {bad}; use {sorted(known)}"
            raise ValueError(msg)
        if any(not 0 <= v < 1 for v in value.values()):
            msg = "a reduction target is a fraction from 0 to below 1 (0.05 is 5 %)"
            raise ValueError(msg)
        return value
