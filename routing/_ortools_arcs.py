"""OR-Tools model of ``routing.arcs``: one node per orientation of a task, one disjunction per task.

Node 0 is the depot; node ``1 + j`` is the ``j``-th (task, orientation) pair in ``order``. The
transit from node ``a`` to node ``b`` is ``a``'s service time plus the shortest time from ``a``'s
end to ``b``'s start; a ``time`` dimension caps each run at its budget. Guided local search stops
on a solution count (deterministic) or the wall time, whichever comes first; greedy descent at
its local optimum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

if TYPE_CHECKING:
    from routing.arcs import ArcProblem

__all__ = ["search_arcs"]


def search_arcs(
    problem: ArcProblem,
    *,
    order: list[int],
    time_limit_s: float,
    solutions: int,
    metaheuristic: str = "GUIDED_LOCAL_SEARCH",
) -> tuple[list[list[tuple[int, int]]], int]:
    """Return per run the ``(task, orientation)`` pairs served in order, and the objective."""
    pairs = [(k, o) for k in order for o in range(len(problem.tasks[k].options))]
    starts = np.array([problem.depot] + [problem.tasks[k].options[o][0] for k, o in pairs])
    ends = np.array([problem.depot] + [problem.tasks[k].options[o][1] for k, o in pairs])
    service = np.array([0] + [problem.tasks[k].options[o][2] for k, o in pairs])
    transit = service[:, None] + problem.between_s[ends][:, starts]
    np.fill_diagonal(transit, 0)

    runs = len(problem.budgets_s)
    manager = pywrapcp.RoutingIndexManager(len(pairs) + 1, runs, 0)
    model = pywrapcp.RoutingModel(manager)
    callback = model.RegisterTransitMatrix(transit.astype(np.int64).tolist())
    model.SetArcCostEvaluatorOfAllVehicles(callback)
    model.AddDimensionWithVehicleCapacity(
        callback, 0, [int(b) for b in problem.budgets_s], True, "time"
    )
    if problem.run_cost:
        model.SetFixedCostOfAllVehicles(int(problem.run_cost))
    nodes_of: dict[int, list[int]] = {}
    for j, (k, _) in enumerate(pairs, start=1):
        nodes_of.setdefault(k, []).append(manager.NodeToIndex(j))
    for k in order:
        model.AddDisjunction(nodes_of[k], int(problem.tasks[k].penalty))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic
    )
    params.solution_limit = max(1, solutions)
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    found = model.SolveWithParameters(params)
    if found is None:
        return [[] for _ in range(runs)], 0
    routes: list[list[tuple[int, int]]] = []
    for run in range(runs):
        route = []
        index = found.Value(model.NextVar(model.Start(run)))
        while not model.IsEnd(index):
            route.append(pairs[manager.IndexToNode(index) - 1])
            index = found.Value(model.NextVar(index))
        routes.append(route)
    return routes, int(found.ObjectiveValue())
