"""Read a raw OpenStreetMap XML export offline, and the features the product needs from it.

A user's export (``.osm``, ``.osm.bz2`` or ``.osm.gz``, from openstreetmap.org's Export button
or an extract provider) holds every node, way and relation of the area: streets, buildings,
land use and boundaries alike. ``read_osm`` parses it once with lxml into an ``OsmData``; the
street graph (``geodata.network``) and the frames below are built from that, never from a
download.

Frames, all in EPSG:4326:

- ``facilities_from_osm``: the facilities frame of ``patrolbase.schema`` (banks, transaction
  offices, ATMs, gold shops, pawn shops, the State Treasury, government offices, town halls,
  post offices, schools, markets, police posts and the military command), polygons reduced to a
  representative point;
- ``residential_from_osm``, ``buildings_from_osm``: polygons for the risk model's "isolation";
- ``boundary_from_osm``: administrative boundaries (the ward's own among them);
- ``streets_from_osm``, ``water_from_osm``: every street way and water polygon, for the street
  background of the maps (``geodata.basemap``).

One file past 500 lines: every frame below is built from the one parsed ``OsmData`` with the
same tag tables, and the parser and its tables change together.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from lxml import etree

from patrolbase.errors import InputFileError, Problem
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "OsmData",
    "OsmRelation",
    "OsmWay",
    "boundary_from_osm",
    "buildings_from_osm",
    "classify_facility",
    "facilities_from_osm",
    "fold_diacritics",
    "read_osm",
    "residential_from_osm",
    "streets_from_osm",
    "water_from_osm",
]

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
_FIX = "export the area again from openstreetmap.org (Export button) as an .osm file"
_FIX_VI = "hãy xuất lại khu vực từ openstreetmap.org (nút Export) thành tệp .osm"


@dataclass(frozen=True)
class OsmWay:
    """One way: its id, node ids in order, and tags."""

    id: int
    refs: tuple[int, ...]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class OsmRelation:
    """One relation: its id, members ``(type, ref, role)`` and tags."""

    id: int
    members: tuple[tuple[str, int, str], ...]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class OsmData:
    """The parsed content of one OSM XML file.

    ``coords`` maps a node id to ``(lon, lat)``; ``node_tags`` holds the tags of tagged nodes
    only. ``bounds`` is ``(west, south, east, north)`` from the file's ``<bounds>`` element, or
    from its nodes when it has none.
    """

    source: str
    bounds: tuple[float, float, float, float]
    coords: Mapping[int, tuple[float, float]]
    node_tags: Mapping[int, Mapping[str, str]]
    ways: tuple[OsmWay, ...]
    relations: tuple[OsmRelation, ...]
    missing_refs: int = 0
    """Node references of ways that the file does not contain (cut at the export's edge)."""
    generator: str = ""
    way_index: Mapping[int, OsmWay] = field(default_factory=dict, compare=False, repr=False)


def _open(path: Path) -> IO[bytes] | gzip.GzipFile | bz2.BZ2File:
    """Open plain, bzip2 or gzip files by their first bytes, not by their name."""
    with path.open("rb") as raw:
        magic = raw.read(3)
    if magic.startswith(b"BZh"):
        return bz2.open(path, "rb")
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _problem(
    source: str,
    message: str,
    message_vi: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> Problem:
    return Problem(source, row, column, value, message, message_vi)


def read_osm(path: str | Path) -> OsmData:
    """Parse an OSM XML export (plain, ``.bz2`` or ``.gz``).

    Parameters
    ----------
    path
        The file. Compression is recognised from its first bytes.

    Returns
    -------
    OsmData
        Nodes, ways and relations with their tags.

    Raises
    ------
    InputFileError
        When the file is missing, empty, truncated or damaged, not XML, not an OSM export, has
        no nodes, or has nodes without valid coordinates (every such node is listed).

    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        msg = f"file not found; give the path of an .osm, .osm.bz2 or .osm.gz export ({_FIX})"
        msg_vi = (
            f"không tìm thấy tệp; hãy chỉ đường dẫn tới tệp .osm, .osm.bz2 hoặc .osm.gz ({_FIX_VI})"
        )
        raise InputFileError(source, [_problem(source, msg, msg_vi)])
    if path.stat().st_size == 0:
        msg = f"the file is empty (0 bytes); {_FIX}"
        raise InputFileError(source, [_problem(source, msg, f"tệp rỗng (0 byte); {_FIX_VI}")])
    try:
        stream = _open(path)
    except OSError as exc:
        msg = f"the file cannot be read ({exc.strerror}); check its permissions or copy it locally"
        msg_vi = "không đọc được tệp (quyền truy cập); kiểm tra quyền hoặc chép tệp về máy"
        raise InputFileError(source, [_problem(source, msg, msg_vi)]) from None
    try:
        with stream:
            return _parse(stream, source)
    except (EOFError, OSError, zlib.error) as exc:
        # bz2/gzip raise these when the compressed stream is cut short or corrupt
        msg = f"the compressed file is truncated or damaged ({exc}); {_FIX}"
        msg_vi = f"tệp nén bị cắt cụt hoặc hỏng; {_FIX_VI}"
        raise InputFileError(source, [_problem(source, msg, msg_vi)]) from None
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        if "end" in str(exc).lower() or "EndTag" in str(exc) or "truncated" in str(exc).lower():
            msg = f"the XML stops before its end, the file is truncated ({exc.msg}); {_FIX}"
            msg_vi = f"tệp XML bị cắt cụt, không có phần kết thúc; {_FIX_VI}"
        else:
            msg = (
                f"not a readable OSM XML file ({exc.msg}); PBF and other formats are not read: "
                f"{_FIX}"
            )
            msg_vi = f"không phải tệp OSM XML đọc được (không hỗ trợ PBF); {_FIX_VI}"
        raise InputFileError(source, [_problem(source, msg, msg_vi, row=line)]) from None


def _parse(stream: IO[bytes] | gzip.GzipFile | bz2.BZ2File, source: str) -> OsmData:
    coords: dict[int, tuple[float, float]] = {}
    node_tags: dict[int, dict[str, str]] = {}
    ways: list[OsmWay] = []
    relations: list[OsmRelation] = []
    problems: list[Problem] = []
    bounds: tuple[float, float, float, float] | None = None
    root_tag: str | None = None
    generator = ""
    context = etree.iterparse(
        stream, events=("start", "end"), huge_tree=True, resolve_entities=False, no_network=True
    )
    for event, elem in context:
        if event == "start":
            if root_tag is None:
                root_tag = etree.QName(elem).localname
                generator = elem.get("generator", "")
                if root_tag != "osm":
                    msg = (
                        f"an XML file but not an OpenStreetMap export (its root element is "
                        f"<{root_tag}>, an export starts with <osm>); {_FIX}"
                    )
                    msg_vi = (
                        f"tệp XML nhưng không phải dữ liệu OpenStreetMap (<{root_tag}>); {_FIX_VI}"
                    )
                    raise InputFileError(source, [_problem(source, msg, msg_vi, row=1)])
            continue
        tag = elem.tag
        if tag in {"node", "way", "relation"} and (
            elem.get("visible") == "false" or elem.get("action") == "delete"
        ):
            pass  # deleted in the history export or in the editor (JOSM): not on the map
        elif tag == "node":
            _read_node(elem, source, coords, node_tags, problems)
        elif tag in {"way", "relation"}:
            try:
                if tag == "way":
                    refs = tuple(int(nd.get("ref")) for nd in elem.iterfind("nd"))
                    ways.append(OsmWay(int(elem.get("id")), refs, _tags(elem)))
                else:
                    members = tuple(
                        (m.get("type", ""), int(m.get("ref")), m.get("role", ""))
                        for m in elem.iterfind("member")
                    )
                    relations.append(OsmRelation(int(elem.get("id")), members, _tags(elem)))
            except (TypeError, ValueError):
                msg = f"a <{tag}> without a numeric id or member ref; {_FIX}"
                msg_vi = f"phần tử <{tag}> thiếu mã số (id/ref) hợp lệ; {_FIX_VI}"
                problems.append(
                    _problem(
                        source,
                        msg,
                        msg_vi,
                        row=elem.sourceline,
                        column="id/ref",
                        value=elem.get("id"),
                    )
                )
        elif tag == "bounds":
            try:
                bounds = (
                    float(elem.get("minlon")),
                    float(elem.get("minlat")),
                    float(elem.get("maxlon")),
                    float(elem.get("maxlat")),
                )
            except (TypeError, ValueError):
                bounds = None
        else:
            continue
        # free what was read: the element and its already-handled siblings
        elem.clear(keep_tail=False)
        parent = elem.getparent()
        if parent is not None:
            while elem.getprevious() is not None:
                del parent[0]
    if root_tag is None:
        msg = f"the file holds no XML at all; {_FIX}"
        raise InputFileError(
            source, [_problem(source, msg, f"tệp không có nội dung XML; {_FIX_VI}")]
        )
    if problems:
        raise InputFileError(source, problems)
    if not coords:
        msg = f"the OSM file holds no nodes (no map data); {_FIX}"
        msg_vi = f"tệp OSM không có điểm (node) nào; {_FIX_VI}"
        raise InputFileError(source, [_problem(source, msg, msg_vi)])
    if bounds is None:
        lons = [c[0] for c in coords.values()]
        lats = [c[1] for c in coords.values()]
        bounds = (min(lons), min(lats), max(lons), max(lats))
    missing = 0
    for way in ways:
        missing += sum(1 for ref in way.refs if ref not in coords)
    if missing:
        log.info("%s: %d way node references are outside the file", source, missing)
    return OsmData(
        source=source,
        bounds=bounds,
        coords=coords,
        node_tags=node_tags,
        ways=tuple(ways),
        relations=tuple(relations),
        missing_refs=missing,
        generator=generator,
        way_index={w.id: w for w in ways},
    )


def _tags(elem: Any) -> dict[str, str]:
    return {t.get("k"): t.get("v", "") for t in elem.iterfind("tag") if t.get("k")}


def _read_node(
    elem: Any,
    source: str,
    coords: dict[int, tuple[float, float]],
    node_tags: dict[int, dict[str, str]],
    problems: list[Problem],
) -> None:
    try:
        node_id = int(elem.get("id"))
    except (TypeError, ValueError):
        msg = f"a <node> without a numeric id; {_FIX}"
        problems.append(
            _problem(
                source,
                msg,
                f"điểm (node) thiếu mã số hợp lệ; {_FIX_VI}",
                row=elem.sourceline,
                column="id",
                value=elem.get("id"),
            )
        )
        return
    try:
        lat, lon = float(elem.get("lat")), float(elem.get("lon"))
    except (TypeError, ValueError):
        given = f"lat={elem.get('lat')!r} lon={elem.get('lon')!r}"
        msg = f"node {node_id} has no valid lat/lon; every node needs numeric lat and lon ({_FIX})"
        msg_vi = f"điểm {node_id} thiếu tọa độ lat/lon hợp lệ"
        problems.append(
            _problem(source, msg, msg_vi, row=elem.sourceline, column="lat/lon", value=given)
        )
        return
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        msg = f"node {node_id}: lat must lie in [-90, 90] and lon in [-180, 180]"
        msg_vi = f"điểm {node_id}: vĩ độ phải trong [-90, 90], kinh độ trong [-180, 180]"
        problems.append(
            _problem(
                source, msg, msg_vi, row=elem.sourceline, column="lat/lon", value=f"{lat}, {lon}"
            )
        )
        return
    coords[node_id] = (lon, lat)
    tags = _tags(elem)
    if tags:
        node_tags[node_id] = tags


# -- facilities -------------------------------------------------------------------------------


def fold_diacritics(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ -> d) for name matching."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


_TRANSACTION_OFFICE = re.compile(r"phong giao dich|\bpgd\b")
_TREASURY = re.compile(r"kho bac")
_TOWN_HALL = re.compile(r"\bubnd\b|uy ban nhan dan")
_MILITARY = re.compile(r"ban chi huy quan su|\bbchqs\b|quan su (phuong|xa)")
_GOLD_SHOPS = frozenset({"jewelry", "jewellery", "gold", "gold_buyer"})
_SCHOOLS = frozenset({"school", "kindergarten", "college", "university"})


def classify_facility(tags: Mapping[str, str]) -> FacilityKind | None:
    """Return the kind of facility an OSM object is, or ``None`` when it is none of ours.

    The name decides where tags alone cannot: a bank whose name says "Phòng giao dịch" or "PGD"
    is a transaction office, anything named "Kho bạc" is the State Treasury, a government office
    named "UBND" / "Ủy ban nhân dân" is the town hall.

    >>> classify_facility({"amenity": "bank", "name": "Vietcombank PGD Văn Miếu"}).value
    'transaction_office'
    >>> classify_facility({"office": "government", "name": "Kho bạc Nhà nước"}).value
    'treasury'
    """
    amenity, shop, office = tags.get("amenity", ""), tags.get("shop", ""), tags.get("office", "")
    name = fold_diacritics(" ".join(tags.get(k, "") for k in ("name", "name:vi", "official_name")))
    is_office_like = bool(office) or tags.get("government") or amenity in {"bank", "townhall"}
    if is_office_like and _TREASURY.search(name):
        return FacilityKind.TREASURY
    if amenity == "bank":
        return (
            FacilityKind.TRANSACTION_OFFICE
            if _TRANSACTION_OFFICE.search(name)
            else (FacilityKind.BANK)
        )
    if amenity == "atm":
        return FacilityKind.ATM
    if shop in _GOLD_SHOPS or tags.get("craft") == "goldsmith":
        return FacilityKind.GOLD_SHOP
    if shop == "pawnbroker" or amenity == "pawnbroker":
        return FacilityKind.PAWN_SHOP
    if amenity == "police":
        return FacilityKind.POLICE
    if (
        tags.get("military") == "office"
        or office == "military"
        or (
            (office or tags.get("military") or tags.get("landuse") == "military")
            and _MILITARY.search(name)
        )
    ):
        return FacilityKind.MILITARY
    if amenity == "townhall":
        return FacilityKind.TOWN_HALL
    if office == "government" or tags.get("government") or amenity == "public_building":
        return FacilityKind.TOWN_HALL if _TOWN_HALL.search(name) else FacilityKind.GOVERNMENT_OFFICE
    if amenity == "post_office":
        return FacilityKind.POST_OFFICE
    if amenity in _SCHOOLS:
        return FacilityKind.SCHOOL
    if amenity == "marketplace":
        return FacilityKind.MARKET
    return None


def _way_coords(data: OsmData, refs: Iterable[int]) -> list[tuple[float, float]]:
    return [data.coords[r] for r in refs if r in data.coords]


def _way_geometry(data: OsmData, way: OsmWay, *, area: bool) -> BaseGeometry | None:
    from shapely.geometry import LineString, Point, Polygon

    pts = _way_coords(data, way.refs)
    if not pts:
        return None
    if len(pts) == 1:
        return Point(pts[0])
    closed = way.refs[0] == way.refs[-1] and pts[0] == pts[-1]
    if area and closed and len(pts) >= 4:
        poly = Polygon(pts)
        return poly if poly.is_valid else poly.buffer(0)
    return LineString(pts)


def _relation_geometry(data: OsmData, rel: OsmRelation) -> BaseGeometry | None:
    """Polygons of a multipolygon or boundary relation; the member lines when rings stay open."""
    from shapely import MultiLineString, unary_union
    from shapely.geometry import LineString
    from shapely.ops import linemerge, polygonize

    outer: list[LineString] = []
    inner: list[LineString] = []
    for kind, ref, role in rel.members:
        way = data.way_index.get(ref) if kind == "way" else None
        if way is None:
            continue
        pts = _way_coords(data, way.refs)
        if len(pts) >= 2:
            (inner if role == "inner" else outer).append(LineString(pts))
    if not outer:
        return None
    polys = list(polygonize(outer))
    if not polys:
        merged = linemerge(outer)
        return merged if merged.geom_type == "LineString" else MultiLineString(list(merged.geoms))
    shape = unary_union(polys)
    holes = list(polygonize(inner)) if inner else []
    return shape.difference(unary_union(holes)) if holes else shape


def _address(tags: Mapping[str, str]) -> str:
    if tags.get("addr:full"):
        return tags["addr:full"]
    street = " ".join(
        p for p in (tags.get("addr:housenumber", ""), tags.get("addr:street", "")) if p
    )
    parts = [
        street,
        tags.get("addr:subdistrict", ""),
        tags.get("addr:district", ""),
        tags.get("addr:city", ""),
    ]
    return ", ".join(p for p in parts if p)


def _iter_elements(data: OsmData) -> Iterator[tuple[str, int, Mapping[str, str]]]:
    for node_id, tags in data.node_tags.items():
        yield "node", node_id, tags
    for way in data.ways:
        if way.tags:
            yield "way", way.id, way.tags
    for rel in data.relations:
        if rel.tags:
            yield "relation", rel.id, rel.tags


def _geometry_of(data: OsmData, kind: str, osm_id: int, *, area: bool) -> BaseGeometry | None:
    from shapely.geometry import Point

    if kind == "node":
        return Point(data.coords[osm_id]) if osm_id in data.coords else None
    if kind == "way":
        return _way_geometry(data, data.way_index[osm_id], area=area)
    rel = next(r for r in data.relations if r.id == osm_id)
    return _relation_geometry(data, rel)


def facilities_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract the facilities of the file, as the facilities frame of ``patrolbase.schema``.

    Parameters
    ----------
    data
        A parsed file (``read_osm``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, index ``facility_id`` (``osm-node-123``, ``osm-way-4``), columns
        ``FACILITY_COLUMNS``; ways and relations are placed at a representative point of their
        shape. Empty (with the same columns) when the file has no facility, as a roads-only
        extract.

    """
    import geopandas as gpd
    import pandas as pd

    rows: list[dict[str, Any]] = []
    index: list[str] = []
    for kind_osm, osm_id, tags in _iter_elements(data):
        kind = classify_facility(tags)
        if kind is None:
            continue
        geom = _geometry_of(data, kind_osm, osm_id, area=True)
        if geom is None or geom.is_empty:
            log.info(
                "%s: %s %d has no coordinates in the file; skipped", data.source, kind_osm, osm_id
            )
            continue
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        index.append(f"osm-{kind_osm}-{osm_id}")
        rows.append(
            {
                "name": tags.get("name:vi") or tags.get("name") or tags.get("brand") or "",
                "kind": kind.value,
                "lat": float(point.y),
                "lon": float(point.x),
                "source": "osm",
                "osm_id": f"{kind_osm}/{osm_id}",
                "address": _address(tags),
                "opening_hours": tags.get("opening_hours", ""),
                "operator": tags.get("operator") or tags.get("brand") or "",
                "cash_level": "",
                "guard": pd.NA,
                "camera": pd.NA,
                "alarm": pd.NA,
                "contact": tags.get("phone") or tags.get("contact:phone") or "",
                "notes": "",
                "geometry": point,
            }
        )
    columns = list(FACILITY_COLUMNS)
    frame = pd.DataFrame(
        rows, columns=columns, index=pd.Index(index, name="facility_id", dtype=str)
    )
    for col in ("guard", "camera", "alarm"):
        frame[col] = frame[col].astype("boolean")
    for col in ("lat", "lon"):
        frame[col] = frame[col].astype(float)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)


def _polygons_frame(data: OsmData, keep: Any, extra: dict[str, str]) -> gpd.GeoDataFrame:
    """Polygons of ways and multipolygon relations whose tags pass ``keep``."""
    import geopandas as gpd
    import pandas as pd

    records: list[dict[str, Any]] = []
    for kind_osm, osm_id, tags in _iter_elements(data):
        if kind_osm == "node" or not keep(tags):
            continue
        if kind_osm == "relation" and tags.get("type") not in {"multipolygon", "boundary"}:
            continue
        geom = _geometry_of(data, kind_osm, osm_id, area=True)
        if geom is None or geom.is_empty or geom.geom_type not in {"Polygon", "MultiPolygon"}:
            continue
        record: dict[str, Any] = {"osm_id": f"{kind_osm}/{osm_id}", "name": tags.get("name", "")}
        record.update({col: tags.get(key, "") for col, key in extra.items()})
        record["geometry"] = geom
        records.append(record)
    columns = ["osm_id", "name", *extra, "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(records, columns=columns), geometry="geometry", crs=WGS84)


def residential_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract residential land use polygons (``landuse=residential``), EPSG:4326."""
    return _polygons_frame(data, lambda t: t.get("landuse") == "residential", {})


def buildings_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract building footprints (``building=*``, not ``building=no``), EPSG:4326.

    Column ``building`` keeps the OSM value (``yes``, ``house``, ``apartments``...).
    """
    return _polygons_frame(
        data,
        lambda t: t.get("building", "no") != "no",
        {"building": "building", "levels": "building:levels"},
    )


def boundary_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract administrative boundaries (``boundary=administrative`` relations).

    Columns ``osm_id``, ``name``, ``admin_level`` (str), ``complete`` (the rings close inside
    the file; an open boundary cut by the export's edge keeps its lines), ``geometry``.
    """
    import geopandas as gpd
    import pandas as pd

    records: list[dict[str, Any]] = []
    for rel in data.relations:
        if rel.tags.get("boundary") != "administrative":
            continue
        geom = _relation_geometry(data, rel)
        if geom is None or geom.is_empty:
            continue
        records.append(
            {
                "osm_id": f"relation/{rel.id}",
                "name": rel.tags.get("name", ""),
                "admin_level": rel.tags.get("admin_level", ""),
                "complete": geom.geom_type in {"Polygon", "MultiPolygon"},
                "geometry": geom,
            }
        )
    columns = ["osm_id", "name", "admin_level", "complete", "geometry"]
    frame = pd.DataFrame(records, columns=columns)
    frame["complete"] = frame["complete"].astype(bool)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)


_WATER_LANDUSE = frozenset({"reservoir", "basin"})


def water_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract water polygons, EPSG:4326, for the maps' background.

    Lakes and ponds (``natural=water``), river areas (``waterway=riverbank``) and reservoirs
    (``landuse=reservoir`` or ``basin``); column ``water`` keeps the OSM ``water=*`` value.
    """
    return _polygons_frame(
        data,
        lambda t: (
            t.get("natural") == "water"
            or t.get("waterway") == "riverbank"
            or t.get("landuse") in _WATER_LANDUSE
        ),
        {"water": "water"},
    )


def streets_from_osm(data: OsmData) -> gpd.GeoDataFrame:
    """Extract every street way as a line, EPSG:4326, whatever the travel mode.

    The street graph keeps only what the patrol's mode may use; the maps' background shows the
    whole street net a person reads (footways, pedestrian streets and steps too). Areas
    (``area=yes`` plazas) and ways under construction are left out.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``osm_id`` (``way/12``), ``name`` (``name:vi`` or ``name``), ``highway``,
        ``geometry`` (LineString).

    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString

    records: list[dict[str, Any]] = []
    for way in data.ways:
        highway = way.tags.get("highway", "")
        if not highway or highway in {"construction", "proposed", "platform", "bus_stop"}:
            continue
        if way.tags.get("area") == "yes":
            continue
        pts = _way_coords(data, way.refs)
        if len(pts) < 2:
            continue
        records.append(
            {
                "osm_id": f"way/{way.id}",
                "name": way.tags.get("name:vi") or way.tags.get("name") or "",
                "highway": highway,
                "geometry": LineString(pts),
            }
        )
    columns = ["osm_id", "name", "highway", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(records, columns=columns), geometry="geometry", crs=WGS84)
