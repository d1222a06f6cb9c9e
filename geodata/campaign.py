"""A week of loudspeaker campaign runs along every residential street (the Tiên Trang plan).

Each day has runs at ``[campaign] run_times`` (06:30 and 19:00) with ``vehicles`` vehicles, each
run a closed loop from the police post of at most ``run_min`` minutes. The week is solved as
arc routing (``routing.arcs``) in passes:

1. *cover*: every residential street once, every run of the week a vehicle, a fixed cost per
   run so the loops pack into as few runs as possible (the first runs of the week);
2. *repeat*: the runs left over drive the streets of the most populous groups again, the
   group with most buildings ``repeat_max`` more times, the others in proportion, one pass per
   solve so that a run never drives the same street twice.

The covering pass runs guided local search for ``[campaign] solutions`` accepted solutions, the
repeat passes greedy descent to their local optimum: both end on the work done, not the clock,
so the same settings give the same week (``time_limit_s`` only guards a slow machine).

A street is driven at ``speed_kmh`` (or slower where the street's own night speed is lower);
the way between two streets at the mode's night speed over the shortest path. When the week
cannot cover every street, ``CampaignWeek.left`` names them and ``more_runs`` says how many
runs more it would take (estimated from the time the left streets need at the week's own ratio
of driving between streets to driving along them).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from geodata.loops import Edge, all_shortest, edges_lonlat, nearest_node, quickest_edges
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from numpy.typing import NDArray

    from geodata.area import Area

__all__ = ["CampaignRun", "CampaignWeek", "plan_campaign"]


@dataclass(frozen=True)
class CampaignRun:
    """One vehicle's loop on one run.

    ``edges`` are the graph edges ``(u, v, key)`` driven in order, from the depot node back to
    it; ``street_ids`` the residential streets broadcast along (index of ``CampaignWeek.streets``)
    and ``streets`` their names in driving order, a name once per stretch. ``path`` is the
    loop's geometry as ``(lon, lat)``.
    """

    day: date
    start: str
    vehicle_no: int
    purpose: str
    duration_s: int
    budget_s: int
    length_m: float
    broadcast_m: float
    street_ids: tuple[int, ...]
    streets: tuple[str, ...]
    edges: tuple[Edge, ...]
    path: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class CampaignWeek:
    """The week's runs, the groups and streets they cover, and what is left."""

    area: str
    week_of: date
    vehicle: str
    vehicles: int
    depot: str
    depot_node: int
    runs: tuple[CampaignRun, ...]
    groups: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    left: tuple[int, ...]
    more_runs: int
    solve_s: float

    @property
    def passes(self) -> pd.Series:
        """Times each street is broadcast along during the week, by ``street_id``."""
        import pandas as pd

        counts = pd.Series(0, index=self.streets.index, name="passes")
        for run in self.runs:
            for s in run.street_ids:
                counts[s] += 1
        return counts

    def coverage(self) -> pd.DataFrame:
        """Per group: streets, km, buildings, streets covered, fewest and mean passes."""
        frame = self.streets[["group_id", "length_m"]].assign(passes=self.passes)
        table = frame.groupby("group_id").agg(
            streets=("passes", "size"),
            km=("length_m", lambda m: round(float(m.sum()) / 1000, 2)),
            covered=("passes", lambda p: int((p > 0).sum())),
            fewest=("passes", "min"),
            mean=("passes", lambda p: round(float(p.mean()), 1)),
        )
        table.insert(0, "name", self.groups["name"].reindex(table.index))
        table.insert(3, "buildings", self.groups["buildings"].reindex(table.index))
        return table.sort_values("buildings", ascending=False)

    @property
    def lower_bound_m(self) -> float:
        """Sum of the residential streets' lengths: no week covers them in less driving."""
        return float(self.streets["length_m"].sum())


def _week_runs(week_of: date, settings: Settings) -> list[tuple[date, str, int]]:
    c = settings.campaign
    return [
        (week_of + timedelta(days=d), start, v + 1)
        for d in range(c.days)
        for start in c.run_times
        for v in range(c.vehicles)
    ]


def plan_campaign(
    area: Area,
    *,
    week_of: date,
    settings: Settings | None = None,
    groups: gpd.GeoDataFrame | None = None,
) -> CampaignWeek:
    """Plan a week of loudspeaker runs over ``area``'s residential streets.

    Parameters
    ----------
    area
        Loaded with the campaign's vehicle as its mode (``load_area(mode="car")`` for cars:
        one-way streets bind them).
    week_of
        First day of the week.
    settings
        ``[campaign]`` (runs, length, speed, vehicles, groups) and the area's police post.
    groups
        Residential groups (``geodata.streets.residential_groups``); ``None`` derives them.

    Returns
    -------
    CampaignWeek
        Every run's loop (empty runs left out), coverage per group, streets left.

    Raises
    ------
    InfeasiblePlanError
        When the area has no police post to leave from.

    """
    from geodata.depots import choose_depots
    from geodata.streets import residential_groups, residential_streets
    from routing.arcs import ArcProblem, ArcTask, solve_arcs

    settings = settings or Settings()
    c = settings.campaign
    started = time.perf_counter()
    groups = residential_groups(area, settings=settings) if groups is None else groups
    streets = residential_streets(area, groups, settings=settings)
    depot_id = choose_depots(area.facilities)[0]
    depot_node = _nearest_node(area, depot_id)
    nodes, times, pred = all_shortest(area.graph)
    at = {n: i for i, n in enumerate(nodes)}
    between = np.where(np.isfinite(times), np.ceil(times), 10**7).astype(np.int64)
    graph = area.graph

    def service_s(edge: Edge) -> int:
        data = graph.edges[edge]
        return math.ceil(
            max(float(data["length_m"]) / (c.speed_kmh / 3.6), float(data["travel_s"]))
        )

    street_ids = list(streets.index)
    options = [
        tuple((at[u], at[v], service_s((u, v, k))) for u, v, k in streets.at[s, "orientations"])
        for s in street_ids
    ]
    slots = _week_runs(week_of, settings)
    budget = c.run_min * 60
    big = 1000 * budget
    # Pass 1: cover every street once, packed into as few runs as possible.
    cover = ArcProblem(
        between,
        at[depot_node],
        tuple(ArcTask(o, big) for o in options),
        (budget,) * len(slots),
        run_cost=budget,
    )
    shares = _time_shares(c.repeat_max)
    plan = solve_arcs(
        cover, time_limit_s=c.time_limit_s * shares[0], solutions=c.solutions, seed=c.seed
    )
    used: list[tuple[list[tuple[int, Edge]], str]] = [
        ([_drive(streets, street_ids[t], o) for t, o in loop.served], "cover")
        for loop in plan.loops
        if loop.served
    ]
    left = tuple(street_ids[t] for t in plan.left)
    # Passes 2..: the most populous groups again, on the runs left free.
    weight = groups["buildings"].reindex(streets["group_id"]).to_numpy(dtype=float)
    top = max(float(weight.max()), 1.0)
    extra = np.floor(c.repeat_max * weight / top + 0.5).astype(int)
    for p in range(1, c.repeat_max + 1):
        free = len(slots) - len(used)
        wanted = [i for i in range(len(street_ids)) if extra[i] >= p]
        if free <= 0 or not wanted:
            break
        tasks = tuple(ArcTask(options[i], int(budget * (1 + weight[i] / top))) for i in wanted)
        again = solve_arcs(
            ArcProblem(between, at[depot_node], tasks, (budget,) * free, run_cost=budget // 2),
            time_limit_s=c.time_limit_s * shares[p],
            solutions=c.solutions,
            seed=c.seed + p,
            improve="descent",
        )
        used += [
            ([_drive(streets, street_ids[wanted[t]], o) for t, o in loop.served], "repeat")
            for loop in again.loops
            if loop.served
        ]
    runs = tuple(
        _run(area, slot, purpose, driven, depot_node, (nodes, pred), streets, budget, c.speed_kmh)
        for slot, (driven, purpose) in zip(slots, used, strict=False)
    )
    return CampaignWeek(
        area=area.name,
        week_of=week_of,
        vehicle=area.mode,
        vehicles=c.vehicles,
        depot=str(area.facilities.at[depot_id, "name"]),
        depot_node=depot_node,
        runs=runs,
        groups=groups,
        streets=streets,
        left=left,
        more_runs=_more_runs(plan, cover, left=len(left), budget=budget),
        solve_s=round(time.perf_counter() - started, 2),
    )


def _drive(streets: gpd.GeoDataFrame, street_id: int, option: int) -> tuple[int, Edge]:
    edge = streets.at[street_id, "orientations"][option]
    return street_id, (int(edge[0]), int(edge[1]), int(edge[2]))


def _time_shares(passes: int) -> list[float]:
    """Share of the time limit per pass: covering the week weighs as much as the repeats."""
    return [0.5] + [0.5 / max(passes, 1)] * passes


def _nearest_node(area: Area, facility_id: str) -> int:
    row = area.facilities.loc[facility_id]
    return nearest_node(area.graph, area.crs, float(row["lon"]), float(row["lat"]))


def _run(
    area: Area,
    slot: tuple[date, str, int],
    purpose: str,
    driven: list[tuple[int, Edge]],
    depot: int,
    paths: tuple[list[int], NDArray[Any]],
    streets: gpd.GeoDataFrame,
    budget: int,
    speed_kmh: float,
) -> CampaignRun:
    """Expand a loop of served streets into the graph edges, time, length and geometry."""
    graph = area.graph
    nodes, pred = paths
    edges: list[Edge] = []
    at = depot
    # Seconds counted as the engine counts them: each way between streets rounded up once.
    duration_s = 0
    for _, edge in driven:
        hop = quickest_edges(graph, at, edge[0], nodes, pred)
        edges += [*hop, edge]
        duration_s += math.ceil(sum(graph.edges[e]["travel_s"] for e in hop))
        data = graph.edges[edge]
        duration_s += math.ceil(max(data["length_m"] / (speed_kmh / 3.6), data["travel_s"]))
        at = edge[1]
    hop = quickest_edges(graph, at, depot, nodes, pred)
    edges += hop
    duration_s += math.ceil(sum(graph.edges[e]["travel_s"] for e in hop))
    return CampaignRun(
        day=slot[0],
        start=slot[1],
        vehicle_no=slot[2],
        purpose=purpose,
        duration_s=duration_s,
        budget_s=budget,
        length_m=round(sum(graph.edges[e]["length_m"] for e in edges), 1),
        broadcast_m=round(sum(float(streets.at[s, "length_m"]) for s, _ in driven), 1),
        street_ids=tuple(s for s, _ in driven),
        streets=_names([str(streets.at[s, "name"]) for s, _ in driven]),
        edges=tuple(edges),
        path=edges_lonlat(graph, edges, area.crs),
    )


def _names(names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        if not out or out[-1] != name:
            out.append(name)
    return tuple(out)


def _more_runs(plan: Any, problem: Any, *, left: int, budget: int) -> int:
    """Estimate the runs more the left streets need, at the week's share of travel between them.

    Each left street costs its quickest orientation's service time plus the mean travel between
    streets of the loops solved; a street whose round trip from the police post alone exceeds a
    run counts as a run of its own (it never fits).
    """
    if not left:
        return 0
    served = [(t, o) for loop in plan.loops for t, o in loop.served]
    service = sum(problem.tasks[t].options[o][2] for t, o in served)
    total = sum(loop.duration_s for loop in plan.loops)
    travel_per_street = (total - service) / len(served) if served else 0.0
    need = 0.0
    for t in plan.left:
        start, end, s = min(problem.tasks[t].options, key=lambda o: o[2])
        if (
            problem.between_s[problem.depot, start] + s + problem.between_s[end, problem.depot]
            > budget
        ):
            need += budget
        else:
            need += s + travel_per_street
    return max(1, math.ceil(need / budget))
