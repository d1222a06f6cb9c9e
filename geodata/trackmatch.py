"""What a team did against what was planned: a GPS track matched to its route of the night.

A stop is *visited* when the track stays within ``records.match_m`` of it for at least
``records.min_on_site_s`` without a break (driving past does not count); of the stays at a site,
the one that begins nearest the planned arrival is taken, each stay for one planned visit. A
visit is *late* when it begins more than ``records.late_s`` after the planned arrival. The track
is sampled every few seconds between its points (a logger that writes nothing while the phone
stands still leaves a gap; the team stood where the gap began and ended). Distances are in the
area's projected CRS. Shift times follow the plan's ``shift`` extra, on the ward's clock.

``check_track`` refuses a track of another night or area before anything is stored;
``match_track`` returns a ``TrackMatch`` (per stop and for the team) that is stored as JSON with
the record and read back by the review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from geodata.coverage import LEVEL_RANK
from geodata.hotspots import project_lonlat
from geodata.shift import Shift
from patrolbase.clock import WARD_TZ
from patrolbase.crs import projected_crs
from patrolbase.errors import InputFileError, Problem
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from geodata.tracks import Track
    from routing.model import PatrolPlan, Route

__all__ = [
    "StopResult",
    "TrackMatch",
    "check_track",
    "match_track",
    "night_of",
    "plan_shift",
]

_SAMPLES_MAX = 60_000
"""Samples of one track at most (every 2 s over a 12-hour night is 21,600)."""


@dataclass(frozen=True)
class StopResult:
    """One planned stop and what the track shows of it.

    Times are ward clock times ``HH:MM``; ``delay_s`` is actual minus planned arrival (``None``
    when missed); ``status`` is ``visited``, ``late`` or ``missed``.
    """

    site: str
    name: str
    kind: str
    risk_level: str
    visit: int
    lon: float
    lat: float
    planned_arrival: str
    planned_on_site_s: int
    status: str
    arrival: str | None = None
    delay_s: int | None = None
    on_site_s: int = 0
    high_risk: bool = False
    """The stay overlaps the shift's high-risk window."""

    @property
    def made(self) -> bool:
        """Visited, on time or late."""
        return self.status != "missed"


@dataclass(frozen=True)
class TrackMatch:
    """A team's night: per-stop results and the team's figures.

    ``plan_id`` is ``None`` for a track without an approved plan (then ``stops`` is empty and
    only the track's own figures are known).
    """

    team: str
    shift_date: date
    start: str
    end: str
    distance_m: float
    duration_s: int
    points: int
    plan_id: int | None = None
    stops: tuple[StopResult, ...] = ()
    top_level_sites: tuple[str, ...] = ()
    top_level_covered: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def stops_planned(self) -> int:
        """Planned visits of the route."""
        return len(self.stops)

    @property
    def stops_made(self) -> int:
        """Visits made (on time or late)."""
        return sum(s.made for s in self.stops)

    @property
    def stops_late(self) -> int:
        """Visits made late."""
        return sum(s.status == "late" for s in self.stops)

    @property
    def made_share(self) -> float | None:
        """Share of planned visits made; ``None`` without a plan."""
        return self.stops_made / self.stops_planned if self.stops else None

    @property
    def top_level_share(self) -> float | None:
        """Share of the route's top-level targets visited in the high-risk window."""
        if not self.top_level_sites:
            return None
        return len(self.top_level_covered) / len(self.top_level_sites)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``from_dict`` reads it back)."""
        out = asdict(self)
        out["shift_date"] = self.shift_date.isoformat()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackMatch:
        """Rebuild a stored match."""
        values = dict(data)
        values["shift_date"] = date.fromisoformat(values["shift_date"])
        values["stops"] = tuple(StopResult(**s) for s in values.get("stops", ()))
        for key in ("top_level_sites", "top_level_covered", "notes"):
            values[key] = tuple(values.get(key, ()))
        return cls(**values)


def plan_shift(plan: PatrolPlan) -> Shift:
    """Return the plan's shift (its ``shift`` extra) as a ``Shift``."""
    shift = dict(plan.extra.get("shift") or {})
    return Shift.parse(
        str(shift.get("date", "")),
        f"{shift.get('start', '22:00')}-{shift.get('end', '05:00')}",
        str(shift.get("high_risk", "01:00-03:00")),
    )


def _epoch(local: datetime) -> float:
    return local.replace(tzinfo=WARD_TZ).timestamp()


def _clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, WARD_TZ).strftime("%H:%M")


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, WARD_TZ).strftime("%d/%m/%Y %H:%M")


def night_of(track: Track, *, cutoff_h: int = 6) -> date:
    """Return the night of a track: its middle instant's date, the day before if before 06:00."""
    middle = datetime.fromtimestamp(float(track.t[0] + track.t[-1]) / 2, WARD_TZ)
    day = middle.date()
    return day - timedelta(days=1) if middle.hour < cutoff_h else day


def check_track(
    track: Track,
    *,
    bbox: tuple[float, float, float, float],
    shift: Shift | None,
    settings: Settings,
) -> None:
    """Refuse a track of another area or of another night than ``shift``.

    Raises
    ------
    InputFileError
        Naming the file, when the track was recorded, and the shift or area expected.

    """
    rec = settings.records
    problems: list[Problem] = []
    pad = rec.match_m / 111_000.0
    west, south, east, north = bbox
    inside = (
        (track.lon >= west - pad)
        & (track.lon <= east + pad)
        & (track.lat >= south - pad)
        & (track.lat <= north + pad)
    )
    share = float(inside.mean()) if len(track) else 0.0
    if share < rec.min_inside_share:
        centre = f"{float(np.median(track.lat)):.5f}, {float(np.median(track.lon)):.5f}"
        problems.append(
            Problem(
                track.name,
                None,
                None,
                centre,
                f"only {share:.0%} of the track lies in the area (needed "
                f"{rec.min_inside_share:.0%}); its middle is at {centre}: is it another ward's "
                "track?",
                f"chỉ {share:.0%} lộ trình nằm trong địa bàn (cần {rec.min_inside_share:.0%}); "
                f"giữa lộ trình ở {centre}: có phải lộ trình của địa bàn khác không?",
            )
        )
    if shift is not None:
        begin, finish = _epoch(shift.start_dt), _epoch(shift.end_dt)
        margin = 3600.0
        if track.t[-1] < begin - margin or track.t[0] > finish + margin:
            recorded = f"{_stamp(track.t[0])}-{_clock(track.t[-1])}"
            problems.append(
                Problem(
                    track.name,
                    None,
                    None,
                    recorded,
                    f"the track was recorded {recorded} (Vietnam time), outside the shift "
                    f"{shift.label()}: choose the track of that night or the plan of the night "
                    "it was recorded",
                    f"lộ trình được ghi lúc {recorded}, ngoài ca {shift.label()}: chọn đúng lộ "
                    "trình của đêm đó hoặc kế hoạch của đêm ghi lộ trình",
                )
            )
    if problems:
        raise InputFileError(track.name, problems)


def _route(plan: PatrolPlan, team: str, name: str) -> Route:
    for route in plan.routes:
        if route.team == team:
            return route
    teams = ", ".join(r.team for r in plan.routes) or "-"
    raise InputFileError(
        name,
        f"the plan has no route for team {team!r} (its teams: {teams})",
        message_vi=f"kế hoạch không có lộ trình của tổ {team!r} (các tổ: {teams})",
    )


_MOVING_MPS = 1.0
"""Slower than this (over points averaged in fives) is a phone standing still, not riding."""


def _distance_m(xy: np.ndarray, t: np.ndarray) -> float:
    """Distance ridden: steps between fixes at least 5 s apart, counted while moving.

    A standing phone wanders a few metres each fix; summed over a night that is kilometres of
    riding nobody did. So fixes are thinned to one per 5 s and a step counts only where the
    positions averaged over about 25 s move faster than ``_MOVING_MPS``.
    """
    if len(xy) < 2:
        return 0.0
    keep = [0]
    for k in range(1, len(t)):
        if t[k] - t[keep[-1]] >= 5.0:
            keep.append(k)
    xy, t = xy[keep], t[keep]
    if len(xy) < 2:
        return 0.0
    smooth = xy
    if len(xy) >= 5:
        kernel = np.ones(5) / 5
        smooth = np.column_stack(
            [np.convolve(np.pad(xy[:, k], 2, mode="edge"), kernel, "valid") for k in (0, 1)]
        )
    speed = np.hypot(*np.diff(smooth, axis=0).T) / np.maximum(np.diff(t), 1e-9)
    steps = np.hypot(*np.diff(xy, axis=0).T)
    return float(steps[speed >= _MOVING_MPS].sum())


def _stays(inside: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last)`` sample index of each run of ``True``."""
    padded = np.concatenate([[False], inside, [False]]).astype(np.int8)
    edges = np.diff(padded)
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def match_track(
    track: Track,
    *,
    team: str,
    bbox: tuple[float, float, float, float],
    plan: PatrolPlan | None = None,
    plan_id: int | None = None,
    settings: Settings | None = None,
) -> TrackMatch:
    """Match ``track`` to ``team``'s route of ``plan`` (or only measure it, without a plan).

    Parameters
    ----------
    track
        The team's GPS track (``geodata.tracks.read_track``).
    team
        The team id in the plan (``T1``).
    bbox
        The area ``(west, south, east, north)``: a track mostly outside is refused.
    plan
        The night's approved plan; ``None`` when the night has none.
    plan_id
        The stored plan's id, kept in the result.
    settings
        ``records`` (distance, time on site, lateness) and ``cover.top_level``.

    Raises
    ------
    InputFileError
        The track is of another area or night, or the plan has no route for ``team``.

    """
    settings = settings or Settings()
    rec = settings.records
    shift = plan_shift(plan) if plan is not None else None
    check_track(track, bbox=bbox, shift=shift, settings=settings)
    route = _route(plan, team, track.name) if plan is not None else None
    crs = projected_crs(bbox, configured=settings.area.crs)
    xy = project_lonlat(track.lon, track.lat, crs=crs)
    distance_m = _distance_m(xy, track.t)
    night = shift.date if shift is not None else night_of(track)
    base = TrackMatch(
        team=team,
        shift_date=night,
        start=_stamp(track.t[0]),
        end=_stamp(track.t[-1]),
        distance_m=round(distance_m, 1),
        duration_s=int(track.t[-1] - track.t[0]),
        points=len(track),
        plan_id=plan_id,
    )
    if route is None or shift is None:
        return base

    span = float(track.t[-1] - track.t[0])
    step = max(2.0, span / _SAMPLES_MAX)
    times = np.arange(float(track.t[0]), float(track.t[-1]) + step / 2, step)
    xs, ys = np.interp(times, track.t, xy[:, 0]), np.interp(times, track.t, xy[:, 1])
    begin = _epoch(shift.start_dt)
    hr_a, hr_b = (begin + s for s in shift.high_risk_s)
    top_rank = LEVEL_RANK[settings.cover.top_level]

    used: set[tuple[str, int]] = set()
    results: list[StopResult] = []
    for stop in route.stops:
        extra = dict(stop.extra)
        lon, lat = float(extra.get("lon", np.nan)), float(extra.get("lat", np.nan))
        planned = begin + stop.arrive
        common: dict[str, Any] = {
            "site": stop.site,
            "name": str(extra.get("name", stop.site)),
            "kind": str(extra.get("kind", "")),
            "risk_level": str(extra.get("risk_level", "")),
            "visit": stop.visit,
            "lon": lon,
            "lat": lat,
            "planned_arrival": _clock(planned),
            "planned_on_site_s": int(stop.depart - stop.start),
        }
        if not (np.isfinite(lon) and np.isfinite(lat)):
            results.append(StopResult(**common, status="missed"))
            continue
        sx, sy = project_lonlat(np.array([lon]), np.array([lat]), crs=crs)[0]
        near = np.hypot(xs - sx, ys - sy) <= rec.match_m
        stays = [
            (a, b)
            for a, b in _stays(near)
            if (b - a) * step >= rec.min_on_site_s and (stop.site, int(a)) not in used
        ]
        if not stays:
            results.append(StopResult(**common, status="missed"))
            continue
        a, b = min(stays, key=lambda ab: abs(times[ab[0]] - planned))
        used.add((stop.site, int(a)))
        arrival, leave = float(times[a]), float(times[b])
        delay = round(arrival - planned)
        results.append(
            StopResult(
                **common,
                status="late" if delay > rec.late_s else "visited",
                arrival=_clock(arrival),
                delay_s=delay,
                on_site_s=round(leave - arrival),
                high_risk=arrival < hr_b and leave > hr_a,
            )
        )
    top = sorted({s.site for s in results if LEVEL_RANK.get(s.risk_level, -1) >= top_rank})
    covered = sorted({s.site for s in results if s.site in top and s.made and s.high_risk})
    return TrackMatch(
        **{
            **asdict(base),
            "stops": tuple(results),
            "top_level_sites": tuple(top),
            "top_level_covered": tuple(covered),
        }
    )
