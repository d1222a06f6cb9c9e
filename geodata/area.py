"""An area: one ward's streets, facilities and land use, loaded from an OSM file, offline.

``load_area()`` with no path loads the embedded default, Hà Nội's Văn Miếu - Quốc Tử Giám /
Cát Linh (``geodata/data/hanoi-van-mieu-cat-linh.osm.bz2``, © OpenStreetMap contributors, ODbL
1.0). ``area_summary`` says in a few numbers what the product made of a file. Downloads happen
only in ``load_area_online``, and only when ``settings.area.online`` is on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrolbase.errors import AreaError
from patrolbase.lang import Lang
from patrolbase.settings import Settings, TravelMode
from patrolbase.wording import say

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

    from geodata.osm import OsmData

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_AREA_NAME",
    "DEFAULT_OSM",
    "Area",
    "area_from_osm",
    "area_summary",
    "load_area",
    "load_area_online",
]

log = logging.getLogger(__name__)

DEFAULT_OSM = Path(__file__).parent / "data" / "hanoi-van-mieu-cat-linh.osm.bz2"
"""The embedded default area."""
DEFAULT_AREA_NAME = "Văn Miếu - Quốc Tử Giám / Cát Linh (Hà Nội)"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
"""What every map and export of OSM data must carry."""


@dataclass(frozen=True, eq=False)
class Area:
    """One loaded area.

    Attributes
    ----------
    name
        Display name (the default area's, or the file's name without ``.osm``).
    source
        The file it came from (or ``online:<place>``).
    mode
        Travel mode of ``graph``.
    graph
        Street graph (networkx MultiDiGraph), projected to ``crs``; edges carry ``length_m``,
        ``travel_s`` and ``geometry`` (see ``geodata.network.build_network``).
    crs
        Projected CRS of the graph (the area's UTM zone unless ``settings.area.crs``).
    facilities
        Facilities frame (``patrolbase.schema.FACILITY_COLUMNS``), EPSG:4326.
    residential, buildings, boundary
        Land use, building and administrative boundary polygons, EPSG:4326.
    streets, water
        Every street way of the file (``name``, ``highway``, LineString, whatever the mode) and
        water polygons, EPSG:4326: the maps' background (``geodata.basemap``). Empty for an
        area built without them; the background then falls back to the graph's streets.
    bbox
        ``(west, south, east, north)`` of the export, WGS84.
    report
        Kept and dropped counts (``NetworkReport.to_dict()``) and load time.

    """

    name: str
    source: str
    mode: TravelMode
    graph: nx.MultiDiGraph
    crs: str
    facilities: gpd.GeoDataFrame
    residential: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame
    bbox: tuple[float, float, float, float]
    report: dict[str, Any]
    streets: gpd.GeoDataFrame = field(default_factory=lambda: _empty_frame())
    water: gpd.GeoDataFrame = field(default_factory=lambda: _empty_frame())


def _empty_frame() -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


_WARD_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")


def _area_name(path: Path, boundary: gpd.GeoDataFrame) -> str:
    """Name the area: the embedded ward's name, else the ward the file is named after.

    An extract saved as ``hcmc-cho-quan.osm.bz2`` or ``cho-quan.osm`` that holds the boundary of
    "Phường Chợ Quán" is that ward (the file's name is the ward's, without diacritics, after at
    most one word of place); otherwise the file's name, as the user gave it.
    """
    from geodata.osm import fold_diacritics

    if path.resolve() == DEFAULT_OSM.resolve():
        return DEFAULT_AREA_NAME
    stem = path.name
    for suffix in (".bz2", ".gz", ".osm", ".xml"):
        stem = stem.removesuffix(suffix)

    def words(text: str) -> str:
        return "-".join(fold_diacritics(text).replace("_", " ").replace("-", " ").split())

    file_words = words(stem)
    matches = []
    for name in boundary.get("name", []):
        prefix = next((p for p in _WARD_PREFIXES if str(name).startswith(p)), None)
        ward = words(str(name)[len(prefix) :]) if prefix is not None else ""
        # the ward's words, after at most one word of place ("hcmc-"): "an" is not "quan", and
        # "hanoi-van-mieu-cat-linh" holds two wards, so it is named by neither
        if ward and ward in {file_words, file_words.partition("-")[2]}:
            matches.append(str(name))
    return max(matches, key=len) if matches else stem


def area_from_osm(
    data: OsmData,
    *,
    name: str,
    mode: TravelMode | None = None,
    settings: Settings | None = None,
) -> Area:
    """Build an ``Area`` from a parsed OSM file (``geodata.osm.read_osm``).

    Raises
    ------
    AreaError
        When no street of the file is usable by the mode.

    """
    from geodata.network import build_network
    from geodata.osm import (
        boundary_from_osm,
        buildings_from_osm,
        facilities_from_osm,
        residential_from_osm,
        streets_from_osm,
        water_from_osm,
    )

    settings = settings or Settings()
    graph, report = build_network(data, mode=mode, settings=settings)
    return Area(
        name=name,
        source=data.source,
        mode=report.mode,  # type: ignore[arg-type]
        graph=graph,
        crs=report.crs,
        facilities=facilities_from_osm(data),
        residential=residential_from_osm(data),
        buildings=buildings_from_osm(data),
        boundary=boundary_from_osm(data),
        bbox=data.bounds,
        report=report.to_dict(),
        streets=streets_from_osm(data),
        water=water_from_osm(data),
    )


def load_area(
    path: str | Path | None = None,
    *,
    mode: TravelMode | None = None,
    settings: Settings | None = None,
    progress: bool = False,
    lang: Lang = "vi",
) -> Area:
    """Load an area from an OSM XML export, offline.

    Parameters
    ----------
    path
        ``.osm``, ``.osm.bz2`` or ``.osm.gz`` file; ``None`` loads the embedded default area.
    mode
        ``motorbike``, ``car`` or ``foot``; ``None`` uses ``settings.network.default_mode``.
    settings
        Speeds, CRS, snapping.
    progress
        Say on stderr what is being done (for the command line; a city takes seconds).
    lang
        Language of that progress line.

    Returns
    -------
    Area
        Graph, facilities, land use, boundary, bbox and a report of what was kept.

    Raises
    ------
    InputFileError
        When the file is missing, empty, truncated, not XML or not an OSM export.
    AreaError
        When the file has no street the mode can use.

    Examples
    --------
    >>> area = load_area()
    >>> area.mode, area.crs
    ('motorbike', 'EPSG:32648')

    """
    from tqdm import tqdm

    from geodata.osm import read_osm

    settings = settings or Settings()
    file = Path(path) if path is not None else DEFAULT_OSM
    started = time.perf_counter()
    reading = say("progress.reading", lang, file=file.name)
    unit = say("progress.step", lang)
    with tqdm(total=2, desc=reading, disable=not progress, unit=unit) as bar:
        log.info("reading %s", file)
        data = read_osm(file)
        bar.update()
        chosen = mode or settings.network.default_mode
        named = say(f"settings.mode.{chosen}", lang).lower()
        bar.set_description(say("progress.building", lang, mode=named))
        log.info("building %s streets and facilities", chosen)
        area = area_from_osm(data, name=file.name, mode=mode, settings=settings)
        area = replace(area, name=_area_name(file, area.boundary))
        bar.update()
    area.report["load_s"] = round(time.perf_counter() - started, 3)
    return area


def load_area_online(
    place: str, *, mode: TravelMode | None = None, settings: Settings | None = None
) -> Area:
    """Download an area by place name (Nominatim + Overpass through osmnx, with its cache).

    Off by default: the product never needs the internet. Turn it on with
    ``[area] online = true``; ``area.cache_dir`` keeps the downloads (osmnx's cache).

    Raises
    ------
    AreaError
        When ``settings.area.online`` is off (nothing is downloaded), or the place is unknown.

    """
    settings = settings or Settings()
    if not settings.area.online:
        msg = (
            f"cannot download {place!r}: online loading is off (settings: [area] online = "
            "false); export the ward from openstreetmap.org and load the .osm file, or set "
            "[area] online = true"
        )
        exc = AreaError(msg)
        exc.message_vi = (
            f"không tải được '{place}': chế độ trực tuyến đang tắt; hãy xuất tệp .osm từ "
            "openstreetmap.org và nạp tệp đó, hoặc bật [area] online = true"
        )
        raise exc
    data = _download(place, settings)  # pragma: no cover - needs the internet
    return area_from_osm(data, name=place, mode=mode, settings=settings)  # pragma: no cover


def _download(place: str, settings: Settings) -> OsmData:  # pragma: no cover - needs internet
    """Fetch the place's streets and features as OSM elements and parse them like a file."""
    import osmnx as ox
    from osmnx import _overpass

    from geodata.osm import OsmData, OsmRelation, OsmWay

    ox.settings.use_cache = True
    if settings.area.cache_dir is not None:
        ox.settings.cache_folder = str(settings.area.cache_dir)
    try:
        polygon = ox.geocode_to_gdf(place).union_all()
    except (ValueError, TypeError) as exc:
        msg = (
            f"place {place!r} was not found by the geocoder ({exc}); "
            "write it as 'Phường X, Quận Y, Hà Nội'"
        )
        raise AreaError(msg) from None
    tags: dict[str, bool | str | list[str]] = {
        "amenity": True,
        "shop": True,
        "office": True,
        "military": True,
        "building": True,
        "landuse": "residential",
        "boundary": "administrative",
        "government": True,
    }
    responses = [
        *_overpass._download_overpass_network(polygon, "all", '["highway"]'),
        *_overpass._download_overpass_features(polygon, tags),
    ]
    coords: dict[int, tuple[float, float]] = {}
    node_tags: dict[int, dict[str, str]] = {}
    ways: dict[int, OsmWay] = {}
    relations: dict[int, OsmRelation] = {}
    for response in responses:
        for el in response.get("elements", []):
            if el["type"] == "node":
                coords[el["id"]] = (el["lon"], el["lat"])
                if el.get("tags"):
                    node_tags[el["id"]] = el["tags"]
            elif el["type"] == "way":
                ways[el["id"]] = OsmWay(el["id"], tuple(el.get("nodes", ())), el.get("tags", {}))
            elif el["type"] == "relation":
                members = tuple((m["type"], m["ref"], m.get("role", "")) for m in el["members"])
                relations[el["id"]] = OsmRelation(el["id"], members, el.get("tags", {}))
    west, south, east, north = polygon.bounds
    return OsmData(
        source=f"online:{place}",
        bounds=(west, south, east, north),
        coords=coords,
        node_tags=node_tags,
        ways=tuple(ways.values()),
        relations=tuple(relations.values()),
        way_index=ways,
    )


def area_summary(area: Area) -> dict[str, Any]:
    """Summarise what the product made of an area, as JSON-ready values.

    Returns
    -------
    dict
        ``name``, ``source``, ``mode``, ``crs``, ``bbox`` (west, south, east, north),
        ``graph`` (nodes and edges kept; dropped by filtering and by connectivity; ways kept and
        dropped by reason; km of street per class), ``facilities`` (count per kind, every kind
        listed), ``residential``, ``buildings``, ``boundaries`` and the attribution.

    """
    from patrolbase.schema import FacilityKind

    r = area.report
    counts = area.facilities["kind"].value_counts()
    return {
        "name": area.name,
        "source": area.source,
        "mode": area.mode,
        "crs": area.crs,
        "bbox": [round(v, 7) for v in area.bbox],
        "graph": {
            "nodes": r["nodes"],
            "edges": r["edges"],
            "oneway_edges": r["oneway_edges"],
            "dropped_by_filter": {
                "nodes": r["nodes_dropped_filter"],
                "edges": r["edges_dropped_filter"],
            },
            "dropped_by_connectivity": {
                "nodes": r["nodes_dropped_connectivity"],
                "edges": r["edges_dropped_connectivity"],
            },
            "ways_total": r["ways_total"],
            "ways_kept": r["ways_kept"],
            "ways_dropped": r["ways_dropped"],
            "street_km": r["highway_km"],
        },
        "facilities": {kind.value: int(counts.get(kind.value, 0)) for kind in FacilityKind},
        "facilities_total": len(area.facilities),
        "residential": len(area.residential),
        "buildings": len(area.buildings),
        "boundaries": area.boundary["name"].tolist(),
        "load_s": r.get("load_s"),
        "attribution": ATTRIBUTION,
    }
