"""``routing.solve``: a ``PatrolProblem`` in, the best ``PatrolPlan`` found out.

How the search goes (details and measurements in ``docs/routing.md``):

1. ``routing._compile`` turns the problem into integer arrays with explicit scaling (value units,
   drop penalty ``units * big_m`` larger than any plan's travel) and marks visits no team can
   reach inside their window.
2. Two workers, one per core, each run the seeded ruin-and-recreate search of
   ``routing._heuristic`` from empty routes (when stuck, the first starts again from its best
   routes, the second from a fresh construction), then hand their best routes to OR-Tools
   (``routing._ortools``) as a warm start for a local search to its local optimum (greedy
   descent, deterministic), which also gives the start times honouring every constraint. A
   night too large for the polish's share (thousands of visits) is not polished: the search
   has the whole budget and time.
3. The better of the two results is kept (ties go to the first worker), and turned into a plan
   with arrival, start and departure times, totals and a reason for every unserved visit.

Same problem and seed, same plan: both workers count their work in iterations, not seconds.
The wall-time limit is a cap, counted from ``started`` when the caller gives it (``patrol
solve``: its process start); when a slow machine reaches it first, the plan says so in
``extra["search"]["stopped_by"] == "time"`` and may differ from run to run.

One file past 500 lines: the workers, the polish, the schedule check and the plan's assembly
are one flow over the same compiled arrays.
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from patrolbase.errors import InfeasiblePlanError
from routing._compile import Compiled, compile_problem
from routing._heuristic import HeuristicResult, improve
from routing._kernel import warm_up
from routing.model import PatrolPlan, PatrolProblem, Route, Stop, Unserved
from routing.params import SearchParams

__all__ = ["solve"]


@dataclass(frozen=True)
class _Outcome:
    routes: list[list[int]]
    starts: dict[int, int]
    units: int
    travel: int
    cost: int
    iterations: int
    stopped_by: str
    polish: str = "none"
    """What OR-Tools' polish did: ``improved`` the search's plan, ``kept`` it (nothing better in
    its share of the time), ``no_solution`` (it ran out of time before a first solution),
    ``skipped`` (too large a night for its share: the search had all the time)."""


def _work(
    c: Compiled,
    seed: int,
    worker: int,
    time_limit_s: float,
    deadline: float,
    work_s: float,
    params: SearchParams,
) -> _Outcome:
    """One worker: ruin and recreate, then OR-Tools local search from its best routes."""
    from routing._ortools import SearchConfig, search

    # ``deadline`` is on the monotonic clock of the machine; a forked worker shares it.
    stream = int(np.random.SeedSequence([seed, worker]).generate_state(1)[0])
    restart, threshold = params.searches[worker % len(params.searches)]
    polishing = _polishes(c, work_s, params)
    # Without a polish the search may run to the deadline, less a moment to write the plan.
    reserve = (1 - params.heuristic_share) * time_limit_s if polishing else 0.03 * time_limit_s
    found = improve(
        c,
        seed=stream,
        initial=[list(r) for r in c.warm] if c.warm else None,
        iterations=max(50, int(params.rounds_per_s * work_s)),
        time_limit_s=max(0.05, deadline - time.monotonic() - reserve),
        patience=max(params.patience, 5 * c.n_visits),
        work=_heuristic_work(c, work_s, params) if polishing else params.work_per_s * work_s,
        reheats=params.reheats,
        max_removed=params.max_removed,
        restart=restart,
        threshold=threshold,
    )
    late = time.monotonic() > deadline
    if not polishing:
        return _searched(c, found, "time" if late else found.stopped_by, "skipped")
    left = max(0.1, deadline - time.monotonic())
    config = SearchConfig(
        metaheuristic="GREEDY_DESCENT",
        time_limit_s=left,
        round_solutions=2**62,
        rounds=1,
        extra_operators=True,
    )
    polished = search(c, config=config, initial=found.routes)
    units = int(sum(int(c.units[k]) for r in polished.routes for k in r))
    travel = _travel(c, polished.routes)
    cost = _travel(c, polished.routes, c.cost)
    # Truthful: a worker that ended past the cap was stopped by time, whatever its search said.
    late = late or time.monotonic() > deadline
    timed_out = late or "time" in (found.stopped_by, polished.stopped_by)
    stopped_by = "time" if timed_out else found.stopped_by
    starts = _timed(c, polished.routes) if polished.stopped_by != "no_solution" else None
    polish = "no_solution" if polished.stopped_by == "no_solution" else "kept"
    if starts is None or (units, -cost) < (found.units, -found.cost):
        return _searched(c, found, stopped_by, polish)
    polish = "improved" if (units, -cost) > (found.units, -found.cost) else "kept"
    return _Outcome(
        polished.routes, starts, units, travel, cost, found.iterations, stopped_by, polish
    )


def _searched(c: Compiled, found: HeuristicResult, stopped_by: str, polish: str) -> _Outcome:
    """Return the search's own plan, timed (the locked stops alone if their gaps leave no room)."""
    starts = _timed(c, found.routes)
    if starts is None and c.locked:
        # Waiting for a gap between two locked visits left no room for the others.
        fallback = [list(seq) for seq in c.locked]
        starts = _timed(c, fallback)
        assert starts is not None, "locked stops were checked before the search"
        return _Outcome(
            fallback,
            starts,
            int(sum(int(c.units[k]) for r in fallback for k in r)),
            _travel(c, fallback),
            _travel(c, fallback, c.cost),
            found.iterations,
            stopped_by,
            polish,
        )
    assert starts is not None, "the heuristic keeps only routes its own schedule passes"
    return _Outcome(
        found.routes,
        starts,
        found.units,
        found.travel,
        found.cost,
        found.iterations,
        stopped_by,
        polish,
    )


def _polish_work(c: Compiled, params: SearchParams) -> float:
    """Estimated work units of the OR-Tools polish of ``c``."""
    return params.polish_per_visit * c.n_visits + params.polish_per_gap * len(c.gap_pairs)


def _polishes(c: Compiled, work_s: float, params: SearchParams) -> bool:
    """Whether OR-Tools polishes: not when its estimate passes its share of the budget.

    A night of thousands of visits is read into OR-Tools' model for seconds and its first
    solution comes later still (a 1,000-site night ran 6.2 s past a 3.6 s share with none),
    while the search improves all the time it gets.
    """
    if c.n_visits > params.polish_max_visits:
        return False
    return _polish_work(c, params) <= params.polish_max_share * params.work_per_s * work_s


def _heuristic_work(c: Compiled, work_s: float, params: SearchParams) -> float:
    """Work units for ruin and recreate: the budget less the polish's estimate (at least 10%)."""
    total = params.work_per_s * work_s
    return max(0.1 * total, total - _polish_work(c, params))


def _timed(c: Compiled, routes: list[list[int]]) -> dict[int, int] | None:
    """Start times for ``routes``: as early as possible, later only where a gap rule asks.

    The times come from this simple schedule rather than from the solver's internal values, so
    the plan's arithmetic is checked here once more. ``None`` when no such schedule is found.
    """
    release: dict[int, int] = {}
    for _ in range(4 * len(c.gap_pairs) + 1):
        starts: dict[int, int] = {}
        for t, route in enumerate(routes):
            here, clock = int(c.team_start[t]), int(c.team_open[t])
            for k in route:
                node = int(c.node[k])
                begin = max(
                    clock + int(c.travel[here, node]), int(c.earliest[k]), release.get(k, 0)
                )
                if begin > c.latest[k]:
                    return None
                starts[k] = begin
                here, clock = node, begin + int(c.service[k])
            if clock + int(c.travel[here, c.team_end[t]]) > c.team_close[t]:
                return None
        clash = next(
            (
                (a, b, gap)
                for a, b, gap in c.gap_pairs
                if a in starts and b in starts and abs(starts[a] - starts[b]) < gap
            ),
            None,
        )
        if clash is None:
            return starts
        a, b, gap = clash
        first, later = (a, b) if (starts[a], a) <= (starts[b], b) else (b, a)
        release[later] = starts[first] + gap
    return None


def _travel(c: Compiled, routes: list[list[int]], matrix: np.ndarray | None = None) -> int:
    matrix = c.travel if matrix is None else matrix
    total = 0
    for t, route in enumerate(routes):
        path = [int(c.team_start[t]), *(int(c.node[k]) for k in route), int(c.team_end[t])]
        total += int(sum(matrix[a, b] for a, b in itertools.pairwise(path)))
    return total


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """How the second worker starts, or ``None`` to search in this process only.

    ``fork`` starts a worker in milliseconds. A ``forkserver`` or ``spawn`` worker would be safer
    beside other threads, but it imports the caller's ``__main__`` first, and under Streamlit
    that is the page script: the worker ran the page again and started a pool of its own (the
    test suite hung on it). Elsewhere (no fork) a second process costs more than it gains on
    short limits, so the search stays in this process; so it does in a daemonic process (a
    cluster's worker), which may not start children.
    """
    if sys.platform == "linux" and not multiprocessing.current_process().daemon:
        return multiprocessing.get_context("fork")
    return None


def solve(
    problem: PatrolProblem,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    workers: int = 2,
    variety: float | None = None,
    locked: Mapping[str, Sequence[tuple[str, int]]] | None = None,
    work_s: float | None = None,
    warm: Mapping[str, Sequence[tuple[str, int]]] | None = None,
    params: SearchParams | None = None,
    started: float | None = None,
) -> PatrolPlan:
    """Plan the night: closed loops that collect the most value, then drive the least.

    Parameters
    ----------
    problem
        A validated ``patrol-problem/1``.
    time_limit_s
        Wall-time cap in seconds; ``None`` uses ``problem.time_limit_s``.
    seed
        Seed of the search; ``None`` uses ``problem.seed``. Another seed gives another plan of
        near-equal value (so patrols are hard to predict).
    workers
        Searches run side by side (one per core), the best kept; 1 to stay in this process.
    variety
        Seeded random surcharge on arc costs (see ``routing._compile``): another seed gives
        other loops of equal value and nearly equal travel. ``0`` minimises travel exactly as
        the contract's objective says; ``None`` uses ``params.variety``.
    locked
        Stops the plan must keep: team id -> ordered ``(site id, visit index)`` pairs. Each is
        served by that team, in that order (other stops may come between them); the search
        never drops them or gives them to another team. Not part of the problem document.
    work_s
        Work budget of the search, in seconds of the time limit it is sized for: ``None``
        sizes it for ``time_limit_s`` (the search then ends by its counted work at about 60%
        of the limit on a quiet machine). The work is counted, not timed, so a plan depends only
        on the problem, the seed and this budget, unless the wall-time cap comes first.
    warm
        Routes to start from, as ``locked`` names them (e.g. the plan of a smaller problem
        with the most important sites): the search keeps the best it finds, so it ends at
        least as good as these. Ignored with ``locked``, or when they are not feasible.
    params
        How the search spends its work (``SearchParams``; ``None``: the fitted defaults).
    started
        ``time.monotonic()`` when the caller began (its process start, reading the problem):
        the time limit counts from then. ``None``: from this call, after the kernels load.

    Returns
    -------
    PatrolPlan
        Routes of the teams that leave their depot, totals, and every unserved visit with a
        reason. A problem where nothing can be served gives a plan without routes.

    Raises
    ------
    InfeasiblePlanError
        When ``locked`` names an unknown team, site or visit, locks one visit twice, or asks
        for stops a team cannot make (a window missed, the shift's end, a gap rule); the
        message names the team and the site, in English and Vietnamese (``message_vi``).

    """
    # Compiled search kernels (from their cache) and OR-Tools are loaded before the clock
    # starts, and before the second worker is forked, so no worker spends its time on them;
    # OR-Tools only for a night small enough to be polished.
    params = params or SearchParams()
    warm_up()
    if sum(len(site.visits) for site in problem.sites) <= params.polish_max_visits:
        import routing._ortools  # noqa: F401

    began = time.monotonic() if started is None else started
    limit = float(time_limit_s if time_limit_s is not None else problem.time_limit_s)
    seed = int(seed if seed is not None else problem.seed)
    if variety is None:
        variety = params.variety
    c = compile_problem(problem, variety=variety, seed=seed)
    if locked:
        c = dataclasses.replace(c, locked=_resolve_locks(problem, c, locked))
    elif warm:
        c = dataclasses.replace(c, warm=_resolve_warm(problem, c, warm))
    if not c.locked and not (c.reachable & (c.units > 0)).any():
        best = _Outcome([[] for _ in range(c.n_teams)], {}, 0, 0, 0, 0, "nothing_to_serve")
    else:
        work = limit if work_s is None else float(work_s)
        outcomes = _run(c, seed, limit, workers, began + limit, work, params)
        best = max(outcomes, key=lambda o: (o.units, -o.cost))
    for t, seq in enumerate(c.locked):
        kept = [k for k in best.routes[t] if k in set(seq)]
        assert kept == list(seq), f"internal: locked stops of team {t} were not kept in order"
    return _plan(problem, c, _relabel(c, best), seed, max(1, workers))


def _relabel(c: Compiled, best: _Outcome) -> _Outcome:
    """Serve each stop as the most valuable visit of its ``one_of`` group its start fits.

    Same node, same time, same dwell: a first visit made anywhere that happens to start inside
    the high-risk window counts as the window's first visit.
    """
    if not c.group.size or not (c.group >= 0).any():
        return best
    locked = {k for seq in c.locked for k in seq}
    members: dict[int, list[int]] = {}
    for visit in np.flatnonzero(c.group >= 0).tolist():
        members.setdefault(int(c.group[visit]), []).append(visit)
    routes = [list(r) for r in best.routes]
    starts = dict(best.starts)
    for route in routes:
        for i, k in enumerate(route):
            g = int(c.group[k])
            if g < 0 or k in locked:
                continue
            begin = starts[k]
            fits = [v for v in members[g] if c.earliest[v] <= begin <= c.latest[v]]
            best_label = max(fits, key=lambda v: (int(c.units[v]), v == k))
            if best_label != k:
                route[i] = best_label
                starts[best_label] = starts.pop(k)
    units = int(sum(int(c.units[k]) for r in routes for k in r))
    return dataclasses.replace(best, routes=routes, starts=starts, units=units)


def _refuse(message: str, message_vi: str) -> NoReturn:
    error = InfeasiblePlanError(message)
    error.message_vi = message_vi
    raise error


def _resolve_locks(
    problem: PatrolProblem, c: Compiled, locked: Mapping[str, Sequence[tuple[str, int]]]
) -> tuple[tuple[int, ...], ...]:
    """Visit indices locked to each team, in order; every lock checked against the problem.

    The locked stops alone must make a feasible route for their team (windows, shift, gaps);
    otherwise the error names the team and the first site that cannot be served.
    """
    teams = {team.id: t for t, team in enumerate(problem.teams)}
    first: dict[str, int] = {}
    k = 0
    for site in problem.sites:
        first[site.id] = k
        k += len(site.visits)
    sites = {site.id: site for site in problem.sites}
    out: list[list[int]] = [[] for _ in problem.teams]
    owner: dict[int, str] = {}
    for team_id, pairs in locked.items():
        if team_id not in teams:
            _refuse(
                f"locked stops: no team {team_id!r} in problem {problem.name!r}",
                f"Điểm dừng cố định: không có tổ {team_id!r} trong kế hoạch {problem.name!r}",
            )
        for site_id, visit in pairs:
            known = sites.get(site_id)
            if known is None or not 0 <= visit < len(known.visits):
                _refuse(
                    f"locked stops of team {team_id}: site {site_id!r} has no visit {visit} "
                    "in this problem",
                    f"Điểm dừng cố định của tổ {team_id}: mục tiêu {site_id!r} không có lượt "
                    f"kiểm tra số {visit} trong kế hoạch này",
                )
            k = first[site_id] + visit
            if k in owner:
                _refuse(
                    f"locked stops: visit {visit} of site {site_id!r} is locked twice "
                    f"(teams {owner[k]} and {team_id})",
                    f"Điểm dừng cố định: lượt {visit} của mục tiêu {site_id!r} bị gán hai lần "
                    f"(tổ {owner[k]} và tổ {team_id})",
                )
            owner[k] = team_id
            out[teams[team_id]].append(k)
    for t, seq in enumerate(out):
        team = problem.teams[t]
        here, clock = int(c.team_start[t]), int(c.team_open[t])
        for k in seq:
            site_id = problem.sites[int(c.site_of[k])].id
            begin = max(clock + int(c.travel[here, c.node[k]]), int(c.earliest[k]))
            if begin > c.latest[k]:
                _refuse(
                    f"team {team.id} cannot serve its locked stop at site {site_id!r} "
                    f"(visit {int(c.visit_of[k])}) inside its window: the earliest it can "
                    f"start there is {begin} s, the window closes at {int(c.latest[k])} s; "
                    "unlock the stop or move it to another team",
                    f"Tổ {team.id} không thể đến điểm dừng cố định {site_id!r} (lượt "
                    f"{int(c.visit_of[k])}) trong khung giờ của nó; hãy bỏ cố định điểm dừng "
                    "này hoặc giao cho tổ khác",
                )
            here, clock = int(c.node[k]), begin + int(c.service[k])
        if seq and clock + int(c.travel[here, c.team_end[t]]) > c.team_close[t]:
            site_id = problem.sites[int(c.site_of[seq[-1]])].id
            _refuse(
                f"team {team.id} cannot serve its locked stops up to site {site_id!r} and be "
                f"back at its depot by the end of its shift ({int(c.team_close[t])} s); "
                "unlock a stop or move it to another team",
                f"Tổ {team.id} không kịp đến các điểm dừng cố định đến {site_id!r} và trở "
                "về nơi xuất phát trước khi hết ca tuần tra; hãy bỏ cố định một điểm dừng "
                "hoặc giao cho tổ khác",
            )
    locks = tuple(tuple(seq) for seq in out)
    if _timed(c, [list(seq) for seq in locks]) is None:
        hit = [(a, b) for a, b, gap in c.gap_pairs if a in owner and b in owner]
        named = ", ".join(sorted({repr(problem.sites[int(c.site_of[a])].id) for a, _ in hit}))
        teams_hit = ", ".join(sorted({owner[k] for pair in hit for k in pair}))
        _refuse(
            f"locked stops of team(s) {teams_hit} at site(s) {named} cannot keep the site's "
            "minimum gap between two visits; unlock one of them",
            f"Các điểm dừng cố định của tổ {teams_hit} tại mục tiêu {named} không giữ được "
            "khoảng cách tối thiểu giữa hai lượt kiểm tra; hãy bỏ cố định một lượt",
        )
    return locks


def _resolve_warm(
    problem: PatrolProblem, c: Compiled, warm: Mapping[str, Sequence[tuple[str, int]]]
) -> tuple[tuple[int, ...], ...]:
    """Visit indices of the warm routes per team; none when they name unknown visits or fail."""
    teams = {team.id: t for t, team in enumerate(problem.teams)}
    index: dict[tuple[str, int], int] = {}
    for k in range(c.n_visits):
        index[(problem.sites[int(c.site_of[k])].id, int(c.visit_of[k]))] = k
    routes: list[list[int]] = [[] for _ in problem.teams]
    for team_id, pairs in warm.items():
        if team_id not in teams or any(pair not in index for pair in pairs):
            return ()
        routes[teams[team_id]] = [index[pair] for pair in pairs]
    used = [k for r in routes for k in r]
    if len(set(used)) != len(used):
        return ()
    groups = [int(c.group[k]) for k in used if c.group.size and c.group[k] >= 0]
    if len(set(groups)) != len(groups) or _timed(c, routes) is None:
        return ()
    return tuple(tuple(r) for r in routes)


def _run(
    c: Compiled,
    seed: int,
    limit: float,
    workers: int,
    deadline: float,
    work_s: float,
    params: SearchParams,
) -> list[_Outcome]:
    context = _pool_context() if workers > 1 else None
    if context is None:
        return [_work(c, seed, w, limit, deadline, work_s, params) for w in range(max(1, workers))]
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        others = [
            pool.submit(_work, c, seed, w, limit, deadline, work_s, params)
            for w in range(1, workers)
        ]
        mine = _work(c, seed, 0, limit, deadline, work_s, params)
        return [mine, *(f.result() for f in others)]


def _plan(
    problem: PatrolProblem, c: Compiled, best: _Outcome, seed: int, workers: int
) -> PatrolPlan:
    routes = []
    served: dict[int, int] = {}
    for t, route in enumerate(best.routes):
        if not route:
            continue
        team = problem.teams[t]
        stops = []
        here = team.start
        first = best.starts[route[0]] - int(c.travel[here, c.node[route[0]]])
        clock = first
        for k in route:
            node = int(c.node[k])
            arrive = clock + int(c.travel[here, node])
            begin = best.starts[k]
            served[k] = begin
            site = problem.sites[int(c.site_of[k])]
            stops.append(
                Stop(site.id, int(c.visit_of[k]), node, arrive, begin, begin + site.service_s)
            )
            clock = begin + site.service_s
            here = node
        back = clock + int(c.travel[here, team.end])
        travel = _travel_of(c, team.start, team.end, route)
        routes.append(Route(team.id, first, back, travel, tuple(stops)))

    unserved = [
        Unserved(
            problem.sites[int(c.site_of[k])].id, int(c.visit_of[k]), _reason(problem, c, k, served)
        )
        for k in range(c.n_visits)
        if k not in served
    ]
    value = float(
        sum(problem.sites[int(c.site_of[k])].visits[int(c.visit_of[k])].value for k in served)
    )
    search = {
        "seed": seed,
        "iterations": best.iterations,
        "stopped_by": best.stopped_by,
        "polish": best.polish,
        "variety": c.variety,
        "workers": workers,
    }
    return PatrolPlan(
        problem=problem.name,
        value=value,
        travel_s=sum(r.travel_s for r in routes),
        routes=tuple(routes),
        unserved=tuple(unserved),
        extra={"search": search},
    )


def _travel_of(c: Compiled, start: int, end: int, route: list[int]) -> int:
    path = [start, *(int(c.node[k]) for k in route), end]
    return int(sum(int(c.travel[a, b]) for a, b in itertools.pairwise(path)))


def _reason(problem: PatrolProblem, c: Compiled, k: int, served: dict[int, int]) -> str:
    """Why visit ``k`` is not in the plan: the first that applies of the reasons below."""
    if not c.reachable[k]:
        return "window_unreachable"
    if c.units[k] == 0:
        return "no_value"
    site = problem.sites[int(c.site_of[k])]
    visit = int(c.visit_of[k])
    first = k - visit
    for group in site.one_of:
        if visit in group and any(first + other in served for other in group if other != visit):
            return "alternative_served"
    gap = site.min_gap_s
    if gap:
        lo, hi = int(c.earliest[k]), int(c.latest[k])
        for other in range(first, first + len(site.visits)):
            # Every start inside the window would come too close to the served visit.
            begin = served.get(other)
            if other != k and begin is not None and begin - gap < lo and hi < begin + gap:
                return "min_gap"
    return "no_time"
