"""The street background of a team's loop for the phone page and the PDF briefing.

Both draw ``geodata.basemap``'s background (streets, their names, buildings, water); this module
cuts it to the loop's surroundings and asks the basemap's own label placement
(``draw_background``, run on an off-screen matplotlib figure of the printed or shown size) which
street names fit, so the phone's SVG and the PDF write the names as real text: a phone can
search it, ``pdftotext`` reads it. Nothing here reaches a tile server.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from geodata.basemap import StreetBackground

__all__ = ["StreetLabel", "loop_extent", "place_labels", "render_map_svg", "streets_along"]

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0


@dataclass(frozen=True)
class StreetLabel:
    """A street name placed on a map: where (WGS84), along which direction, at what size."""

    name: str
    lon: float
    lat: float
    angle_deg: float
    """Counter-clockwise from east, in (-90, 90] so that the text reads left to right."""
    cls: str


def loop_extent(
    lons: Sequence[float], lats: Sequence[float], *, pad_m: float = 80.0
) -> tuple[float, float, float, float]:
    """Return ``(west, south, east, north)`` around the points with ``pad_m`` metres to spare."""
    lat0 = (min(lats) + max(lats)) / 2
    dlon = pad_m / (_M_PER_DEG_LON * math.cos(math.radians(lat0)))
    dlat = pad_m / _M_PER_DEG_LAT
    return min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat


def _projected_extent(
    bg: StreetBackground, bbox: Sequence[float], width_mm: float, height_mm: float
) -> tuple[float, float, float, float]:
    """``bbox`` in the background's metres, widened on one side to the map's aspect."""
    import geopandas as gpd

    corners = gpd.GeoSeries.from_xy([bbox[0], bbox[2]], [bbox[1], bbox[3]], crs="EPSG:4326")
    minx, miny, maxx, maxy = (float(v) for v in corners.to_crs(bg.crs).total_bounds)
    w, h = maxx - minx, maxy - miny
    if w / h < width_mm / height_mm:
        grow = (h * width_mm / height_mm - w) / 2
        minx, maxx = minx - grow, maxx + grow
    else:
        grow = (w * height_mm / width_mm - h) / 2
        miny, maxy = miny - grow, maxy + grow
    return minx, miny, maxx, maxy


def _figure(width_mm: float, height_mm: float, dpi: float) -> tuple[Any, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    return fig, ax


def place_labels(
    bg: StreetBackground,
    bbox: Sequence[float],
    *,
    width_mm: float,
    height_mm: float,
    font_pt: float,
    obstacles: Sequence[tuple[float, float, float]] = (),
) -> list[StreetLabel]:
    """Street names that fit a map of ``bbox`` drawn ``width_mm`` x ``height_mm`` wide.

    Parameters
    ----------
    bg
        The area's background (``geodata.basemap.street_background``).
    bbox
        ``(west, south, east, north)`` shown; the map keeps its aspect (equal metres).
    width_mm, height_mm
        Size of the map as printed or shown (a phone's 412 CSS px are 109 mm at 96 px/in).
    font_pt
        Size of the names.
    obstacles
        ``(lon, lat, radius_mm)`` of markers names must not cover (the stops, the depot).

    Returns
    -------
    list of StreetLabel
        The names ``draw_background`` draws on such a map, none covering another, in order of
        importance.

    """
    from geodata.basemap import draw_background

    extent = _projected_extent(bg, bbox, width_mm, height_mm)
    fig, ax = _figure(width_mm, height_mm, 96.0)
    artist = draw_background(ax, bg, extent=extent, font_size=font_pt, decorations=False)  # type: ignore[arg-type]
    if artist is None:
        return []
    artist.obstacles.extend(_markers(ax, bg, obstacles))
    fig.canvas.draw()
    return _labels_of(artist.drawn, bg)


class _Marker:
    """A disc names keep clear of (a stop), as ``StreetLabels.obstacles`` reads one."""

    def __init__(self, ax: Axes, x: float, y: float, radius_px: float) -> None:
        self.ax, self.x, self.y, self.r = ax, x, y, radius_px

    def get_visible(self) -> bool:
        return True

    def get_window_extent(self, renderer: Any = None) -> Any:
        from matplotlib.transforms import Bbox

        px, py = self.ax.transData.transform((self.x, self.y))
        return Bbox.from_extents(px - self.r, py - self.r, px + self.r, py + self.r)


def _markers(
    ax: Axes, bg: StreetBackground, obstacles: Sequence[tuple[float, float, float]]
) -> list[Any]:
    import geopandas as gpd

    if not obstacles:
        return []
    points = gpd.GeoSeries.from_xy(
        [o[0] for o in obstacles], [o[1] for o in obstacles], crs="EPSG:4326"
    ).to_crs(bg.crs)
    px_per_mm = ax.figure.dpi / 25.4
    return [
        _Marker(ax, point.x, point.y, radius_mm * px_per_mm)
        for point, (_, _, radius_mm) in zip(points, obstacles, strict=True)
    ]


def _labels_of(texts: Sequence[Any], bg: StreetBackground) -> list[StreetLabel]:
    import geopandas as gpd

    if not texts:
        return []
    xs = [t.get_position()[0] for t in texts]
    ys = [t.get_position()[1] for t in texts]
    lonlat = gpd.GeoSeries.from_xy(xs, ys, crs=bg.crs).to_crs("EPSG:4326")
    cls_of = dict(zip(bg.labels["name"], bg.labels["cls"], strict=False))
    return [
        StreetLabel(
            t.get_text(),
            float(p.x),
            float(p.y),
            float(t.get_rotation()),
            cls_of.get(t.get_text(), ""),
        )
        for t, p in zip(texts, lonlat, strict=True)
    ]


_SVG_METADATA = ("Format", "Type", "Creator", "Date")
"""Matplotlib's SVG metadata entries, each left out (``None``)."""


def render_map_svg(
    bg: StreetBackground,
    bbox: Sequence[float],
    *,
    width_mm: float,
    height_mm: float,
    lang: str = "vi",
    overlay: Callable[[Axes, Callable[[Sequence[float], Sequence[float]], tuple[Any, Any]]], None]
    | None = None,
) -> tuple[bytes, Callable[[float, float], tuple[float, float]]]:
    """Draw the background without names (plus ``overlay``) as SVG for a printed map.

    Parameters
    ----------
    bg, bbox, width_mm, height_mm
        As ``place_labels``.
    lang
        The north arrow's letter.
    overlay
        Called with the axes and a ``(lons, lats) -> (xs, ys)`` projection to draw the loop
        and its stops above the background.

    Returns
    -------
    tuple
        The SVG bytes, and a function mapping ``(lon, lat)`` to millimetres from the map's
        top-left corner (to write the names and markers over it).

    """
    import geopandas as gpd
    import matplotlib as mpl

    from geodata.basemap import draw_background

    extent = _projected_extent(bg, bbox, width_mm, height_mm)
    fig, ax = _figure(width_mm, height_mm, 72.0)
    draw_background(ax, bg, extent=extent, labels=False, lang=lang)  # type: ignore[arg-type]

    def project(lons: Sequence[float], lats: Sequence[float]) -> tuple[Any, Any]:
        xy = gpd.GeoSeries.from_xy(list(lons), list(lats), crs="EPSG:4326").to_crs(bg.crs)
        return xy.x.to_numpy(), xy.y.to_numpy()

    if overlay is not None:
        overlay(ax, project)
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "patrol"}):
        # No <metadata> block: the PDF's SVG reader warns of it (in English) on every map.
        fig.savefig(buffer, format="svg", metadata=dict.fromkeys(_SVG_METADATA))
    height_px = fig.get_figheight() * 72.0
    px_per_mm = 72.0 / 25.4

    def to_mm(lon: float, lat: float) -> tuple[float, float]:
        x, y = project([lon], [lat])
        px, py = ax.transData.transform((float(x[0]), float(y[0])))
        return px / px_per_mm, (height_px - py) / px_per_mm

    return buffer.getvalue().encode("utf-8"), to_mm


def streets_along(
    bg: StreetBackground, path: Sequence[tuple[float, float]], *, step_m: float = 15.0
) -> list[str]:
    """Return the named streets a loop runs along, in the order it first takes each.

    The path ``[(lon, lat), ...]`` is sampled every ``step_m``; each sample takes the named
    street within 8 m of it, and a name must hold for two samples in a row (a crossing street
    touched in passing is not one the patrol takes).
    """
    import geopandas as gpd
    from shapely.geometry import LineString

    named = bg.streets[bg.streets["name"] != ""].to_crs(bg.crs)
    if named.empty or len(path) < 2:
        return []
    line = gpd.GeoSeries([LineString(path)], crs="EPSG:4326").to_crs(bg.crs).iloc[0]
    count = max(2, int(line.length // step_m) + 1)
    samples = gpd.GeoSeries(
        [line.interpolate(k * line.length / (count - 1)) for k in range(count)], crs=bg.crs
    )
    near, found = named.sindex.nearest(samples, max_distance=8.0, return_all=False)
    by_sample: dict[int, str] = {}
    for sample, street in zip(near, found, strict=True):
        by_sample.setdefault(int(sample), str(named["name"].iloc[int(street)]))
    names = [by_sample.get(k, "") for k in range(count)]
    taken: list[str] = []
    for k in range(1, count):
        if names[k] and names[k] == names[k - 1] and names[k] not in taken:
            taken.append(names[k])
    return taken
