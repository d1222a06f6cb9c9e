"""Targets (mục tiêu): the places a patrol stops at, made of one or more facilities.

A bank branch and the ATMs at its door are one stop for a patrol, not three: the team parks once
and checks them together. ``group_targets`` joins each ATM to the nearest other site within
``risk.target_radius_m`` (or in the same building), and ATMs with no site near them to each
other; every other site is a target of its own. A target is named after its main facility with
its parts ("BIDV: chi nhánh + 2 ATM"), and ``facility_label`` names a facility as people say it,
never by a database id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.spatial import cKDTree

from patrolbase.schema import FacilityKind

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["facility_label", "group_targets", "members_of", "target_name"]

# How a part of a group is called after the main facility's name.
_PART_VI = {
    "bank": "chi nhánh",
    "transaction_office": "phòng giao dịch",
    "treasury": "kho bạc",
    "gold_shop": "tiệm vàng",
    "pawn_shop": "tiệm cầm đồ",
    "government_office": "trụ sở",
    "town_hall": "trụ sở UBND",
    "post_office": "bưu điện",
    "market": "chợ",
    "school": "trường",
}


def facility_label(row: Any) -> str:
    """Return how people name a facility: its name, else its operator, else its address.

    A row with none of them reads "<kind> chưa có tên", never a database id.
    """
    kind = FacilityKind(str(row["kind"])).label_vi
    name = _text(row, "name")
    if name:
        return name
    for field in ("operator", "address"):
        value = _text(row, field)
        if value:
            return f"{kind} {value}"
    return f"{kind} chưa có tên"


def _text(row: Any, field: str) -> str:
    value = row.get(field, "") if hasattr(row, "get") else ""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def target_name(facilities: gpd.GeoDataFrame, members: Sequence[str]) -> str:
    """Name a target: its main facility (the first member) and, for a group, its parts.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"name": ["BIDV", "", ""], "kind": ["bank", "atm", "atm"],
    ...                   "operator": ["BIDV", "BIDV", "BIDV"]}, index=["b", "a1", "a2"])
    >>> target_name(f, ["b", "a1", "a2"])
    'BIDV: chi nhánh + 2 ATM'
    """
    main = facilities.loc[members[0]]
    label = facility_label(main)
    if len(members) == 1:
        return label
    kinds = [str(facilities.loc[m, "kind"]) for m in members]
    atms = kinds.count("atm")
    parts = [_PART_VI.get(k, k) for k in kinds if k != "atm"]
    if not parts:
        operators = sorted({_text(facilities.loc[m], "operator") for m in members} - {""})
        who = f" ({', '.join(operators)})" if operators else ""
        return f"Cụm {atms} cây ATM{who}"
    return f"{label}: " + " + ".join([*parts, f"{atms} ATM"] if atms else parts)


def group_targets(
    facilities: gpd.GeoDataFrame,
    site_ids: Sequence[str],
    *,
    crs: Any,
    radius_m: float,
    buildings: gpd.GeoDataFrame | None = None,
) -> dict[str, tuple[str, ...]]:
    """Group the sites ``site_ids`` of ``facilities`` into targets.

    Parameters
    ----------
    facilities
        Facilities in EPSG:4326 with ``kind``; ``site_ids`` must be in its index.
    site_ids
        The candidate sites of the night (depots left out).
    crs
        Projected CRS in metres to measure distances in.
    radius_m
        An ATM this close to another site (or to another ATM, where no site is near) joins it.
    buildings
        Building footprints (EPSG:4326); an ATM inside the same building as a site joins it at
        any distance.

    Returns
    -------
    dict
        Target id (the id of its main facility) -> its facility ids, the main one first, the
        rest by distance; in the order of ``site_ids``.

    """
    ids = list(site_ids)
    if not ids:
        return {}
    frame = facilities.loc[ids]
    points = frame.geometry.to_crs(crs)
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    is_atm = (frame["kind"].astype(str) == FacilityKind.ATM.value).to_numpy()
    anchors: list[int] = np.flatnonzero(~is_atm).tolist()
    atms: list[int] = np.flatnonzero(is_atm).tolist()
    building_of = _building_of(frame, buildings)
    owner: dict[int, int] = {}
    if len(anchors):
        tree = cKDTree(xy[anchors])
        for i in atms:
            same = [a for a in anchors if building_of[i] >= 0 and building_of[a] == building_of[i]]
            if same:
                owner[i] = min(same, key=lambda a: float(np.hypot(*(xy[a] - xy[i]))))
                continue
            dist, j = tree.query(xy[i], distance_upper_bound=radius_m)
            if np.isfinite(dist):
                owner[i] = anchors[int(j)]
    # ATMs with no site near them: the first left (in the given order) takes its free neighbours.
    free = [i for i in atms if i not in owner]
    free_set = set(free)
    for i in free:
        if i not in free_set:
            continue
        free_set.discard(i)
        for j in free:
            if j in free_set and float(np.hypot(*(xy[j] - xy[i]))) <= radius_m:
                owner[j] = i
                free_set.discard(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(ids)):
        if i not in owner:
            groups[i] = [i]
    for i, main in owner.items():
        groups[main].append(i)
    return {
        ids[main]: tuple(
            ids[k]
            for k in [main, *sorted(rest, key=lambda k: float(np.hypot(*(xy[k] - xy[main]))))]
        )
        for main, (_, *rest) in sorted(groups.items())
    }


def _building_of(frame: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None) -> np.ndarray:
    """Index of the building each facility stands in (-1: none known)."""
    out = np.full(len(frame), -1, dtype=np.int64)
    if buildings is None or not len(buildings):
        return out
    polygons = buildings[buildings.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if not len(polygons):
        return out
    points, rows = polygons.sindex.query(frame.geometry.to_crs(polygons.crs), predicate="within")
    out[points] = rows
    return out


def members_of(targets: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Facility id -> the id of the target it belongs to."""
    return {m: t for t, members in targets.items() for m in members}
