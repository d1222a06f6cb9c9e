"""The one module that imports OR-Tools: the routing model of a compiled problem and its search.

Model: one routing node per reachable visit, one per distinct depot node; one vehicle per team
with its own start and end node. Arc cost is the compiled cost (travel time with the seeded
variety surcharge); a ``time`` dimension carries travel plus the service time of the node
left, with slack (waiting) allowed anywhere; each visit's cumul is its window for the start
of service, each team's start and end cumul its shift.
Each visit is its own disjunction with penalty ``units * big_m`` (see ``routing._compile``), so
the objective is ``big_m * (value left out) + travel``: value first, then travel.

Locked visits (``Compiled.locked``) have no disjunction (they must be served), their vehicle is
fixed to their team, and a ``rank`` dimension (one per stop) keeps their order.

The minimum gap between two visits of one site is a constraint posted on the CP solver for the
pairs whose windows allow a violation: ``|t_a - t_b| >= gap * active_a * active_b``.

Search runs in rounds that each stop on a *solution limit* (a count of accepted solutions), not
on wall time, so the same inputs give the same result; wall time only ends the loop of rounds.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing._compile import Compiled

__all__ = ["SearchConfig", "SearchResult", "search"]

Routes = list[list[int]]

# Status of a search the time limit cut short before a local optimum.
_PARTIAL = routing_enums_pb2.RoutingSearchStatus.ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED


@dataclass(frozen=True)
class SearchConfig:
    """How one worker searches.

    ``rounds`` bounds the work deterministically: each round is one OR-Tools call limited by
    ``round_solutions`` accepted solutions, restarted from the best routes so far; the loop also
    stops when ``time_limit_s`` of wall time is spent (then the result may depend on the machine)
    or after ``patience`` rounds without improvement.
    """

    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    time_limit_s: float = 10.0
    round_solutions: int = 2000
    rounds: int = 1
    patience: int = 3
    extra_operators: bool = True
    sisr_removed: int = 10


@dataclass(frozen=True)
class SearchResult:
    """Routes (visit indices per team, in driving order), start times, and the search's story."""

    routes: Routes
    starts: dict[int, int]
    objective: int
    rounds: int
    stopped_by: str


def _build(c: Compiled) -> tuple[pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel, list[int]]:
    visits = [int(k) for k in range(c.n_visits) if c.reachable[k]]
    depots = sorted({int(x) for x in (*c.team_start, *c.team_end)})
    # Routing node -> problem node; visits first, then depots.
    place = [int(c.node[k]) for k in visits] + depots
    service = [int(c.service[k]) for k in visits] + [0] * len(depots)
    at = {node: len(visits) + i for i, node in enumerate(depots)}
    starts = [at[int(s)] for s in c.team_start]
    ends = [at[int(e)] for e in c.team_end]
    manager = pywrapcp.RoutingIndexManager(len(place), c.n_teams, starts, ends)
    model = pywrapcp.RoutingModel(manager)

    sub = c.travel[place][:, place]
    cost = model.RegisterTransitMatrix(c.cost[place][:, place].tolist())
    model.SetArcCostEvaluatorOfAllVehicles(cost)
    timed = model.RegisterTransitMatrix((sub + [[s] for s in service]).tolist())
    horizon = int(max(int(c.team_close.max()), int(c.latest.max(initial=0)))) + 1
    model.AddDimension(timed, horizon, horizon, False, "time")
    clock = model.GetDimensionOrDie("time")
    owner = {k: t for t, seq in enumerate(c.locked) for k in seq}
    for i, k in enumerate(visits):
        index = manager.NodeToIndex(i)
        clock.CumulVar(index).SetRange(int(c.earliest[k]), int(c.latest[k]))
        if k in owner:
            # Locked: mandatory (no disjunction), on its team only.
            model.VehicleVar(index).SetValue(owner[k])
        else:
            model.AddDisjunction([index], int(c.units[k]) * c.big_m)
    for t in range(c.n_teams):
        lo, hi = int(c.team_open[t]), int(c.team_close[t])
        clock.CumulVar(model.Start(t)).SetRange(lo, hi)
        clock.CumulVar(model.End(t)).SetRange(lo, hi)

    solver = model.solver()
    slot = {k: i for i, k in enumerate(visits)}
    if any(len(seq) > 1 for seq in c.locked):
        # The order of locked visits: a rank counting stops along the route must increase.
        model.AddConstantDimension(1, len(place) + 1, True, "rank")
        rank = model.GetDimensionOrDie("rank")
        for seq in c.locked:
            for a, b in itertools.pairwise(seq):
                ra = rank.CumulVar(manager.NodeToIndex(slot[a]))
                rb = rank.CumulVar(manager.NodeToIndex(slot[b]))
                solver.Add(ra < rb)
    for a, b, gap in c.gap_pairs:
        if a not in slot or b not in slot:
            continue
        ia, ib = manager.NodeToIndex(slot[a]), manager.NodeToIndex(slot[b])
        both = model.ActiveVar(ia) * model.ActiveVar(ib)
        ta, tb = clock.CumulVar(ia), clock.CumulVar(ib)
        solver.Add(solver.Max(ta - tb, tb - ta) >= both * gap)
    return manager, model, visits


def _parameters(config: SearchConfig, limit: int, seconds: float) -> object:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, config.first_solution
    )
    if config.metaheuristic == "ITERATED_LOCAL_SEARCH":
        params.use_iterated_local_search = True
        ils = params.iterated_local_search_parameters
        rr = ils.ruin_recreate_parameters
        ruin = rr.ruin_strategies.add()
        ruin.sisr.max_removed_sequence_size = 10
        ruin.sisr.avg_num_removed_visits = config.sisr_removed
        ruin.sisr.bypass_factor = 0.01
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        )
    else:
        params.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, config.metaheuristic
        )
    if config.extra_operators:
        ops = params.local_search_operators
        true = 3  # BOOL_TRUE
        for name in (
            "use_extended_swap_active",
            "use_relocate_and_make_active",
            "use_exchange_and_make_active",
            "use_inactive_lns",
            "use_path_lns",
            "use_relocate_neighbors",
            "use_cross_exchange",
        ):
            setattr(ops, name, true)
    params.solution_limit = limit
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    return params


def _read(
    manager: pywrapcp.RoutingIndexManager,
    model: pywrapcp.RoutingModel,
    visits: list[int],
    solution: pywrapcp.Assignment,
    n_teams: int,
) -> tuple[Routes, dict[int, int]]:
    clock = model.GetDimensionOrDie("time")
    routes: Routes = []
    starts: dict[int, int] = {}
    for t in range(n_teams):
        route = []
        index = solution.Value(model.NextVar(model.Start(t)))
        while not model.IsEnd(index):
            k = visits[manager.IndexToNode(index)]
            route.append(k)
            starts[k] = solution.Min(clock.CumulVar(index))
            index = solution.Value(model.NextVar(index))
        routes.append(route)
    return routes, starts


def search(c: Compiled, *, config: SearchConfig, initial: Routes | None = None) -> SearchResult:
    """Search routes for a compiled problem.

    Parameters
    ----------
    c
        The compiled problem.
    config
        Strategy and limits of this worker.
    initial
        Routes (visit indices per team) to start from; ``None`` builds a first solution with
        ``config.first_solution``.

    Returns
    -------
    SearchResult
        The best routes found, their start times and the objective.

    """
    clock_start = time.monotonic()
    manager, model, visits = _build(c)
    slot = {k: i for i, k in enumerate(visits)}
    best: tuple[int, Routes, dict[int, int]] | None = None
    warm: list[list[int]] | None = None
    if initial is not None:
        warm = [[slot[k] for k in route if k in slot] for route in initial]
    rounds = 0
    quiet = 0
    stopped_by = "rounds"
    while rounds < config.rounds:
        left = config.time_limit_s - (time.monotonic() - clock_start)
        if left <= 0.05:
            stopped_by = "time"
            break
        params = _parameters(config, config.round_solutions, left)
        start = model.ReadAssignmentFromRoutes(warm, True) if warm is not None else None
        if start is not None:
            found = model.SolveFromAssignmentWithParameters(start, params)
        else:
            found = model.SolveWithParameters(params)
        rounds += 1
        if model.status() == _PARTIAL:
            stopped_by = "time"
        if found is None:
            break
        objective = int(found.ObjectiveValue())
        if best is None or objective < best[0]:
            routes, starts = _read(manager, model, visits, found, c.n_teams)
            best = (objective, routes, starts)
            warm = [[slot[k] for k in route] for route in routes]
            quiet = 0
        else:
            quiet += 1
            if quiet >= config.patience:
                stopped_by = "patience"
                break
    if best is None:
        return SearchResult([[] for _ in range(c.n_teams)], {}, 0, rounds, "no_solution")
    return SearchResult(best[1], best[2], best[0], rounds, stopped_by)
