"""Residential groups (tổ dân phố, khu dân cư) and the streets a loudspeaker run drives along.

Groups come from the area's OSM data, the first of: administrative boundaries of
``admin_level=10`` (the residential groups themselves) where the file has complete ones; its
``landuse=residential`` polygons, when they hold at least ``[campaign] min_landuse_share`` of the
area's street length; else the blocks the ward's through streets enclose (``block_classes``,
blocks of at least ``min_block_ha``), as wards often bound their groups by streets. A group
keeps its ``name`` tag; an unnamed one is called "Khu dân cư số N", numbered from north to
south, then west to east, with the two streets that bound most of a block, so that people find
it on the map. Its population is told by proxy: the buildings inside it.

A *residential street* is a street of the mode's graph (``geodata.network``) of a class in
``[campaign] street_classes`` whose length lies mostly (more than half) inside one group's
polygon widened by ``[campaign] street_buffer_m``: streets inside a block and those drawn along
its edge. A two-way street is one street with two orientations (either serves it), a one-way
street one orientation (the mode's own one-way rules). A group read from the ward's table of
street names (its ``streets`` column) has exactly the streets it names. See ``docs/streets.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from patrolbase.errors import AreaError
from patrolbase.settings import Settings
from patrolbase.wording import say

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area

__all__ = ["STREET_COLUMNS", "residential_groups", "residential_streets", "street_label"]

STREET_COLUMNS = [
    "name",
    "highway",
    "length_m",
    "oneway",
    "group_id",
    "group",
    "orientations",
    "geometry",
]
"""Columns of ``residential_streets``; ``orientations`` lists the graph edges ``(u, v, key)``
that drive the street (one for a one-way street, two for a two-way one)."""


def residential_groups(
    area: Area, *, settings: Settings | None = None, given: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Return the area's residential groups, EPSG:4326, indexed by ``group_id`` (``kdc-1``...).

    ``given`` (the ward's own file, ``geodata.io.groups.read_group_file``) comes before the map;
    a table of street names also gives the column ``streets`` (the map's names of each group's
    streets, see ``residential_streets``). Columns ``name`` (as people say it), ``source``
    (``file``, ``osm:admin_level=10``, ``osm:landuse=residential`` or ``blocks``), ``osm_id``
    (empty for blocks),
    ``buildings`` (buildings whose centre lies inside), ``area_ha``, ``geometry``.

    Raises
    ------
    AreaError
        When the area has neither residential group boundaries nor residential land use.

    Examples
    --------
    >>> from geodata.area import load_area
    >>> groups = residential_groups(load_area())
    >>> len(groups), groups["source"].iloc[0]
    (18, 'blocks')

    """
    import geopandas as gpd

    settings = settings or Settings()
    boundary = area.boundary
    level10 = boundary[(boundary["admin_level"] == "10") & boundary["complete"]]
    landuse = area.residential[["osm_id", "name", "geometry"]]
    listed = None
    if given is not None:
        frame, source = given.assign(osm_id="")[["osm_id", "name", "geometry"]], "file"
        if "streets" in given.columns:
            listed = [tuple(s) if isinstance(s, list | tuple) else () for s in given["streets"]]
    elif len(level10):
        frame, source = level10[["osm_id", "name", "geometry"]], "osm:admin_level=10"
    elif len(landuse) and _street_share(area, landuse, settings) >= (
        settings.campaign.min_landuse_share
    ):
        frame, source = landuse, "osm:landuse=residential"
    else:
        frame, source = _blocks(area, settings), "blocks"
    if frame.empty:
        msg = (
            f"{area.name}: the map has no residential groups (no admin_level=10 boundary, no "
            "landuse=residential area); draw them in OpenStreetMap or load a file of groups"
        )
        error = AreaError(msg)
        error.message_vi = (
            f"{area.name}: bản đồ chưa có tổ dân phố hay khu dân cư nào (không có ranh giới "
            "cấp 10, không có vùng đất ở); hãy bổ sung trên OpenStreetMap"
        )
        raise error
    metric = frame.to_crs(area.crs)
    centre = metric.geometry.representative_point()
    order = sorted(
        range(len(frame)), key=lambda i: (-round(centre.iloc[i].y, -2), centre.iloc[i].x)
    )
    frame = frame.iloc[order].reset_index(drop=True)
    metric = metric.iloc[order].reset_index(drop=True)
    names = [
        str(name).strip() or say("campaign.group_unnamed", "vi", n=i + 1)
        for i, name in enumerate(frame["name"])
    ]
    if source == "blocks":
        names = [
            f"{name} ({' – '.join(sides)})" if sides else name
            for name, sides in zip(names, _bounding_streets(area, metric, settings), strict=True)
        ]
    inside = _buildings_inside(area, metric)
    groups = gpd.GeoDataFrame(
        {
            "group_id": [f"kdc-{i + 1}" for i in range(len(frame))],
            "name": names,
            "source": source,
            "osm_id": frame["osm_id"].to_numpy(),
            "buildings": inside,
            "area_ha": (metric.geometry.area / 10_000).round(2).to_numpy(),
        },
        geometry=frame.geometry.to_numpy(),
        crs=4326,
    )
    if listed is not None:
        groups["streets"] = [listed[i] for i in order]
    return groups.set_index("group_id")


def _street_lines(area: Area, classes: set[str] | None = None) -> list[Any]:
    return [
        edge["geometry"]
        for _, _, edge in area.graph.edges(data=True)
        if classes is None or edge["highway"] in classes
    ]


def _street_share(area: Area, polygons: gpd.GeoDataFrame, settings: Settings) -> float:
    """Share of the area's street length inside the (widened) polygons."""
    import shapely

    lines = shapely.union_all(_street_lines(area))
    zone = shapely.union_all(
        polygons.to_crs(area.crs).geometry.buffer(settings.campaign.street_buffer_m).to_numpy()
    )
    total = shapely.length(lines)
    return float(shapely.length(shapely.intersection(lines, zone)) / total) if total else 0.0


def _blocks(area: Area, settings: Settings) -> gpd.GeoDataFrame:
    """Blocks enclosed by the through streets and the edge of the export, EPSG:4326."""
    import geopandas as gpd
    import pyproj
    import shapely
    from shapely.geometry import box

    to_xy = pyproj.Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    frame = shapely.transform(box(*area.bbox).exterior, to_xy.transform, interleaved=False)
    lines = _street_lines(area, set(settings.campaign.block_classes))
    faces = shapely.get_parts(shapely.polygonize([shapely.union_all([*lines, frame])]))
    keep = [f for f in faces if f.area >= settings.campaign.min_block_ha * 10_000]
    metric = gpd.GeoDataFrame(
        {"osm_id": [""] * len(keep), "name": [""] * len(keep)}, geometry=keep, crs=area.crs
    )
    return metric.to_crs(4326)


def _bounding_streets(area: Area, metric: gpd.GeoDataFrame, settings: Settings) -> list[list[str]]:
    """Return the two named streets running longest along each block's edge."""
    import shapely

    named = [
        (edge["name"], edge["geometry"])
        for _, _, edge in area.graph.edges(data=True)
        if edge["name"] and edge["highway"] in set(settings.campaign.block_classes)
    ]
    tree = shapely.STRtree([line for _, line in named])
    sides = []
    for polygon in metric.geometry:
        rim = polygon.exterior.buffer(5.0)
        along: dict[str, float] = {}
        for i in tree.query(rim, predicate="intersects").tolist():
            name, line = named[i]
            along[name] = along.get(name, 0.0) + shapely.length(shapely.intersection(line, rim))
        longest = sorted(along, key=lambda n: -along[n])
        sides.append(sorted(longest[:2]))
    return sides


def _buildings_inside(area: Area, metric: gpd.GeoDataFrame) -> list[int]:
    import geopandas as gpd

    if area.buildings.empty:
        return [0] * len(metric)
    points = gpd.GeoDataFrame(
        geometry=area.buildings.to_crs(area.crs).geometry.representative_point(), crs=area.crs
    )
    hits = gpd.sjoin(points, metric[["geometry"]], predicate="within")
    counts = hits.groupby("index_right").size()
    return [int(counts.get(i, 0)) for i in range(len(metric))]


def _named_streets(groups: gpd.GeoDataFrame) -> dict[str, int]:
    """Map name -> group position of the streets a table of groups names (empty otherwise)."""
    if "streets" not in groups.columns:
        return {}
    return {
        str(street): g
        for g, streets in enumerate(groups["streets"])
        if isinstance(streets, list | tuple)
        for street in streets
    }


def street_label(name: str, group: str) -> str:
    """Return a street as people say it: its name, or an unnamed alley of its group.

    >>> street_label("", "Khu dân cư số 3")
    'Ngõ chưa có tên, Khu dân cư số 3'
    """
    return name or say("campaign.street_unnamed", "vi", group=group)


def residential_streets(
    area: Area, groups: gpd.GeoDataFrame, *, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Return the residential streets of ``area``'s graph, one row per street, EPSG:4326.

    Parameters
    ----------
    area
        Its ``graph`` decides which streets the mode may drive and in which direction.
    groups
        ``residential_groups(area)``.
    settings
        ``[campaign] street_buffer_m`` and ``street_classes``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``STREET_COLUMNS``, index ``street_id`` (0, 1, ...); ``length_m`` in metres;
        ``group`` is the group's name.

    Raises
    ------
    AreaError
        When no street of the mode lies in any group.

    """
    import geopandas as gpd
    import shapely

    settings = settings or Settings()
    campaign = settings.campaign
    graph = area.graph
    zones = groups.to_crs(area.crs).geometry.buffer(campaign.street_buffer_m)
    classes = set(campaign.street_classes)
    streets: dict[tuple[Any, ...], list[tuple[int, int, int]]] = {}
    data: dict[tuple[Any, ...], dict[str, Any]] = {}
    for u, v, key, edge in graph.edges(keys=True, data=True):
        if edge["highway"] not in classes:
            continue
        # The two directions of a two-way street share their ends, length and ways.
        ident = (min(u, v), max(u, v), round(edge["length_m"], 1), str(edge["osmid"]))
        streets.setdefault(ident, []).append((u, v, key))
        data.setdefault(ident, edge)
    idents = list(streets)
    lines = [data[i]["geometry"] for i in idents]
    lengths = shapely.length(lines)
    tree = shapely.STRtree(lines)
    share: dict[int, tuple[float, int]] = {}
    named = _named_streets(groups)
    by_name = set(named.values())
    if named:
        # The ward named each group's streets: a group has exactly those.
        for s, ident in enumerate(idents):
            if data[ident]["name"] in named:
                share[s] = (1.0, named[data[ident]["name"]])
    for g, zone in enumerate(zones):
        if g in by_name:
            continue
        for s in tree.query(zone, predicate="intersects").tolist():
            inside = shapely.length(shapely.intersection(lines[s], zone)) / max(lengths[s], 1e-9)
            if s in share and share[s][1] in by_name:
                continue
            if inside > 0.5 and inside > share.get(s, (0.0, -1))[0]:
                share[s] = (float(inside), g)
    rows = []
    for s, (_, g) in sorted(share.items()):
        edge = data[idents[s]]
        group_name = str(groups["name"].iloc[g])
        rows.append(
            {
                "name": street_label(edge["name"], group_name),
                "highway": edge["highway"],
                "length_m": float(edge["length_m"]),
                "oneway": len(streets[idents[s]]) == 1,
                "group_id": groups.index[g],
                "group": group_name,
                "orientations": streets[idents[s]],
                "geometry": lines[s],
            }
        )
    if not rows:
        msg = f"{area.name}: no {area.mode} street lies in a residential group"
        error = AreaError(msg)
        error.message_vi = (
            f"{area.name}: không có đường nào trong các khu dân cư mà phương tiện đi được"
        )
        raise error
    frame = gpd.GeoDataFrame(rows, columns=STREET_COLUMNS, geometry="geometry", crs=area.crs)
    frame.index.name = "street_id"
    return frame.to_crs(4326)
