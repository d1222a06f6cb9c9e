"""What a plan's map shows, apart from how a page draws it: colours, stop badges, arrows, legend.

- Risk colours (green, amber, orange, dark red) belong to the sites. Team colours come from a
  separate palette of blues, black, purple and cyan: every team colour differs from every risk
  colour and every incident-cell colour by at least ``MIN_RISK_DISTANCE`` (CIEDE2000), and the
  first ``len(TEAM_COLOURS)`` teams differ from each other by ``MIN_TEAM_DISTANCE`` for normal
  vision and for red-green colour blindness (Machado et al. 2009 simulation). A fifth team
  repeats the first colour with a dashed line.
- ``stop_badges``: one badge per site and team listing its visit numbers ("3 · 17"), so that
  repeated visits of one site do not stack.
- ``route_arrows``: arrow positions and on-screen angles along a loop, for the direction of
  travel.
- ``legend_entries``: what the legend lists for the layers of a map.

Pure: no Streamlit, no folium; the dashboard turns these into Leaflet layers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from routing.model import PatrolPlan

__all__ = [
    "CELL_RAMP",
    "DEPOT_COLOUR",
    "GROUP_COLOURS",
    "HOTSPOT_COLOURS",
    "MIN_RISK_DISTANCE",
    "MIN_TEAM_DISTANCE",
    "NO_RISK_COLOUR",
    "RISK_COLOURS",
    "TEAM_COLOURS",
    "Legend",
    "RouteArrow",
    "StopBadge",
    "TeamStyle",
    "delta_e2000",
    "delta_e2000_lab",
    "legend_entries",
    "route_arrows",
    "simulate_colour_blindness",
    "stop_badges",
    "team_style",
]

RISK_COLOURS: dict[str, str] = {
    "low": "#2e7d32",
    "medium": "#f9a825",
    "high": "#e65100",
    "very_high": "#b71c1c",
}
"""Site colours by risk level, lowest first."""
NO_RISK_COLOUR = "#a1887f"
"""A site whose risk is not known (a neutral grey-brown, far from every team colour)."""
CELL_RAMP: tuple[str, ...] = ("#fff3b0", "#ffd166", "#f4a259", "#e76f51", "#c1121f", "#780000")
"""Incident cells, from few to many incidents."""
DEPOT_COLOUR = "#ffffff"
GROUP_COLOURS = ("#8d6e63", "#d7ccc8")
"""Residential groups (tổ dân phố): a brown outline over a pale brown fill, under every loop."""
"""Depots are white squares with a dark star: no hue a team or a risk level uses."""
TEAM_COLOURS: tuple[str, ...] = ("#1e88e5", "#212121", "#7b1fa2", "#4dd0e1")
"""Blue, black, purple, cyan: none of the risk hues, told apart with red-green colour blindness."""
MIN_RISK_DISTANCE = 25.0
"""Least CIEDE2000 distance of a team colour from a risk or incident-cell colour."""
MIN_TEAM_DISTANCE = 15.0
"""Least CIEDE2000 distance between two team colours, also after a red-green simulation."""
_DASHES = (None, "12 8", "2 8")


@dataclass(frozen=True)
class TeamStyle:
    """How one team's loop is drawn: colour and line dashes (``None``: solid)."""

    colour: str
    dash: str | None


def team_style(index: int) -> TeamStyle:
    """Return the style of the ``index``-th team (0 first) of a night.

    >>> team_style(0), team_style(4).dash
    (TeamStyle(colour='#1e88e5', dash=None), '12 8')
    """
    n = len(TEAM_COLOURS)
    return TeamStyle(TEAM_COLOURS[index % n], _DASHES[min(index // n, len(_DASHES) - 1)])


# -- colour distance --------------------------------------------------------------------------


def _srgb(colour: str | Sequence[float]) -> np.ndarray:
    if isinstance(colour, str):
        from matplotlib.colors import to_rgb

        rgb: np.ndarray = np.asarray(to_rgb(colour), dtype=float)
        return rgb
    clipped: np.ndarray = np.clip(np.asarray(colour, dtype=float)[:3], 0.0, 1.0)
    return clipped


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _gamma(rgb: np.ndarray) -> np.ndarray:
    rgb = np.clip(rgb, 0.0, 1.0)
    return np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055)


_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375],
     [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
)  # fmt: skip
_WHITE = np.array([0.95047, 1.0, 1.08883])  # D65


def _lab(colour: str | Sequence[float]) -> tuple[float, float, float]:
    x, y, z = (_XYZ @ _linear(_srgb(colour))) / _WHITE

    def f(t: float) -> float:
        return float(t ** (1 / 3)) if t > 216 / 24389 else float((24389 / 27 * t + 16) / 116)

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e2000(a: str | Sequence[float], b: str | Sequence[float]) -> float:
    """Return the CIEDE2000 colour difference of two sRGB colours (hex or 0-1 triples).

    Sharma, Wu and Dalal (2005); about 2.3 is a just-noticeable difference.

    >>> round(delta_e2000("#000000", "#ffffff"), 1), delta_e2000("#1e88e5", "#1e88e5")
    (100.0, 0.0)
    """
    return delta_e2000_lab(_lab(a), _lab(b))


def delta_e2000_lab(lab1: Sequence[float], lab2: Sequence[float]) -> float:
    """Return the CIEDE2000 difference of two CIELAB colours (D65)."""
    l1, a1, b1 = (float(v) for v in lab1)
    l2, a2, b2 = (float(v) for v in lab2)
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        if dhp > 180:
            dhp -= 360
        elif dhp < -180:
            dhp += 360
    dh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dh / s_h) ** 2 + r_t * (dcp / s_c) * (dh / s_h)
    )


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
_CVD: dict[str, np.ndarray] = {
    "protan": np.array([[0.152286, 1.052583, -0.204868],
                        [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968],
                        [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
}  # fmt: skip


def simulate_colour_blindness(colour: str, kind: str) -> tuple[float, float, float]:
    """Return how ``colour`` looks with ``protan`` or ``deutan`` colour blindness (sRGB 0-1)."""
    rgb = _gamma(_CVD[kind] @ _linear(_srgb(colour)))
    return float(rgb[0]), float(rgb[1]), float(rgb[2])


# -- stops, arrows, legend --------------------------------------------------------------------


@dataclass(frozen=True)
class StopBadge:
    """One site of one team's loop and the visit numbers it gets ("3 · 17").

    ``visits`` are stop numbers (1 first) in the team's order; ``stops`` the matching
    ``(arrive_s, start_s, depart_s)`` from the shift start; ``name`` and ``kind`` from the
    site's extras (never a raw id when the problem names its sites).
    """

    team: str
    team_index: int
    site: str
    lat: float
    lon: float
    name: str
    kind: str
    visits: tuple[int, ...]
    stops: tuple[tuple[int, int, int], ...] = field(default=())

    @property
    def label(self) -> str:
        """The visit numbers as the badge shows them, ``3 · 17``."""
        return " · ".join(str(k) for k in self.visits)


def stop_badges(
    plan: PatrolPlan,
    *,
    sites: Mapping[str, Mapping[str, Any]] | None = None,
    team_order: Sequence[str] | None = None,
) -> list[StopBadge]:
    """Group each team's stops by site: one badge per site and team, with its visit numbers.

    Parameters
    ----------
    plan
        The plan; each stop's ``extra`` (or ``sites[stop.site]``) gives ``lat``, ``lon``,
        ``name`` and ``kind``. Stops without coordinates are left out.
    sites
        Fallback extras by site id.
    team_order
        All teams of the night, so that a team keeps its index (its colour) when drawn alone.

    Returns
    -------
    list of StopBadge
        Team by team, in the order of each site's first visit.

    """
    order = list(team_order or [r.team for r in plan.routes])
    badges: list[StopBadge] = []
    for i, route in enumerate(plan.routes):
        index = order.index(route.team) if route.team in order else i
        grouped: dict[str, dict[str, Any]] = {}
        for k, stop in enumerate(route.stops, start=1):
            info = {**dict((sites or {}).get(stop.site, {})), **dict(stop.extra)}
            if info.get("lat") is None or info.get("lon") is None:
                continue
            entry = grouped.setdefault(stop.site, {"info": info, "visits": [], "stops": []})
            entry["visits"].append(k)
            entry["stops"].append((int(stop.arrive), int(stop.start), int(stop.depart)))
        for site, entry in grouped.items():
            info = entry["info"]
            badges.append(
                StopBadge(
                    team=route.team,
                    team_index=index,
                    site=site,
                    lat=float(info["lat"]),
                    lon=float(info["lon"]),
                    name=str(info.get("name") or ""),
                    kind=str(info.get("kind") or ""),
                    visits=tuple(entry["visits"]),
                    stops=tuple(entry["stops"]),
                )
            )
    return badges


@dataclass(frozen=True)
class RouteArrow:
    """An arrow on a loop: where, and its on-screen angle (degrees clockwise from east)."""

    lat: float
    lon: float
    angle_deg: float


def _mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat_r = np.radians(np.clip(lat, -85.0, 85.0))
    return np.radians(lon), np.log(np.tan(np.pi / 4 + lat_r / 2))


def route_arrows(path: Sequence[Sequence[float]], *, every_m: float = 180.0) -> list[RouteArrow]:
    """Place arrows along a loop, every ``every_m`` metres, pointing the way the team drives.

    Parameters
    ----------
    path
        ``[[lon, lat], ...]`` in driving order (a route's ``extra["path"]``).
    every_m
        Spacing; the first arrow sits half a spacing after the start.

    Returns
    -------
    list of RouteArrow
        The angle is measured on a Web Mercator map (Leaflet's), clockwise from east as CSS
        ``rotate()`` takes it, so an arrow glyph pointing right turns along the street.

    """
    pts = np.asarray(path, dtype=float)
    if len(pts) < 2:
        return []
    lon, lat = pts[:, 0], pts[:, 1]
    lat0 = math.radians(float(np.mean(lat)))
    dx = np.diff(lon) * 111_320.0 * math.cos(lat0)
    dy = np.diff(lat) * 110_574.0
    seg = np.hypot(dx, dy)
    ends = np.cumsum(seg)
    total = float(ends[-1]) if len(ends) else 0.0
    mx, my = _mercator(lon, lat)
    arrows: list[RouteArrow] = []
    at = every_m / 2
    while at < total:
        i = int(np.searchsorted(ends, at))
        i = min(i, len(seg) - 1)
        if seg[i] > 0:
            share = 1.0 - (ends[i] - at) / seg[i]
            angle = -math.degrees(math.atan2(my[i + 1] - my[i], mx[i + 1] - mx[i]))
            arrows.append(
                RouteArrow(
                    lat=float(lat[i] + share * (lat[i + 1] - lat[i])),
                    lon=float(lon[i] + share * (lon[i + 1] - lon[i])),
                    angle_deg=round(angle, 1),
                )
            )
        at += every_m
    return arrows


HOTSPOT_COLOURS: dict[str, str] = {"hot": "#d7301f", "cold": "#2b8cbe", "ns": "#f0f0f0"}
"""Colours of the Gi* classes (hot spot, cold spot, not significant): review page and report."""


@dataclass(frozen=True)
class Legend:
    """What a map's legend lists, by layer; the page words it in the user's language.

    ``risk_levels`` are the levels with their colours (all four, lowest first, plus
    ``unknown`` when some site has no level); ``cells`` the incident-cell ramp (empty without
    that layer); ``depots`` whether depots are drawn; ``teams`` ``(team id, TeamStyle)`` for
    the loops drawn.
    """

    risk_levels: tuple[tuple[str, str], ...] = ()
    cells: tuple[str, ...] = ()
    depots: bool = False
    teams: tuple[tuple[str, TeamStyle], ...] = ()
    hotspots: tuple[tuple[str, str], ...] = ()
    """``(Gi* class, colour)`` of the hotspot cells drawn (the monthly review's map)."""


def legend_entries(
    *,
    levels: Iterable[str | None] = (),
    cells: bool = False,
    depots: bool = False,
    teams: Sequence[str] = (),
    team_order: Sequence[str] | None = None,
    hotspot_classes: Iterable[str] = (),
) -> Legend:
    """Return the legend of a map from what it draws.

    Parameters
    ----------
    levels
        The risk level of every site drawn (``None`` for a site without one); empty when no
        site is drawn.
    cells
        Incidents drawn as grid cells.
    depots
        Depots drawn.
    teams
        Teams whose loops are drawn.
    team_order
        All teams of the night (the colour of a team is its place there).
    hotspot_classes
        The Gi* class of every hotspot cell drawn (``hot``, ``cold``).

    """
    seen = list(levels)
    classes = set(hotspot_classes)
    risk: list[tuple[str, str]] = []
    if seen:
        risk = list(RISK_COLOURS.items())
        if any(level not in RISK_COLOURS for level in seen):
            risk.append(("unknown", NO_RISK_COLOUR))
    order = list(team_order or teams)
    team_styles = tuple(
        (team, team_style(order.index(team) if team in order else i))
        for i, team in enumerate(teams)
    )
    return Legend(
        risk_levels=tuple(risk),
        cells=CELL_RAMP if cells else (),
        depots=depots,
        teams=team_styles,
        hotspots=tuple((c, HOTSPOT_COLOURS[c]) for c in HOTSPOT_COLOURS if c in classes),
    )
