"""One street background for every map of the product, from the area's own OSM data.

The dashboard map, the offline phone map, the PDF briefing and the review report all draw the
same background: buildings, water, streets by class and street names, built from the loaded
``Area`` (no tile server). Three steps, each a plain function:

- ``street_background(area)`` selects and merges it once (``StreetBackground``, EPSG:4326);
- ``background_geojson(bg)`` turns it into small GeoJSON layers for Leaflet (an offline page);
- ``draw_background(ax, bg, extent=..., crs=...)`` draws it on a matplotlib axes, with street
  names along the streets that never cover each other (placed at draw time, when the renderer
  knows the text sizes), a scale bar, a north arrow and the OpenStreetMap attribution.

One file past 500 lines: selecting, serialising and drawing share the street
classes and the merging and clipping helpers, and the other modules need one import.

>>> from geodata.area import load_area
>>> bg = street_background(load_area())
>>> "Phố Tôn Đức Thắng" in bg.street_names()
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Text
    from shapely.geometry import Polygon

    from geodata.area import Area

__all__ = [
    "BASEMAP_ATTRIBUTION",
    "STREET_CLASSES",
    "StreetBackground",
    "background_geojson",
    "draw_attribution",
    "draw_background",
    "draw_north_arrow",
    "draw_scale_bar",
    "nice_scale_length",
    "street_background",
    "street_class",
]

WGS84 = "EPSG:4326"
BASEMAP_ATTRIBUTION = "© OpenStreetMap contributors"
"""The short credit every map of OSM data carries (the full one: ``geodata.area.ATTRIBUTION``)."""

StreetClass = Literal["major", "medium", "minor", "path"]
STREET_CLASSES: tuple[StreetClass, ...] = ("major", "medium", "minor", "path")
"""Drawing classes from wide to narrow; a lower index is a more important street."""

_CLASS_OF: dict[str, StreetClass] = {
    **dict.fromkeys(
        ("motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link",
         "primary_link", "secondary_link"), "major"),
    **dict.fromkeys(
        ("tertiary", "tertiary_link", "unclassified", "residential", "road"), "medium"),
    **dict.fromkeys(("living_street", "service", "alley", "track"), "minor"),
}  # fmt: skip

# matplotlib: grey lines, width in points by class (an A4 map of about a kilometre).
_LINE_PT: dict[str, float] = {"major": 2.6, "medium": 1.6, "minor": 0.9, "path": 0.5}
_LINE_COLOUR: dict[str, str] = {"major": "#8d8d8d", "medium": "#a6a6a6", "minor": "#bdbdbd",
                                "path": "#cfcfcf"}  # fmt: skip
_BUILDING_FACE, _BUILDING_EDGE = "#ececec", "#dadada"
_WATER_FACE, _WATER_EDGE = "#cfe5f5", "#a9cce8"
_LABEL_COLOUR = "#424242"

_MIN_LABEL_M = 50.0  # a chain shorter than this is named by a longer one, or not at all
_LABEL_EVERY_M = 120.0  # one more candidate name per this many metres of a long street
_LABEL_GAP_M = 60.0  # two candidates of one street at least this far apart
_MAX_LABELS_PER_STREET = 10
_SAME_NAME_GAP = 3.0  # names of one street drawn at least this many label lengths apart


def street_class(highway: object) -> StreetClass:
    """Return the drawing class of an OSM ``highway`` value (or a list of them: the widest).

    >>> street_class("primary"), street_class(["residential", "service"]), street_class("steps")
    ('major', 'medium', 'path')
    """
    values = highway if isinstance(highway, list | tuple) else [highway]
    classes = [_CLASS_OF.get(str(v), "path") for v in values] or ["path"]
    return min(classes, key=STREET_CLASSES.index)


@dataclass(frozen=True, eq=False)
class StreetBackground:
    """The background of a map: streets, their name anchors, buildings and water.

    Every frame is in EPSG:4326 and may be empty.

    Attributes
    ----------
    streets
        One row per connected chain of a named street of one class (unnamed streets merged per
        class): ``name`` ("" when unnamed), ``highway`` (the chain's most important OSM class),
        ``cls`` (``STREET_CLASSES``), ``length_m``, LineString ``geometry``.
    labels
        Name anchors, most important first: ``name``, ``angle_deg`` (direction of the street at
        the anchor, counter-clockwise from east, in ``(-90, 90]`` so text reads left to right),
        ``rank`` (0 first: by class, then by the street's length), ``cls``, ``street_m`` (the
        whole street's length), Point ``geometry``. A long street has a few anchors.
    buildings, water
        Polygons (``water`` from ``natural=water``, riverbanks and reservoirs).
    bbox
        ``(west, south, east, north)`` in degrees.
    crs
        Projected CRS (metres) in which lengths and angles were measured: the area's.

    """

    streets: gpd.GeoDataFrame
    labels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    bbox: tuple[float, float, float, float]
    crs: str

    def street_names(self) -> set[str]:
        """Return the names of the named streets."""
        return {str(n) for n in self.streets["name"] if n}


def _graph_streets(area: Area) -> gpd.GeoDataFrame:
    """Streets of the graph (one row per edge pair), for an area built without ``streets``.

    ``geodata.network`` keeps ``name`` and ``highway`` as strings on every edge.
    """
    import geopandas as gpd
    from shapely.geometry import LineString

    graph = area.graph
    seen: set[tuple[Any, Any]] = set()
    rows: list[dict[str, Any]] = []
    for u, v, data in graph.edges(data=True):
        pair = (u, v) if str(u) <= str(v) else (v, u)
        if pair in seen:
            continue
        seen.add(pair)
        geometry = data.get("geometry")
        if geometry is None:
            a, b = graph.nodes[u], graph.nodes[v]
            geometry = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        name = str(data.get("name") or "")
        highway = data.get("highway") or ""
        rows.append(
            {
                # an edge merged across streets is named "A / B": no one name fits all of it
                "name": "" if " / " in name else name,
                "highway": str(highway[0] if isinstance(highway, list) else highway),
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, columns=["name", "highway", "geometry"], geometry="geometry",
                             crs=graph.graph.get("crs", area.crs))  # fmt: skip
    return frame.to_crs(WGS84)


def _clip(frame: gpd.GeoDataFrame, bbox: Sequence[float]) -> gpd.GeoDataFrame:
    from shapely import clip_by_rect

    if frame.empty:
        return frame
    clipped = frame.copy()
    clipped["geometry"] = clip_by_rect(frame.geometry.to_numpy(), *bbox)
    return clipped[_present(clipped.geometry.to_numpy())]


def _present(geometries: Any) -> Any:
    """Mask of the geometries that are neither missing nor empty."""
    import shapely

    return ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))


def _lines(geometry: Any) -> list[Any]:
    """Return the LineStrings of a (Multi)LineString or a collection."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "LineString":
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in _lines(part)]


def _merge(lines: Iterable[Any]) -> list[Any]:
    from shapely.ops import linemerge

    parts = [line for g in lines for line in _lines(g)]
    if not parts:
        return []
    return _lines(linemerge(parts))


def _most_important(highways: Iterable[str]) -> str:
    order = {h: i for i, h in enumerate(_CLASS_OF)}
    return min(highways, key=lambda h: order.get(h, len(order)))


def _upright(angle: float) -> float:
    """Turn an angle (degrees) into (-90, 90], so that text along it reads left to right."""
    angle = (angle + 90.0) % 180.0 - 90.0
    return 90.0 if angle == -90.0 else angle


def _angle_at(line: Any, at_m: float, half_m: float) -> float:
    """Direction of a projected line around ``at_m`` metres along it (chord of ±``half_m``)."""
    a = line.interpolate(max(0.0, at_m - half_m))
    b = line.interpolate(min(line.length, at_m + half_m))
    return _upright(math.degrees(math.atan2(b.y - a.y, b.x - a.x)))


def _bend(a: float, b: float) -> float:
    diff = abs(a - b) % 180.0
    return min(diff, 180.0 - diff)


def _straight_anchor(line: Any, at_m: float) -> tuple[Any, float]:
    """Return the point near ``at_m`` where the street runs straightest, and its direction.

    A name is written straight: on a bend its angle would follow neither leg.
    """
    half = min(15.0, line.length / 2)
    best: tuple[float, float, float] | None = None
    for offset in (0.0, 8.0, -8.0, 16.0, -16.0, 24.0, -24.0, 32.0, -32.0):
        s = min(max(at_m + offset, half), line.length - half)
        wide, near = _angle_at(line, s, half), _angle_at(line, s, 3.0)
        bend = _bend(wide, near)
        if best is None or bend < best[0] - 1e-9:
            best = (bend, s, wide)
        if bend < 8.0:
            break
    assert best is not None
    return line.interpolate(best[1]), round(best[2], 1)


def _label_anchors(chains: list[Any]) -> list[tuple[Any, float]]:
    """Anchor points and angles along one street, in the order a map should try them.

    Candidates every ``_LABEL_EVERY_M`` along each chain long enough to carry a name; the
    middle of the longest chain comes first, then each next one farthest from those before
    (a map that can show only a few names of the street spreads them out).
    """
    candidates: list[tuple[Any, float]] = []
    for line in sorted(chains, key=lambda g: -g.length):
        if line.length < _MIN_LABEL_M:
            break
        count = max(1, round(line.length / _LABEL_EVERY_M))
        for i in sorted(range(count), key=lambda i: abs(i - (count - 1) / 2)):
            point, angle = _straight_anchor(line, line.length * (i + 0.5) / count)
            # the other carriageway of a dual street runs a few metres away: one name is enough
            if all(point.distance(p) >= _LABEL_GAP_M for p, _ in candidates):
                candidates.append((point, angle))
    if not candidates:
        return []
    ordered = [candidates.pop(0)]
    while candidates and len(ordered) < _MAX_LABELS_PER_STREET:
        far = max(candidates, key=lambda c: min(c[0].distance(p) for p, _ in ordered))
        candidates.remove(far)
        ordered.append(far)
    return ordered


def street_background(
    area: Area, *, bbox: tuple[float, float, float, float] | None = None
) -> StreetBackground:
    """Build the street background of an area (or of a part of it).

    Parameters
    ----------
    area
        A loaded area (``geodata.area.load_area``). Its ``streets`` (every street way of the
        file) are drawn; an area without them falls back to the graph's streets.
    bbox
        ``(west, south, east, north)`` in degrees to keep; ``None`` keeps the area's ``bbox``.

    Returns
    -------
    StreetBackground
        Streets merged per named street and class, name anchors, buildings and water.

    """
    import geopandas as gpd
    import pandas as pd

    box = tuple(float(v) for v in (bbox or area.bbox))
    streets_src = getattr(area, "streets", None)
    if streets_src is None or streets_src.empty:
        streets_src = _graph_streets(area)
    streets_src = _clip(streets_src, box).to_crs(area.crs)
    streets_src["name"] = streets_src["name"].fillna("").astype(str).str.strip()
    streets_src["cls"] = [street_class(h) for h in streets_src["highway"]]

    rows: list[dict[str, Any]] = []
    for (name, cls), group in streets_src.groupby(["name", "cls"], sort=False):
        highway = _most_important(group["highway"].astype(str))
        rows.extend(
            {"name": name, "highway": highway, "cls": cls, "length_m": round(line.length, 1),
             "geometry": line}
            for line in _merge(group.geometry)
        )  # fmt: skip
    streets = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["name", "highway", "cls", "length_m", "geometry"]),
        geometry="geometry",
        crs=area.crs,
    )

    labels_rows: list[dict[str, Any]] = []
    named = streets_src[streets_src["name"] != ""]
    for name, group in named.groupby("name", sort=False):
        chains = _merge(group.geometry)
        cls = min(group["cls"], key=STREET_CLASSES.index)
        street_m = round(sum(c.length for c in chains), 1)
        labels_rows.extend(
            {"name": name, "angle_deg": angle, "cls": cls, "street_m": street_m, "nth": k,
             "geometry": pt}
            for k, (pt, angle) in enumerate(_label_anchors(chains))
        )  # fmt: skip
    columns = ["name", "angle_deg", "cls", "street_m", "nth", "geometry"]
    labels = gpd.GeoDataFrame(
        pd.DataFrame(labels_rows, columns=columns), geometry="geometry", crs=area.crs
    )
    # A street's k-th name competes with the (k+1)-th of a street one class more important:
    # the main streets get a second name before alleys get their first.
    labels["_c"] = labels["cls"].map(STREET_CLASSES.index)
    labels["_p"] = labels["nth"] + labels["_c"]
    labels = labels.sort_values(["_p", "_c", "street_m"], ascending=[True, True, False],
                                kind="stable")  # fmt: skip
    labels = labels.drop(columns=["_c", "_p", "nth"]).reset_index(drop=True)
    labels.insert(2, "rank", np.arange(len(labels), dtype=int))

    buildings = _clip(area.buildings, box)[["geometry"]].reset_index(drop=True)
    water_src = getattr(area, "water", None)
    water = (
        _clip(water_src, box)[["name", "geometry"]].reset_index(drop=True)
        if water_src is not None and not water_src.empty
        else gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    )
    return StreetBackground(
        streets=streets.to_crs(WGS84),
        labels=labels.to_crs(WGS84),
        buildings=buildings,
        water=water,
        bbox=box,  # type: ignore[arg-type]
        crs=area.crs,
    )


# -- GeoJSON for Leaflet ----------------------------------------------------------------------


def _feature_collection(
    frame: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    crs: str,
    tolerance_m: float,
    decimals: int,
) -> dict[str, Any]:
    import json

    from shapely import set_precision

    if frame.empty:
        return {"type": "FeatureCollection", "features": []}
    shown = frame[[*columns, "geometry"]].copy()
    if tolerance_m > 0:
        projected = shown.geometry.to_crs(crs).simplify(tolerance_m, preserve_topology=True)
        shown["geometry"] = projected.to_crs(WGS84)
    shown["geometry"] = set_precision(shown.geometry.to_numpy(), 10.0**-decimals)
    shown = shown[_present(shown.geometry.to_numpy())].reset_index(drop=True)
    return dict(json.loads(shown.to_json(drop_id=True)))


def background_geojson(
    bg: StreetBackground, *, tolerance_m: float = 1.0, decimals: int = 6
) -> dict[str, Any]:
    """Return the background as GeoJSON layers small enough to embed in an offline page.

    Parameters
    ----------
    bg
        The background (``street_background``).
    tolerance_m
        Geometry simplification in metres (Douglas-Peucker, topology kept; buildings at half
        of it). One metre does not show below zoom 19.
    decimals
        Coordinates rounded to this many decimals (6: about 0.1 m).

    Returns
    -------
    dict
        ``streets`` (properties ``name``, ``highway``, ``cls``), ``labels`` (``name``,
        ``angle_deg``, ``rank``, ``cls``), ``buildings`` and ``water`` FeatureCollections, plus
        ``bbox`` and ``attribution``.

    """
    layers = {
        "streets": (bg.streets, ["name", "highway", "cls"], tolerance_m),
        "labels": (bg.labels, ["name", "angle_deg", "rank", "cls"], 0.0),
        "buildings": (bg.buildings, [], tolerance_m / 2),
        "water": (bg.water, ["name"], tolerance_m),
    }
    return {
        **{
            name: _feature_collection(
                frame, columns, crs=bg.crs, tolerance_m=tolerance, decimals=decimals
            )
            for name, (frame, columns, tolerance) in layers.items()
        },
        "bbox": [round(v, decimals) for v in bg.bbox],
        "attribution": BASEMAP_ATTRIBUTION,
    }


# -- matplotlib -------------------------------------------------------------------------------


def _polygon_paths(geometries: Iterable[Any]) -> list[Any]:
    """Return matplotlib paths of polygons, holes included (a lake's island stays dry)."""
    from matplotlib.path import Path

    paths = []
    for geom in geometries:
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings = [poly.exterior, *poly.interiors]
            paths.append(
                Path.make_compound_path(
                    *(Path(np.asarray(r.coords)[:, :2], closed=True) for r in rings)
                )
            )
    return paths


def _project(frame: gpd.GeoDataFrame, crs: str, extent: Sequence[float]) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    minx, miny, maxx, maxy = extent
    pad_x, pad_y = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    return _clip(frame.to_crs(crs), (minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y))


def _rotated_box(cx: float, cy: float, w: float, h: float, angle_deg: float) -> Polygon:
    from shapely import affinity
    from shapely.geometry import box

    return affinity.rotate(box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), angle_deg,
                           origin=(cx, cy))  # fmt: skip


def _street_labels_artist() -> type:
    """Return the label artist class (defined lazily: importing this module needs no matplotlib)."""
    from matplotlib.artist import Artist

    class StreetLabels(Artist):
        """Street names placed at draw time: the most important first, none covering another.

        Each candidate is a ``Text`` at its anchor with a direction in data coordinates; at
        draw time its on-screen angle and rotated box come from the renderer, and a name is
        drawn only where its box (with a small margin) is inside the axes and clear of every
        name already drawn. ``drawn`` lists the names drawn by the last draw.
        """

        def __init__(self, texts: list[Text], directions: list[tuple[float, float]],
                     margin_px: float) -> None:  # fmt: skip
            super().__init__()
            self.obstacles: list[Any] = []
            """Artists (scale bar, north arrow, a legend) that names must keep clear of."""
            self.texts = texts
            self.directions = directions
            self.margin_px = margin_px
            self.drawn: list[Text] = []

        def draw(self, renderer: RendererBase) -> None:
            from shapely.geometry import box

            ax = self.axes
            if not self.get_visible() or ax is None:
                return
            frame = ax.get_window_extent(renderer)

            inside = box(frame.x0, frame.y0, frame.x1, frame.y1)
            placed: list[Polygon] = [
                box(*o.get_window_extent(renderer).extents)
                for o in self.obstacles
                if o.get_visible()
            ]
            centres: dict[str, list[tuple[float, float, float]]] = {}
            self.drawn = []
            for text, (dx, dy) in zip(self.texts, self.directions, strict=True):
                x, y = text.get_position()
                (px, py), (qx, qy) = ax.transData.transform([(x, y), (x + dx, y + dy)])
                angle = _upright(math.degrees(math.atan2(qy - py, qx - px)))
                w, h, _ = renderer.get_text_width_height_descent(
                    text.get_text(), text.get_fontproperties(), ismath=False
                )
                w, h = w + 2 * self.margin_px, h + 2 * self.margin_px
                shape = _rotated_box(px, py, w, h, angle)
                same = centres.setdefault(text.get_text(), [])
                if (
                    not inside.contains(shape)
                    or any(shape.intersects(p) for p in placed)
                    or any(math.hypot(px - x, py - y) < gap for x, y, gap in same)
                ):
                    text.set_visible(False)
                    continue
                placed.append(shape)
                same.append((px, py, w * _SAME_NAME_GAP))
                text.set_rotation(angle)
                text.set_visible(True)
                text.draw(renderer)
                self.drawn.append(text)
            self.stale = False

    return StreetLabels


def draw_background(
    ax: Axes,
    bg: StreetBackground,
    *,
    extent: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
    labels: bool = True,
    font_size: float = 6.0,
    decorations: bool = True,
    lang: str = "vi",
) -> Any:
    """Draw the background on a matplotlib axes: buildings, water, streets and their names.

    Parameters
    ----------
    ax
        The axes; its limits are set to ``extent`` and its aspect made equal.
    bg
        The background (``street_background``).
    extent
        ``(minx, miny, maxx, maxy)`` in ``crs`` units (as ``total_bounds``); ``None`` shows the
        background's ``bbox``.
    crs
        CRS of the axes' data coordinates; ``None`` uses the background's projected CRS
        (metres). Overlays must be drawn in the same CRS.
    labels
        Draw the street names (along the streets, white halo, never covering each other).
    font_size
        Size of the street names in points (major streets one point larger).
    decorations
        Also draw the scale bar, the north arrow and the attribution.
    lang
        ``vi`` or ``en``: the north arrow's letter.

    Returns
    -------
    matplotlib.artist.Artist or None
        The street-name artist (its ``drawn`` lists the names drawn by the last render), or
        ``None`` without labels. Background layers sit at z-order below 2: draw overlays above.

    """
    import geopandas as gpd
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patheffects import withStroke
    from matplotlib.text import Text

    crs = crs or bg.crs
    geographic = _is_geographic(crs)
    if extent is None:
        box_frame = gpd.GeoSeries.from_xy([bg.bbox[0], bg.bbox[2]], [bg.bbox[1], bg.bbox[3]],
                                          crs=WGS84).to_crs(crs)  # fmt: skip
        extent = tuple(float(v) for v in box_frame.total_bounds)  # type: ignore[assignment]
    assert extent is not None
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    mid_lat = math.radians((miny + maxy) / 2)
    ax.set_aspect(1 / math.cos(mid_lat) if geographic else "equal")

    for frame, face, edge, width, zorder in (
        (bg.water, _WATER_FACE, _WATER_EDGE, 0.4, 0.5),
        (bg.buildings, _BUILDING_FACE, _BUILDING_EDGE, 0.3, 0.6),
    ):
        shapes = _project(frame, crs, extent)
        if not shapes.empty:
            paths = _polygon_paths(shapes.geometry)
            ax.add_collection(
                PathCollection(
                    paths, facecolor=face, edgecolor=edge, linewidth=width, zorder=zorder
                )
            )
    streets = _project(bg.streets, crs, extent)
    for depth, cls in enumerate(reversed(STREET_CLASSES)):  # wide streets over narrow ones
        shown = streets[streets["cls"] == cls] if not streets.empty else streets
        segments = [np.asarray(line.coords)[:, :2] for g in shown.geometry for line in _lines(g)]
        if segments:
            lines = LineCollection(segments, colors=_LINE_COLOUR[cls], linewidths=_LINE_PT[cls],
                                   capstyle="round", joinstyle="round")  # fmt: skip
            lines.set_zorder(1.0 + 0.1 * depth)
            ax.add_collection(lines)

    artist = None
    if labels and not bg.labels.empty:
        anchors = bg.labels.to_crs(crs)
        texts, directions = [], []
        for (_, row), point in zip(anchors.iterrows(), anchors.geometry, strict=True):
            angle = math.radians(float(row["angle_deg"]))
            texts.append(
                Text(point.x, point.y, str(row["name"]), fontsize=font_size
                     + (1.0 if row["cls"] == "major" else 0.0), color=_LABEL_COLOUR,
                     ha="center", va="center", rotation_mode="anchor",
                     path_effects=[withStroke(linewidth=2.2, foreground="white")])
            )  # fmt: skip
            # Ten metres along the street, in the axes' units (the angle was measured in
            # metres; degrees of longitude are shorter than degrees of latitude).
            per_x, per_y = (1.0, 1.0) if not geographic else (
                111_320.0 * math.cos(math.radians(point.y)), 110_574.0)  # fmt: skip
            directions.append((math.cos(angle) * 10.0 / per_x, math.sin(angle) * 10.0 / per_y))
        artist = _street_labels_artist()(texts, directions, margin_px=font_size * 0.25)
        artist.set_zorder(1.8)
        ax.add_artist(artist)
        for text in texts:
            text.set_figure(ax.figure)
            text.axes = ax
            text.set_transform(ax.transData)
    if decorations:
        drawn = [*draw_scale_bar(ax, crs=crs), draw_north_arrow(ax, lang=lang),
                 draw_attribution(ax)]  # fmt: skip
        if artist is not None:
            artist.obstacles.extend(drawn)
    return artist


def _is_geographic(crs: str) -> bool:
    from pyproj import CRS

    return bool(CRS.from_user_input(crs).is_geographic)


def nice_scale_length(span_m: float) -> float:
    """Return a round length (1, 2 or 5 times a power of ten metres) near a fifth of a span.

    >>> nice_scale_length(1000.0), nice_scale_length(2600.0), nice_scale_length(90.0)
    (200.0, 500.0, 10.0)
    """
    target = max(span_m / 5.0, 1e-9)
    power = 10.0 ** math.floor(math.log10(target))
    return max((f * power for f in (1.0, 2.0, 5.0) if f * power <= target), default=power)


def _metres_per_unit(ax: Axes, crs: str) -> float:
    if not _is_geographic(crs):
        return 1.0
    lat = sum(ax.get_ylim()) / 2
    return 111_320.0 * math.cos(math.radians(lat))


def draw_scale_bar(
    ax: Axes, *, crs: str, corner: Literal["lower left", "lower right"] = "lower left"
) -> list[Any]:
    """Draw a metric scale bar (m, or km from 1000 m) in a lower corner of the axes.

    Parameters
    ----------
    ax
        The axes, its limits already set.
    crs
        CRS of the axes' data coordinates (projected in metres, or EPSG:4326: measured along
        the middle latitude).
    corner
        Where to put it.

    Returns
    -------
    list
        The bar's line and its label.

    """
    from matplotlib.patheffects import withStroke

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    per_unit = _metres_per_unit(ax, crs)
    metres = nice_scale_length(abs(x1 - x0) * per_unit)
    length = metres / per_unit
    left = x0 + (x1 - x0) * 0.04 if corner == "lower left" else x1 - (x1 - x0) * 0.04 - length
    y = y0 + (y1 - y0) * 0.04
    tick = (y1 - y0) * 0.012
    halo = [withStroke(linewidth=3, foreground="white")]
    (bar,) = ax.plot([left, left, left + length, left + length], [y + tick, y, y, y + tick],
                     color="black", linewidth=1.2, zorder=6, path_effects=halo,
                     solid_capstyle="butt")  # fmt: skip
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    text = ax.text(left + length / 2, y + tick * 1.3, label, ha="center", va="bottom",
                   fontsize=7, zorder=6, path_effects=halo)  # fmt: skip
    return [bar, text]


def draw_north_arrow(ax: Axes, *, lang: str = "vi") -> Any:
    """Draw a north arrow in the axes' upper right corner ("B", Bắc, in Vietnamese)."""
    letter = "B" if lang == "vi" else "N"
    return ax.annotate(
        letter,
        xy=(0.95, 0.95),
        xytext=(0.95, 0.85),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontsize=8,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
        zorder=6,
        bbox={"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.8},
    )  # fmt: skip


def draw_attribution(ax: Axes, text: str = BASEMAP_ATTRIBUTION) -> Any:
    """Write the OpenStreetMap credit in the axes' lower right corner."""
    box_style = {"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1}
    return ax.text(0.995, 0.005, text, transform=ax.transAxes, ha="right", va="bottom",
                   fontsize=5.5, color="#333333", zorder=6, bbox=box_style)  # fmt: skip
