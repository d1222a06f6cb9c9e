"""Residential groups from a table of street names per group (CSV or XLSX), checked whole.

A ward often knows its tổ dân phố by their streets rather than by a drawn boundary. The table
has a column for the group (``Tổ/khu dân cư``, ``Tổ dân phố``, ``Thôn``, ``Khu phố``...) and one
for the street (``Tên đường``, ``Tuyến đường``, ``Đường/phố``...), one street per row; a cell may
also list several streets separated by ``;`` or line breaks. A blank group cell continues the
group above (cells merged in Excel read that way). ``STT`` and other columns are ignored.

A street is matched to the area's map (``area.graph`` edge ``name``) as written, then without
accents, case or the ``Phố``/``Đường`` prefix, then as one part of a double name
(``Ngõ Hàng Cháo / Phố Hàng Cháo``). Each group becomes the band of ``BAND_M`` metres around its
streets and the shortest ways joining them where they do not touch (in the area's projected
CRS, then back to EPSG:4326), and keeps its streets' names in ``streets``:
``geodata.streets.residential_streets`` gives a group exactly the streets it names.

Refused, every problem named by file, row and column, nothing kept: a street the map does not
have (with the closest names it has), a street named by two groups (both rows), a group with no
street, a street without a group, a table without the two columns.
"""

from __future__ import annotations

import difflib
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodata.facilities import fold_text
from patrolbase.errors import InputFileError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area

__all__ = ["BAND_M", "GROUP_HEADERS", "STREET_HEADERS", "read_group_streets"]

BAND_M = 20.0
"""Half-width in metres of the band drawn around a group's streets."""

GROUP_HEADERS = ("Tổ/khu dân cư", "Tổ dân phố", "Khu dân cư", "Tổ", "Thôn", "Khu phố",
                 "Tổ/thôn", "Tên tổ", "Nhóm", "Group")  # fmt: skip
"""Headers of the group column (the first is the template's)."""

STREET_HEADERS = ("Tên đường", "Đường", "Tuyến đường", "Đường/phố", "Đường, phố", "Tuyến phố",
                  "Phố", "Ngõ", "Tên đường, phố", "Street")  # fmt: skip
"""Headers of the street column (the first is the template's)."""

_PREFIXES = ("pho ", "duong ")


def _keys(name: str) -> set[str]:
    """Folded forms under which a map name can be written."""
    keys = set()
    for part in [name, *name.split(" / ")]:
        folded = fold_text(part)
        if folded:
            keys.add(folded)
            keys.update(folded[len(p) :] for p in _PREFIXES if folded.startswith(p))
    return keys


def read_group_streets(
    path: str | Path, *, area: Area, name: str | None = None
) -> gpd.GeoDataFrame:
    """Read a table of street names per group; return each group as the band around its streets.

    Parameters
    ----------
    path
        ``.csv`` or ``.xlsx`` (``geodata.io.read_table``).
    area
        Its street graph gives the names and the geometry of the streets.
    name
        The file name used in messages; default the path's name.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, in the table's order: ``name``, ``streets`` (tuple of the map's names),
        ``geometry`` (a Polygon or MultiPolygon).

    Raises
    ------
    InputFileError
        Listing every problem by row and column, in English and Vietnamese.

    """
    import geopandas as gpd
    import shapely

    from geodata.io import read_table

    file = Path(path)
    shown = name or file.name
    try:
        table = read_table(file)
    except InputFileError as exc:
        raise InputFileError(shown, [_renamed(p, shown) for p in exc.problems]) from None
    group_col = _column(table.columns, GROUP_HEADERS)
    street_col = _column(table.columns, STREET_HEADERS)
    if group_col is None or street_col is None:
        missing = [h[0] for h, c in ((GROUP_HEADERS, group_col), (STREET_HEADERS, street_col))
                   if c is None]  # fmt: skip
        raise InputFileError(
            shown,
            [
                Problem(
                    shown, 1, None, ", ".join(map(str, table.columns)),
                    f"missing column(s) {', '.join(missing)}: the header row must name the "
                    f"group ({GROUP_HEADERS[0]}) and the street ({STREET_HEADERS[0]})",
                    f"Thiếu cột {', '.join(missing)}: dòng tiêu đề phải có cột tổ dân phố "
                    f"({GROUP_HEADERS[0]}) và cột tên đường ({STREET_HEADERS[0]}).",
                )
            ],
        )  # fmt: skip
    lines: dict[str, list[Any]] = {}
    index: dict[str, set[str]] = {}
    for _, _, edge in area.graph.edges(data=True):
        street = str(edge.get("name") or "")
        if street:
            lines.setdefault(street, []).append(edge["geometry"])
            for key in _keys(street):
                index.setdefault(key, set()).add(street)
    known = sorted(lines)
    problems: list[Problem] = []
    order: list[str] = []
    rows_of: dict[str, list[int]] = {}
    streets_of: dict[str, list[str]] = {}
    owner: dict[str, tuple[str, int]] = {}
    group = ""
    for r in table.index:
        row = int(r)
        group = str(table.at[r, group_col]).strip() or group
        cell = str(table.at[r, street_col]).strip()
        if not group:
            problems.append(Problem(
                shown, row, group_col, cell,
                f"the street {cell!r} has no group: write its tổ dân phố in {group_col!r}",
                f"Đường '{cell}' chưa ghi thuộc tổ nào: ghi tên tổ dân phố vào cột {group_col}.",
            ))  # fmt: skip
            continue
        if group not in rows_of:
            order.append(group)
        rows_of.setdefault(group, []).append(row)
        streets_of.setdefault(group, [])
        for written in (s.strip() for s in re.split(r"[;\n]+", cell)):
            if not written:
                continue
            found = {written} if written in lines else index.get(fold_text(written), set())
            if not found:
                found = set().union(*(index.get(k, set()) for k in _keys(written) - {""}))
            if not found:
                close = difflib.get_close_matches(written, known, n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                hint_vi = f"; có phải {', '.join(close)}?" if close else ""
                problems.append(Problem(
                    shown, row, street_col, written,
                    f"the area's map has no street named {written!r}{hint}",
                    f"Bản đồ địa bàn không có đường nào tên '{written}'{hint_vi}",
                ))  # fmt: skip
                continue
            for street in sorted(found):
                first = owner.get(street)
                if first is None:
                    owner[street] = (group, row)
                    streets_of[group].append(street)
                elif first[0] != group:
                    problems.append(Problem(
                        shown, row, street_col, written,
                        f"{street!r} is named by two groups, {first[0]!r} (row {first[1]}) and "
                        f"{group!r} (row {row}); a street belongs to one group: keep one row",
                        f"Đường '{street}' ghi cho hai tổ: '{first[0]}' (dòng {first[1]}) và "
                        f"'{group}' (dòng {row}); mỗi đường chỉ thuộc một tổ: giữ lại một dòng.",
                    ))  # fmt: skip
    for group_name in order:
        if not streets_of[group_name] and not any(
            p.row in rows_of[group_name] and p.column == street_col for p in problems
        ):
            row = rows_of[group_name][0]
            problems.append(Problem(
                shown, row, street_col, group_name,
                f"the group {group_name!r} names no street: write its streets in {street_col!r}",
                f"Tổ '{group_name}' chưa ghi đường nào: ghi các đường của tổ vào cột {street_col}.",
            ))  # fmt: skip
    if not order and not problems:
        problems.append(Problem(
            shown, None, None, None, "the table has no rows: one row per street of a group",
            "Bảng chưa có dòng nào: mỗi dòng một đường của một tổ dân phố.",
        ))  # fmt: skip
    if problems:
        raise InputFileError(shown, problems)
    metric = [
        shapely.buffer(
            shapely.union_all(
                [g for s in streets_of[group_name] for g in lines[s]]
                + _joins(area.graph, set(streets_of[group_name]))
            ),
            BAND_M,
        )
        for group_name in order
    ]
    frame = gpd.GeoDataFrame(
        {"name": order, "streets": [tuple(streets_of[g]) for g in order]},
        geometry=metric,
        crs=area.crs,
    )
    return frame.to_crs(4326)


def _joins(graph: Any, streets: set[str]) -> list[Any]:
    """Return the lines of the shortest ways joining the separate pieces of a group's streets.

    A group's streets need not touch (a main street and an alley off another one); the band
    around them then holds the ways between them too, so that a walk inside the group reaches
    every street it names.
    """
    import networkx as nx

    whole = graph.to_undirected(as_view=True)
    edges = [(u, v) for u, v, name in graph.edges(data="name") if name in streets]
    pieces = [set(c) for c in nx.connected_components(nx.Graph(edges))]
    if len(pieces) < 2:
        return []
    joined, rest, lines = pieces[0], pieces[1:], []
    while rest:
        length, paths = nx.multi_source_dijkstra(whole, joined, weight="length_m")
        reach = [min((length.get(n, float("inf")), n) for n in piece) for piece in rest]
        best = min(range(len(rest)), key=lambda i: reach[i][0])
        if reach[best][0] == float("inf"):
            break  # a piece the mode cannot reach from the others: its own band
        path = paths[reach[best][1]]
        for a, b in itertools.pairwise(path):
            data = whole.get_edge_data(a, b)
            lines.append(min(data.values(), key=lambda d: d["length_m"])["geometry"])
        joined |= rest.pop(best) | set(path)
    return lines


def _column(columns: Any, headers: tuple[str, ...]) -> str | None:
    wanted = [fold_text(h) for h in headers]
    found = {fold_text(str(c)): str(c) for c in columns}
    return next((found[w] for w in wanted if w in found), None)


def _renamed(problem: Problem, name: str) -> Problem:
    return Problem(name, problem.row, problem.column, problem.value, problem.message,
                   problem.message_vi)  # fmt: skip
