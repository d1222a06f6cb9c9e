"""Typed models of the routing contract: ``patrol-problem/1`` in, ``patrol-plan/1`` out.

See ``docs/contract.md`` (a copy of the shared contract). The models know nothing of maps. A
problem is validated as a whole on reading: every malformed field is named in one
``ProblemFormatError``. Fields beside the contract's (names, coordinates, street paths) are kept
in ``extra`` and written back unchanged, so a plan can carry what exports need.

One file past 500 lines: the problem and the plan are read, validated and written by the same
field checks, and the contract changes them together.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from patrolbase.errors import PatrolError, PlanFileError, ProblemFormatError

__all__ = [
    "PLAN_FORMAT",
    "PROBLEM_FORMAT",
    "Node",
    "PatrolPlan",
    "PatrolProblem",
    "Route",
    "Site",
    "Stop",
    "Team",
    "Unserved",
    "Visit",
]

PROBLEM_FORMAT = "patrol-problem/1"
PLAN_FORMAT = "patrol-plan/1"


@dataclass(frozen=True)
class Node:
    """A place a route can stand at."""

    id: str
    lat: float | None = None
    lon: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Team:
    """A joint team: one vehicle of the problem, a closed loop when ``start == end``."""

    id: str
    start: int
    end: int
    shift: tuple[int, int]
    members: Mapping[str, int] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One optional visit: service must start within ``[earliest, latest]``."""

    earliest: int
    latest: int
    value: float


@dataclass(frozen=True)
class Site:
    """A site with one or more optional visits."""

    id: str
    node: int
    service_s: int
    visits: tuple[Visit, ...]
    min_gap_s: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def one_of(self) -> tuple[tuple[int, ...], ...]:
        """Groups of visit indices of which at most one may be served (extra ``one_of``).

        The extension that lets a first visit be offered twice, inside the high-risk window or
        anywhere in the night, without both counting (``docs/contract.md``).
        """
        return tuple(tuple(int(k) for k in group) for group in self.extra.get("one_of", ()))


@dataclass(frozen=True)
class PatrolProblem:
    """A whole problem; ``travel_s`` is a read-only square integer matrix."""

    name: str
    nodes: tuple[Node, ...]
    travel_s: np.ndarray
    teams: tuple[Team, ...]
    sites: tuple[Site, ...]
    time_limit_s: float = 10.0
    seed: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "problem") -> PatrolProblem:
        """Validate a decoded JSON document; raise ``ProblemFormatError`` naming each bad field."""
        return _read_problem(data, source)

    @classmethod
    def from_file(cls, path: str | Path) -> PatrolProblem:
        """Read and validate a problem file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            msg = f"{path}: file not found"
            raise ProblemFormatError(msg) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"{path}: not a UTF-8 JSON document ({exc})"
            raise ProblemFormatError(msg) from None
        except RecursionError:
            raise _too_deep(ProblemFormatError, path) from None
        return _read_problem(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as a ``patrol-problem/1`` document."""
        return {
            "format": PROBLEM_FORMAT,
            "name": self.name,
            **dict(self.extra),
            "nodes": [
                {
                    "id": n.id,
                    **({"lat": n.lat, "lon": n.lon} if n.lat is not None else {}),
                    **dict(n.extra),
                }
                for n in self.nodes
            ],
            "travel_s": self.travel_s.tolist(),
            "teams": [
                {
                    "id": t.id,
                    "start": t.start,
                    "end": t.end,
                    "shift": list(t.shift),
                    "members": dict(t.members),
                    **dict(t.extra),
                }
                for t in self.teams
            ],
            "sites": [
                {
                    "id": s.id,
                    "node": s.node,
                    "service_s": s.service_s,
                    "min_gap_s": s.min_gap_s,
                    "visits": [
                        {"earliest": v.earliest, "latest": v.latest, "value": v.value}
                        for v in s.visits
                    ],
                    **dict(s.extra),
                }
                for s in self.sites
            ],
            "time_limit_s": self.time_limit_s,
            "seed": self.seed,
        }

    @property
    def total_value(self) -> float:
        """Value of all visits, served or not."""
        return float(sum(v.value for s in self.sites for v in s.visits))


@dataclass(frozen=True)
class Stop:
    """A served visit in a route."""

    site: str
    visit: int
    node: int
    arrive: int
    start: int
    depart: int
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """One team's loop: leaves its depot at ``depart``, back at ``return_``."""

    team: str
    depart: int
    return_: int
    travel_s: int
    stops: tuple[Stop, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unserved:
    """A visit no team serves, with a machine-readable reason where one is known."""

    site: str
    visit: int
    reason: str | None = None


@dataclass(frozen=True)
class PatrolPlan:
    """A solution: routes, totals and every unserved visit."""

    problem: str
    value: float
    travel_s: int
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as a ``patrol-plan/1`` document, extras beside the contract's fields."""
        return {
            "format": PLAN_FORMAT,
            "problem": self.problem,
            "value": _plain_number(self.value),
            "travel_s": self.travel_s,
            "routes": [
                {
                    "team": r.team,
                    "depart": r.depart,
                    "return": r.return_,
                    "travel_s": r.travel_s,
                    "stops": [
                        {
                            "site": s.site,
                            "visit": s.visit,
                            "node": s.node,
                            "arrive": s.arrive,
                            "start": s.start,
                            "depart": s.depart,
                            **dict(s.extra),
                        }
                        for s in r.stops
                    ],
                    **dict(r.extra),
                }
                for r in self.routes
            ],
            "unserved": [
                {"site": u.site, "visit": u.visit, **({"reason": u.reason} if u.reason else {})}
                for u in self.unserved
            ],
            **dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "plan") -> PatrolPlan:
        """Read a ``patrol-plan/1`` document; raise ``PlanFileError`` naming the bad field."""
        return _read_plan(data, source)

    @classmethod
    def from_file(cls, path: str | Path) -> PatrolPlan:
        """Read a plan file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            msg = f"{path}: file not found"
            raise PlanFileError(msg) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"{path}: not a UTF-8 JSON document ({exc})"
            raise PlanFileError(msg) from None
        except RecursionError:
            raise _too_deep(PlanFileError, path) from None
        return _read_plan(data, str(path))


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


# --- reading and validation -------------------------------------------------------------------


class _Checker:
    """Collects every problem of a document, raised once at the end."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def whole(self, value: Any, where: str, *, minimum: int = 0) -> int:
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and float(value).is_integer()
        )
        if not ok:
            self.add(where, f"must be a whole number of seconds, got {value!r}")
            return minimum
        if value < minimum:
            self.add(where, f"must be at least {minimum}, got {value!r}")
            return minimum
        return int(value)

    def number(self, value: Any, where: str) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < 0:
            self.add(where, f"must be a non-negative number, got {value!r}")
            return 0.0
        return float(value)

    def index(self, value: Any, where: str, size: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
            self.add(where, f"must be a node index from 0 to {size - 1}, got {value!r}")
            return 0
        return value

    def raise_if_any(self, error: type[Exception]) -> None:
        if self.problems:
            shown = self.problems[:30]
            more = len(self.problems) - len(shown)
            text = f"{self.source}: {len(self.problems)} problem(s): " + "; ".join(shown)
            if more:
                text += f"; and {more} more"
            raise error(text)


_PROBLEM_KEYS = {"format", "name", "nodes", "travel_s", "teams", "sites", "time_limit_s", "seed"}


def _whole_matrix(raw: list[Any], n: int) -> np.ndarray | None:
    """Return ``raw`` as an int64 matrix when every entry is a whole number >= 0, else ``None``.

    One numpy conversion instead of a check per entry (a 1,001-place night's matrix took a
    second that way); ``None`` sends the caller to the checks that name each bad entry.
    """
    if not all(isinstance(row, list) and len(row) == n for row in raw):
        return None
    if any(type(value) is bool for row in raw for value in row):
        return None
    try:
        matrix = np.asarray(raw)
    except (ValueError, TypeError):
        return None
    if matrix.shape != (n, n) or matrix.dtype.kind != "i" or (n and matrix.min() < 0):
        return None
    return matrix.astype(np.int64, copy=False)


def _read_problem(data: Any, source: str) -> PatrolProblem:
    check = _Checker(source)
    if not isinstance(data, dict):
        msg = f"{source}: must be a JSON object"
        raise ProblemFormatError(msg)
    if data.get("format") != PROBLEM_FORMAT:
        check.add("format", f"must be {PROBLEM_FORMAT!r}, got {data.get('format')!r}")
    name = data.get("name", "")
    if not isinstance(name, str):
        check.add("name", "must be a string")
        name = str(name)

    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        check.add("nodes", "must be a non-empty list")
        raw_nodes = []
    nodes = []
    seen_ids: set[str] = set()
    for i, raw in enumerate(raw_nodes):
        where = f"nodes[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            check.add(where, 'must be an object with a string "id"')
            continue
        if raw["id"] in seen_ids:
            check.add(f"{where}.id", f"duplicate id {raw['id']!r}")
        seen_ids.add(raw["id"])
        lat, lon = raw.get("lat"), raw.get("lon")
        if (lat is None) != (lon is None):
            check.add(where, "give both lat and lon, or neither")
        if lat is not None and (not isinstance(lat, int | float) or not -90 <= lat <= 90):
            check.add(f"{where}.lat", f"must be a latitude in [-90, 90], got {lat!r}")
        if lon is not None and (not isinstance(lon, int | float) or not -180 <= lon <= 180):
            check.add(f"{where}.lon", f"must be a longitude in [-180, 180], got {lon!r}")
        extra = {k: v for k, v in raw.items() if k not in ("id", "lat", "lon")}
        nodes.append(Node(raw["id"], lat, lon, extra))
    n = len(raw_nodes)

    matrix = np.zeros((n, n), dtype=np.int64)
    raw_matrix = data.get("travel_s")
    if not isinstance(raw_matrix, list) or len(raw_matrix) != n:
        got = len(raw_matrix) if isinstance(raw_matrix, list) else type(raw_matrix).__name__
        check.add("travel_s", f"must be a square list of {n} rows (one per node), got {got}")
    elif (fast := _whole_matrix(raw_matrix, n)) is not None:
        matrix = fast
    else:
        for i, row in enumerate(raw_matrix):
            if not isinstance(row, list) or len(row) != n:
                got = len(row) if isinstance(row, list) else type(row).__name__
                check.add(f"travel_s[{i}]", f"must have {n} entries (one per node), got {got}")
                continue
            for j, value in enumerate(row):
                if len(check.problems) > 200:
                    break
                matrix[i, j] = check.whole(value, f"travel_s[{i}][{j}]")
    matrix.setflags(write=False)

    teams = []
    raw_teams = data.get("teams")
    if not isinstance(raw_teams, list) or not raw_teams:
        check.add("teams", "must be a non-empty list")
        raw_teams = []
    team_ids: set[str] = set()
    for i, raw in enumerate(raw_teams):
        where = f"teams[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            check.add(where, 'must be an object with a string "id"')
            continue
        if raw["id"] in team_ids:
            check.add(f"{where}.id", f"duplicate id {raw['id']!r}")
        team_ids.add(raw["id"])
        start = check.index(raw.get("start"), f"{where}.start", max(n, 1))
        end = check.index(raw.get("end"), f"{where}.end", max(n, 1))
        shift = raw.get("shift")
        if not isinstance(shift, list) or len(shift) != 2:
            check.add(f"{where}.shift", f"must be [open, close] in seconds, got {shift!r}")
            shift = [0, 0]
        a = check.whole(shift[0], f"{where}.shift[0]")
        b = check.whole(shift[1], f"{where}.shift[1]")
        if b < a:
            check.add(f"{where}.shift", f"ends ({b}) before it starts ({a})")
        elif n and len(check.problems) == 0 and b - a < matrix[start, end]:
            check.add(
                f"{where}.shift",
                f"is {b - a} s long but the drive from node {start} to node {end} takes "
                f"{matrix[start, end]} s: the team cannot even get back to its depot",
            )
        members = raw.get("members", {})
        if not isinstance(members, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in members.items()
        ):
            check.add(f"{where}.members", "must map roles to non-negative whole numbers")
            members = {}
        extra = {
            k: v for k, v in raw.items() if k not in ("id", "start", "end", "shift", "members")
        }
        teams.append(Team(raw["id"], start, end, (a, b), members, extra))

    sites = []
    raw_sites = data.get("sites", [])
    if not isinstance(raw_sites, list):
        check.add("sites", "must be a list")
        raw_sites = []
    site_ids: set[str] = set()
    for i, raw in enumerate(raw_sites):
        where = f"sites[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            check.add(where, 'must be an object with a string "id"')
            continue
        if raw["id"] in site_ids:
            check.add(f"{where}.id", f"duplicate id {raw['id']!r}")
        site_ids.add(raw["id"])
        node = check.index(raw.get("node"), f"{where}.node", max(n, 1))
        service = check.whole(raw.get("service_s", 0), f"{where}.service_s")
        gap = check.whole(raw.get("min_gap_s") or 0, f"{where}.min_gap_s")
        raw_visits = raw.get("visits")
        if not isinstance(raw_visits, list) or not raw_visits:
            check.add(f"{where}.visits", "must be a non-empty list")
            raw_visits = []
        visits = []
        for k, rv in enumerate(raw_visits):
            vw = f"{where}.visits[{k}]"
            if not isinstance(rv, dict):
                check.add(vw, "must be an object with earliest, latest and value")
                continue
            e = check.whole(rv.get("earliest"), f"{vw}.earliest")
            late = check.whole(rv.get("latest"), f"{vw}.latest")
            if late < e:
                check.add(vw, f"window ends ({late}) before it starts ({e})")
            visits.append(Visit(e, late, check.number(rv.get("value"), f"{vw}.value")))
        extra = {
            k: v
            for k, v in raw.items()
            if k not in ("id", "node", "service_s", "min_gap_s", "visits")
        }
        _check_one_of(check, extra.get("one_of"), f"{where}.one_of", len(visits))
        sites.append(Site(raw["id"], node, service, tuple(visits), gap, extra))

    time_limit = data.get("time_limit_s", 10)
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or time_limit <= 0:
        check.add("time_limit_s", f"must be a positive number of seconds, got {time_limit!r}")
        time_limit = 10
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        check.add("seed", f"must be a non-negative whole number, got {seed!r}")
        seed = 0
    check.raise_if_any(ProblemFormatError)
    extra = {k: v for k, v in data.items() if k not in _PROBLEM_KEYS}
    return PatrolProblem(
        name, tuple(nodes), matrix, tuple(teams), tuple(sites), float(time_limit), seed, extra
    )


_PLAN_KEYS = {"format", "problem", "value", "travel_s", "routes", "unserved"}


def _check_one_of(check: _Checker, groups: Any, where: str, n_visits: int) -> None:
    """``one_of``: lists of at least two distinct visit indices, no index in two lists."""
    if groups is None:
        return
    if not isinstance(groups, list):
        check.add(where, "must be a list of lists of visit indices, e.g. [[0, 1]]")
        return
    seen: set[int] = set()
    for g, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2:
            check.add(f"{where}[{g}]", "must list at least two visit indices")
            continue
        for k in group:
            if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < n_visits:
                check.add(f"{where}[{g}]", f"{k!r} is not a visit index (0-{n_visits - 1})")
            elif k in seen:
                check.add(f"{where}[{g}]", f"visit {k} is in two groups")
            else:
                seen.add(k)


def _read_plan(data: Any, source: str) -> PatrolPlan:
    check = _Checker(source)
    if not isinstance(data, dict):
        msg = f"{source}: must be a JSON object"
        raise PlanFileError(msg)
    if data.get("format") != PLAN_FORMAT:
        check.add("format", f"must be {PLAN_FORMAT!r}, got {data.get('format')!r}")
    routes = []
    raw_routes = data.get("routes")
    if not isinstance(raw_routes, list):
        check.add("routes", "must be a list")
        raw_routes = []
    for i, raw in enumerate(raw_routes):
        where = f"routes[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("team"), str):
            check.add(where, 'must be an object with a string "team"')
            continue
        stops = []
        raw_stops = raw.get("stops")
        if not isinstance(raw_stops, list):
            check.add(f"{where}.stops", "must be a list")
            raw_stops = []
        for k, rs in enumerate(raw_stops):
            sw = f"{where}.stops[{k}]"
            if not isinstance(rs, dict) or not isinstance(rs.get("site"), str):
                check.add(sw, 'must be an object with a string "site"')
                continue
            keys = ("visit", "node", "arrive", "start", "depart")
            values = [check.whole(rs.get(key), f"{sw}.{key}") for key in keys]
            extra = {k2: v for k2, v in rs.items() if k2 not in ("site", *keys)}
            visit, node, arrive, start, depart = values
            stops.append(Stop(rs["site"], visit, node, arrive, start, depart, extra=extra))
        depart = check.whole(raw.get("depart"), f"{where}.depart")
        back = check.whole(raw.get("return"), f"{where}.return")
        travel = check.whole(raw.get("travel_s"), f"{where}.travel_s")
        extra = {
            k: v
            for k, v in raw.items()
            if k not in ("team", "depart", "return", "travel_s", "stops")
        }
        routes.append(Route(raw["team"], depart, back, travel, tuple(stops), extra))
    unserved = []
    raw_unserved = data.get("unserved", [])
    if not isinstance(raw_unserved, list):
        check.add("unserved", "must be a list")
        raw_unserved = []
    for i, raw in enumerate(raw_unserved):
        if not isinstance(raw, dict) or not isinstance(raw.get("site"), str):
            check.add(f"unserved[{i}]", 'must be an object with a string "site"')
            continue
        visit = check.whole(raw.get("visit"), f"unserved[{i}].visit")
        unserved.append(Unserved(raw["site"], visit, raw.get("reason")))
    value = check.number(data.get("value"), "value")
    travel = check.whole(data.get("travel_s"), "travel_s")
    check.raise_if_any(PlanFileError)
    extra = {k: v for k, v in data.items() if k not in _PLAN_KEYS}
    return PatrolPlan(
        str(data.get("problem", "")), value, travel, tuple(routes), tuple(unserved), extra
    )


def _too_deep(kind: type[PatrolError], path: Path) -> PatrolError:
    """Return the refusal of a JSON document nested deeper than Python reads (a hostile file)."""
    err = kind(
        f"{path}: the JSON is nested too deep (thousands of brackets inside each other) to be a "
        "plan or problem file: use a file the product wrote"
    )
    err.message_vi = (
        f"{path}: tệp JSON lồng nhau quá sâu (hàng nghìn dấu ngoặc lồng vào nhau), không phải tệp "
        "kế hoạch hay bài toán: dùng tệp do phần mềm xuất ra"
    )
    return err
