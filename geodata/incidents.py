"""Incident types as wards write them, and seeded demonstration incidents.

A new ward has no incident history in the product yet; ``generate_demo_incidents`` makes a
plausible one so the risk model, the hotspot review and the dashboard can be shown. The patterns
follow what ward police report: burglaries of offices and the treasury at 01:00-03:00, snatch
thefts near banks and gold shops by day, more incidents in the weeks around Tết and on public
holidays, and near-repeats (a second incident close in space and time to a first). Every record
is marked ``demo=True`` and says "Dữ liệu minh họa" (demonstration data) in its description.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import geopandas as gpd
import holidays
import numpy as np
import pandas as pd

from geodata.facilities import fold_text
from patrolbase.errors import SettingsError
from patrolbase.schema import INCIDENT_COLUMNS, FacilityKind, IncidentType

__all__ = [
    "DEMO_LABEL_VI",
    "TYPE_ALIASES",
    "day_weights",
    "generate_demo_incidents",
    "parse_incident_type",
]

DEMO_LABEL_VI = "Dữ liệu minh họa"
"""Vietnamese label every generated record carries (demonstration data)."""

_TYPE_WORDS: dict[IncidentType, tuple[str, ...]] = {
    IncidentType.ROBBERY: ("Cướp", "Armed robbery"),
    IncidentType.SNATCH_THEFT: ("Cướp giật", "Giật", "Giật túi", "Snatching", "Bag snatching"),
    IncidentType.BURGLARY: (
        "Đột nhập",
        "Trộm đột nhập",
        "Đột nhập trộm cắp",
        "Trộm cắp đột nhập",
        "Break-in",
        "Break in",
    ),
    IncidentType.THEFT: ("Trộm cắp", "Trộm", "Larceny"),
    IncidentType.INJURY: ("Gây thương tích", "Đánh nhau", "Assault", "Injury"),
    IncidentType.FRAUD: ("Lừa đảo", "Scam"),
    IncidentType.OTHER: ("Khác", "Other"),
}

TYPE_ALIASES: dict[str, IncidentType] = {}
"""Folded spelling (``fold_text``) -> incident type, Vietnamese or English."""
for _type in IncidentType:
    for _word in (_type.label_vi, _type.label_en, _type.value, *_TYPE_WORDS.get(_type, ())):
        TYPE_ALIASES[fold_text(_word)] = _type


def parse_incident_type(text: str) -> IncidentType | None:
    """Read an incident type in Vietnamese or English; ``None`` when unknown.

    >>> parse_incident_type("Cướp giật tài sản")
    <IncidentType.SNATCH_THEFT: 'snatch_theft'>
    """
    return TYPE_ALIASES.get(fold_text(text))


# Hour-of-day weights (index = hour, local time). Burglaries of offices and the treasury cluster
# 01:00-03:00 when guards doze and streets are empty; snatch thefts follow the banks' and shops'
# business hours, with peaks at mid-morning and late afternoon; the rest follow evening life.
_NIGHT = np.array([4, 14, 14, 5, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3], float)
_DAY = np.array([0, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 6, 4, 4, 5, 7, 8, 7, 4, 2, 1, 0, 0, 0], float)
_EVENING = np.array([3, 2, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2, 3, 2, 2, 2, 3, 4, 5, 6, 7, 7, 6, 4], float)
_NIGHT, _DAY, _EVENING = (w / w.sum() for w in (_NIGHT, _DAY, _EVENING))  # probabilities


def _cdf(p: np.ndarray) -> list[float]:
    cdf = np.cumsum(p)
    return [float(v) for v in cdf / cdf[-1]]


def _pick(rng: np.random.Generator, cdf: list[float]) -> int:
    """Draw an index with the probabilities behind ``cdf``, as ``rng.choice(n, p=p)`` would.

    One uniform number, the same stream as ``choice``, without its per-call checks.
    """
    return bisect.bisect_right(cdf, rng.random())


@dataclass(frozen=True)
class _Scenario:
    """One kind of incident: its type, where it happens, when, and how often."""

    type: IncidentType
    kinds: frozenset[FacilityKind]  # facilities it happens at or near; empty: anywhere
    hours: np.ndarray
    share: float
    offset_m: tuple[float, float]  # distance from the facility, metres
    story_vi: str


_SCENARIOS = (
    _Scenario(
        IncidentType.BURGLARY,
        frozenset(
            {
                FacilityKind.GOVERNMENT_OFFICE,
                FacilityKind.TREASURY,
                FacilityKind.TOWN_HALL,
                FacilityKind.POST_OFFICE,
                FacilityKind.TRANSACTION_OFFICE,
                FacilityKind.SCHOOL,
            }
        ),
        _NIGHT,
        0.25,
        (0.0, 25.0),
        "đột nhập trụ sở ban đêm",
    ),
    _Scenario(
        IncidentType.SNATCH_THEFT,
        frozenset(
            {
                FacilityKind.BANK,
                FacilityKind.TRANSACTION_OFFICE,
                FacilityKind.ATM,
                FacilityKind.GOLD_SHOP,
            }
        ),
        _DAY,
        0.35,
        (20.0, 150.0),
        "cướp giật tài sản của khách vừa rút tiền, mua vàng",
    ),
    _Scenario(
        IncidentType.ROBBERY,
        frozenset({FacilityKind.GOLD_SHOP, FacilityKind.PAWN_SHOP}),
        _DAY,
        0.05,
        (0.0, 15.0),
        "cướp tài sản tại cửa hàng",
    ),
    _Scenario(IncidentType.THEFT, frozenset(), _EVENING, 0.2, (0.0, 0.0), "trộm cắp tài sản"),
    _Scenario(
        IncidentType.INJURY, frozenset(), _EVENING, 0.1, (0.0, 0.0), "xô xát, gây thương tích"
    ),
    _Scenario(
        IncidentType.FRAUD, frozenset(), _DAY, 0.05, (0.0, 0.0), "lừa đảo chiếm đoạt tài sản"
    ),
)


_HOUR_CDF = {id(hours): _cdf(hours) for hours in (_NIGHT, _DAY, _EVENING)}


def day_weights(days: Sequence[date]) -> np.ndarray:
    """Relative incident rate per day: 1 on an ordinary day, more around Tết and on holidays.

    The three weeks around Tết Nguyên đán (two before its first holiday, one after) weigh 2.5, as
    cash withdrawals, gold purchases and empty offices peak; other public holidays (``holidays``
    package, Vietnam) 1.6; weekends 1.15.

    >>> day_weights([date(2026, 2, 10), date(2026, 3, 10)]).tolist()
    [2.5, 1.0]
    """
    if not days:
        return np.zeros(0)
    years = sorted({d.year for d in days} | {days[0].year - 1, days[-1].year + 1})
    calendar = holidays.country_holidays("VN", years=years, language="en_US")
    tet_days = [d for d, name in calendar.items() if "Lunar New Year" in name]
    tet_eves = sorted({min(d for d in tet_days if d.year == y) for y in {d.year for d in tet_days}})
    weights = np.ones(len(days))
    for i, day in enumerate(days):
        if any(-14 <= (day - eve).days <= 7 for eve in tet_eves):
            weights[i] = 2.5
        elif day in calendar:
            weights[i] = 1.6
        elif day.weekday() >= 5:
            weights[i] = 1.15
    return weights


def generate_demo_incidents(
    facilities: gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float],
    *,
    start: date | str,
    end: date | str,
    seed: int,
    per_month: float = 30.0,
    near_repeat: float = 0.3,
) -> gpd.GeoDataFrame:
    """Generate demonstration incidents with the ward's usual patterns, reproducibly.

    Parameters
    ----------
    facilities
        Facilities frame (``FACILITY_COLUMNS``; from the OSM loader, a survey or a merge), or
        ``None``/empty: then every incident falls uniformly in ``bbox`` and none names a facility.
    bbox
        ``(west, south, east, north)`` in degrees; every incident lies inside it.
    start, end
        First and last day (inclusive), ``date`` or ``YYYY-MM-DD``.
    seed
        Random seed: the same arguments give the same incidents.
    per_month
        Mean number of first incidents per 30 days on an ordinary day's rate (near-repeats and
        the Tết and holiday surplus come on top).
    near_repeat
        Chance that an incident is followed by another of the same type within 200 m and 14 days.

    Returns
    -------
    geopandas.GeoDataFrame
        ``INCIDENT_COLUMNS``, index ``incident_id`` (``demo-00001``...), sorted by time, every
        row ``demo=True`` with a description starting "Dữ liệu minh họa".

    """
    first, last = _as_date(start), _as_date(end)
    if last < first:
        msg = f"end {last} is before start {first}: give the first day, then the last"
        raise SettingsError(msg)
    west, south, east, north = bbox
    if not (west < east and south < north):
        msg = f"bbox {bbox}: expected (west, south, east, north) with west < east, south < north"
        raise SettingsError(msg)
    rng = np.random.default_rng(seed)
    days = [first + timedelta(days=k) for k in range(((last - first).days) + 1)]
    counts = rng.poisson(per_month / 30.0 * day_weights(days))
    targets = _targets(facilities, bbox)
    shares = _cdf(np.array([s.share for s in _SCENARIOS]))
    records: list[dict[str, object]] = []
    for day, count in zip(days, counts, strict=True):
        for _ in range(int(count)):
            scenario = _SCENARIOS[_pick(rng, shares)]
            records.extend(_incident_with_repeats(rng, scenario, day, targets, bbox, near_repeat))
    records = [r for r in records if first <= r["time"].date() <= last]  # type: ignore[attr-defined]
    records.sort(key=lambda r: (r["time"], r["lat"], r["lon"]))
    frame = pd.DataFrame(records, columns=[c for c in INCIDENT_COLUMNS if c != "geometry"])
    frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[ns]")
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    frame["demo"] = True
    frame.index = pd.Index([f"demo-{k + 1:05d}" for k in range(len(frame))], name="incident_id")
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )[list(INCIDENT_COLUMNS)]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class _Target:
    facility_id: str
    name: str
    lat: float
    lon: float


def _targets(
    facilities: gpd.GeoDataFrame | None, bbox: tuple[float, float, float, float]
) -> dict[FacilityKind, list[_Target]]:
    """Facilities inside the bbox, by kind (depots excluded: nobody burgles the police post)."""
    out: dict[FacilityKind, list[_Target]] = {}
    if facilities is None or facilities.empty:
        return out
    west, south, east, north = bbox
    known = {k.value for k in FacilityKind}
    for fid, row in facilities.sort_index().iterrows():
        if str(row["kind"]) not in known:
            continue  # a kind some other source added: no scenario targets it
        kind = FacilityKind(str(row["kind"]))
        if west <= row["lon"] <= east and south <= row["lat"] <= north:
            out.setdefault(kind, []).append(
                _Target(str(fid), str(row["name"]), float(row["lat"]), float(row["lon"]))
            )
    return out


def _incident_with_repeats(
    rng: np.random.Generator,
    scenario: _Scenario,
    day: date,
    targets: dict[FacilityKind, list[_Target]],
    bbox: tuple[float, float, float, float],
    near_repeat: float,
) -> list[dict[str, object]]:
    near = [t for kind in sorted(scenario.kinds) for t in targets.get(kind, [])]
    target = near[rng.integers(len(near))] if near else None
    if target is not None:
        lat, lon = _offset(rng, target.lat, target.lon, *scenario.offset_m, bbox)
    else:
        west, south, east, north = bbox
        lat, lon = float(rng.uniform(south, north)), float(rng.uniform(west, east))
    when = _at_hour(rng, day, scenario.hours)
    out = [_record(scenario, when, lat, lon, target, repeat=False)]
    # Near-repeats: offenders come back to what worked, within days and a couple of streets.
    while rng.random() < near_repeat and len(out) < 4:
        then = out[-1]["time"]
        assert isinstance(then, datetime)
        day2 = then.date() + timedelta(days=int(rng.integers(1, 15)))
        lat2, lon2 = _offset(rng, lat, lon, 10.0, 200.0, bbox)
        out.append(
            _record(
                scenario,
                _at_hour(rng, day2, scenario.hours),
                lat2,
                lon2,
                target if target is not None and scenario.offset_m[1] > 0 else None,
                repeat=True,
            )
        )
    return out


def _at_hour(rng: np.random.Generator, day: date, hours: np.ndarray) -> datetime:
    hour = _pick(rng, _HOUR_CDF[id(hours)])
    minute = int(rng.integers(60))
    return datetime(day.year, day.month, day.day, hour, minute)


def _offset(
    rng: np.random.Generator,
    lat: float,
    lon: float,
    low_m: float,
    high_m: float,
    bbox: tuple[float, float, float, float],
) -> tuple[float, float]:
    """Pick a point ``low_m``-``high_m`` from ``(lat, lon)``, any direction, inside ``bbox``."""
    distance = rng.uniform(low_m, high_m)
    angle = rng.uniform(0.0, 2 * math.pi)
    dlat = distance * math.cos(angle) / 111_320.0
    dlon = distance * math.sin(angle) / (111_320.0 * math.cos(math.radians(lat)))
    west, south, east, north = bbox
    return min(max(lat + dlat, south), north), min(max(lon + dlon, west), east)


def _record(
    scenario: _Scenario,
    when: datetime,
    lat: float,
    lon: float,
    target: _Target | None,
    *,
    repeat: bool,
) -> dict[str, object]:
    where = f" gần {target.name}" if target is not None and target.name else ""
    again = " (tái diễn gần vụ trước)" if repeat else ""
    return {
        "time": when,
        "type": scenario.type.value,
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "facility_id": target.facility_id if target is not None else "",
        "description": f"{DEMO_LABEL_VI}: {scenario.story_vi}{where}{again}",
        "demo": True,
    }
