"""Ruin-and-recreate search in plain numpy: the warm start handed to OR-Tools.

OR-Tools' own first solutions and metaheuristics stall on orienteering problems (prize
collection with tight windows; see ``docs/routing.md``), so the bulk of the search is done here
and OR-Tools polishes the result (``routing._ortools``). Each iteration removes a few visits
(a stretch of one route, or the visits nearest a random one) and re-inserts greedily the
unserved visit with the best ``value^2 / time added`` ratio (Vansteenwegen et al. 2009), with a
little seeded noise; a candidate is kept when its score is not worse than the current one by
more than a threshold that shrinks to zero (threshold accepting).

Feasibility of an insertion is O(1) per position with the classic *max shift* bookkeeping:
starting service as early as possible, each stop may be delayed by ``wait + max_shift`` of the
next stop without breaking a later window or the team's return. The minimum gap between two
visits of a site is checked on those earliest-start schedules, which is sound (a schedule that
passes is feasible) and a little cautious (waiting to satisfy a gap is left to OR-Tools).

The work is counted in iterations, so the same seed gives the same routes; the wall-time cap
ends the search early only when the machine is slower than the iteration budget assumes.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from routing._compile import Compiled

__all__ = ["HeuristicResult", "improve", "schedule"]

Routes = list[list[int]]

# Largest loss of value (share of the first solution's) a round may accept early in the search.
_THRESHOLD = 0.03

# Restarts from the best routes, threshold warm again, when a search stops improving.
_REHEATS = 4

# Work units (about milliseconds on this machine, idle) of the counted operations; fitted on
# TOPTW instances and the default area's night (``docs/routing.md``).
_W_STOP = 0.0015
_W_BLOCK = 0.16
_W_CELL = 0.00004
_W_ROUND = 0.1

# Most visits one round removes (and inserts again): bigger rounds cost more time each.
_MAX_REMOVED = 10


@dataclass(frozen=True)
class HeuristicResult:
    """Best routes found, their value units and travel, and how the search ended."""

    routes: Routes
    units: int
    travel: int
    cost: int
    iterations: int
    stopped_by: str


def schedule(c: Compiled, team: int, route: list[int]) -> tuple[list[int], int, int] | None:
    """Earliest-start times of ``route`` for ``team``, its return time and travel.

    Returns ``None`` when a window or the shift's end is missed.
    """
    here = int(c.team_start[team])
    clock = int(c.team_open[team])
    travel = 0
    starts = []
    for k in route:
        leg = int(c.travel[here, c.node[k]])
        travel += leg
        begin = max(clock + leg, int(c.earliest[k]))
        if begin > c.latest[k]:
            return None
        starts.append(begin)
        clock = begin + int(c.service[k])
        here = int(c.node[k])
    leg = int(c.travel[here, c.team_end[team]])
    travel += leg
    if clock + leg > c.team_close[team]:
        return None
    return starts, clock + leg, travel


class _Lists:
    """Plain-list copies of the arrays: scalar indexing of lists is several times faster."""

    def __init__(self, c: Compiled) -> None:
        self.travel: list[list[int]] = c.travel.tolist()
        self.cost: list[list[int]] = c.cost.tolist()
        # Transposed copies: rows of "from every node to these" are then contiguous.
        self.travel_t = np.ascontiguousarray(c.travel.T)
        self.cost_t = np.ascontiguousarray(c.cost.T)
        self.node: list[int] = c.node.tolist()
        self.earliest: list[int] = c.earliest.tolist()
        self.latest: list[int] = c.latest.tolist()
        self.service: list[int] = c.service.tolist()
        self.start: list[int] = c.team_start.tolist()
        self.end: list[int] = c.team_end.tolist()
        self.open: list[int] = c.team_open.tolist()
        self.close: list[int] = c.team_close.tolist()
        self.fixed: list[bool] = c.locked_mask().tolist()
        # Work done so far, counted: stops scheduled, insertion blocks and their cells.
        self.counts = [0, 0, 0]

    def work(self) -> float:
        """Work done so far in *work units*, roughly milliseconds of this machine when idle."""
        stops, blocks, cells = self.counts
        return stops * _W_STOP + blocks * _W_BLOCK + cells * _W_CELL


def _schedule(f: _Lists, team: int, route: list[int]) -> tuple[list[int], int, int] | None:
    here = f.start[team]
    clock = f.open[team]
    travel = 0
    starts = []
    for k in route:
        node = f.node[k]
        leg = f.travel[here][node]
        travel += leg
        begin = max(clock + leg, f.earliest[k])
        if begin > f.latest[k]:
            return None
        starts.append(begin)
        clock = begin + f.service[k]
        here = node
    leg = f.travel[here][f.end[team]]
    if clock + leg > f.close[team]:
        return None
    return starts, clock + leg, travel + leg


class _Pool:
    """The visits waiting to be inserted, with their arrays gathered once per recreate."""

    def __init__(self, c: Compiled, pool: np.ndarray, power: float) -> None:
        self.nodes = c.node[pool]
        self.earliest = c.earliest[pool]
        self.latest = c.latest[pool]
        self.service = c.service[pool]
        self.weight = c.units[pool].astype(np.float64) ** power


class _State:
    """Routes with their schedules; the arrays of insertion positions for the vectorised test."""

    def __init__(self, c: Compiled, routes: Routes, lists: _Lists) -> None:
        self.c = c
        self.f = lists
        self.routes = [list(r) for r in routes]
        self.start = np.full(c.n_visits, -1, dtype=np.int64)
        self.travel = [0] * c.n_teams
        self.cost = [0] * c.n_teams
        self._positions: list[tuple[list[int], ...] | None] = [None] * c.n_teams
        self.power = 2.0
        self.fixed = lists.fixed
        self.partners: dict[int, list[tuple[int, int]]] = {}
        for a, b, gap in c.gap_pairs:
            if self.fixed[a] and self.fixed[b]:
                # Both locked: the final schedule waits where the gap asks (``solve._timed``).
                continue
            self.partners.setdefault(a, []).append((b, gap))
            self.partners.setdefault(b, []).append((a, gap))
        for t in range(c.n_teams):
            self._time(t)

    def _time(self, t: int) -> None:
        self.f.counts[0] += len(self.routes[t])
        got = _schedule(self.f, t, self.routes[t])
        if got is None:  # pragma: no cover - callers only keep feasible routes
            msg = f"internal: route of team {t} became infeasible"
            raise AssertionError(msg)
        starts, _, travel = got
        for k, s in zip(self.routes[t], starts, strict=True):
            self.start[k] = s
        self.travel[t] = travel
        f = self.f
        path = [f.start[t], *(f.node[k] for k in self.routes[t]), f.end[t]]
        self.cost[t] = sum(f.cost[a][b] for a, b in itertools.pairwise(path))
        self._positions[t] = None

    @property
    def units(self) -> int:
        return int(sum(int(self.c.units[k]) for r in self.routes for k in r))

    def served(self) -> np.ndarray:
        mask = np.zeros(self.c.n_visits, dtype=bool)
        for r in self.routes:
            mask[r] = True
        return mask

    def remove(self, ks: set[int]) -> None:
        touched = [t for t, r in enumerate(self.routes) if any(k in ks for k in r)]
        for t in touched:
            self.routes[t] = [k for k in self.routes[t] if k not in ks]
        for k in ks:
            self.start[k] = -1
        for t in touched:
            self._time(t)
        self._repair_gaps()

    def _repair_gaps(self) -> None:
        # Earlier starts after a removal can bring two visits of a site too close: drop the
        # later one (it may come back in the next insertion).
        while True:
            bad = None
            fixed = self.fixed
            for a, b, gap in self.c.gap_pairs:
                sa, sb = self.start[a], self.start[b]
                if fixed[a] and fixed[b]:
                    continue
                if sa >= 0 and sb >= 0 and abs(int(sa) - int(sb)) < gap:
                    # Never a locked visit: drop the other one.
                    bad = b if fixed[a] else a if fixed[b] else a if sa > sb else b
                    break
            if bad is None:
                return
            self.remove({bad})

    def gap_ok(self, team: int) -> bool:
        for k in self.routes[team]:
            for other, gap in self.partners.get(k, ()):
                so = self.start[other]
                if so >= 0 and abs(int(self.start[k]) - int(so)) < gap:
                    return False
        return True

    def _route_positions(self, t: int) -> tuple[list[int], ...]:
        f = self.f
        route = self.routes[t]
        nodes = [f.start[t], *(f.node[k] for k in route), f.end[t]]
        departs = [f.open[t]]
        waits = [0]
        start = self.start
        for i, k in enumerate(route):
            arrive = departs[-1] + f.travel[nodes[i]][nodes[i + 1]]
            begin = int(start[k])
            waits.append(begin - arrive)
            departs.append(begin + f.service[k])
        back = departs[-1] + f.travel[nodes[-2]][nodes[-1]]
        # Slack of a position: how much later the next stop may be reached (its wait plus its
        # max shift); for the return it is the time left before the shift closes.
        slacks = [0] * (len(route) + 1)
        slacks[len(route)] = f.close[t] - back
        for i in range(len(route) - 1, -1, -1):
            own = f.latest[route[i]] - int(start[route[i]])
            slacks[i] = waits[i + 1] + min(own, slacks[i + 1])
        size = len(route) + 1
        return ([t] * size, list(range(size)), nodes[:-1], departs, nodes[1:], slacks)

    def _block(
        self, t: int, pool: _Pool, rng: np.random.Generator, noise: float, by_cost: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rate inserting every pool visit at every position of route ``t`` (-1: no)."""
        c, f = self.c, self.f
        _, index, prev, depart, nxt, slack = (np.asarray(x) for x in self._route_positions(t))
        f.counts[1] += 1
        f.counts[2] += len(index) * len(pool.nodes)
        into = c.travel[np.ix_(prev, pool.nodes)]
        out = f.travel_t[np.ix_(nxt, pool.nodes)]
        begin = np.maximum(depart[:, None] + into, pool.earliest)
        added = begin + pool.service + out - (depart + c.travel[prev, nxt])[:, None]
        ok = (begin <= pool.latest) & (added <= slack[:, None])
        if by_cost:
            # The detour in cost rather than the time added: finds the shorter loops.
            detour = (
                c.cost[np.ix_(prev, pool.nodes)]
                + f.cost_t[np.ix_(nxt, pool.nodes)]
                - c.cost[prev, nxt][:, None]
            )
            added = np.maximum(detour, 0)
        ratio = pool.weight / (added + 1.0)
        if noise:
            ratio *= 1.0 + noise * rng.random(ratio.shape)
        return np.where(ok, ratio, -1.0), index

    def recreate(
        self, candidates: np.ndarray, rng: np.random.Generator, noise: float, by_cost: bool = False
    ) -> None:
        c = self.c
        pool = np.array([k for k in candidates if self.start[k] < 0], dtype=np.int64)
        if not pool.size:
            return
        ctx = _Pool(c, pool, self.power)
        alive = np.ones(pool.size, dtype=bool)
        blocks: list[tuple[np.ndarray, np.ndarray] | None] = [None] * c.n_teams
        tries = 8 if c.gap_pairs else 1
        while alive.any():
            for t in range(c.n_teams):
                if blocks[t] is None:
                    blocks[t] = self._block(t, ctx, rng, noise, by_cost)
            ratios = [b[0] for b in blocks if b is not None]
            sizes = np.cumsum([0, *(r.shape[0] for r in ratios)])
            ratio = np.vstack(ratios)
            ratio[:, ~alive] = -1.0
            inserted = False
            for _ in range(tries):
                flat = int(np.argmax(ratio))
                p, u = divmod(flat, ratio.shape[1])
                if ratio[p, u] < 0:
                    break
                t = int(np.searchsorted(sizes, p, side="right") - 1)
                position = int(blocks[t][1][p - sizes[t]])  # type: ignore[index]
                k = int(pool[u])
                self.routes[t].insert(position, k)
                self._time(t)
                if not c.gap_pairs or self.gap_ok(t):
                    inserted = True
                    alive[u] = False
                    blocks[t] = None
                    break
                self.routes[t].remove(k)
                self.start[k] = -1
                self._time(t)
                ratio[p, u] = -1.0
            if not inserted:
                # Nothing fits, or only gap conflicts are left among the best candidates.
                return


def improve(
    c: Compiled,
    *,
    seed: int,
    iterations: int,
    time_limit_s: float,
    patience: int | None = None,
    initial: Routes | None = None,
    work: float | None = None,
    restart: Literal["best", "scratch"] = "best",
) -> HeuristicResult:
    """Ruin and recreate from ``initial`` (or from empty routes) within a work budget.

    Parameters
    ----------
    c
        The compiled problem.
    seed
        Seed of the random choices.
    iterations
        Most ruin-and-recreate rounds.
    time_limit_s
        Wall-time cap; reaching it first makes the result depend on the machine's speed.
    patience
        After this many rounds without a better best solution, start again from the best
        with the threshold warm again, at most ``_REHEATS`` times, then stop (``None``: never).
    initial
        Feasible routes to start from (``None``: the locked visits of each team).
    work
        Work budget in work units (counted operations weighted to about a millisecond of
        this machine, idle; ``None``: rounds only). Counted, not timed, so the same seed gives
        the same routes on any machine that is fast enough.
    restart
        Where a search that stopped improving starts again: ``"best"`` from the best routes
        (intensify), ``"scratch"`` from a fresh noisy construction (diversify; the best
        routes are kept apart).

    Returns
    -------
    HeuristicResult
        The best routes found.

    """
    began = time.monotonic()
    rng = np.random.default_rng(seed)
    fixed = c.locked_mask()
    candidates = np.flatnonzero(c.reachable & (c.units > 0) & ~fixed)
    lists = _Lists(c)
    if initial is None:
        initial = [list(c.locked[t]) if c.locked else [] for t in range(c.n_teams)]
    state = _State(c, initial, lists)
    state.recreate(candidates, rng, 0.0)
    big = c.big_m

    def score(s: _State) -> int:
        return s.units * big - sum(s.cost)

    current = [list(r) for r in state.routes]
    current_score = score(state)
    best, best_score = current, current_score
    done = 0
    last_better = 0
    reheats = 0
    cool_done, cool_work, cool_t = 0, 0.0, began
    clocked = False
    budget = float("inf") if work is None else float(work)

    def spent() -> float:
        return lists.work() + _W_ROUND * done

    stopped_by = "iterations"
    threshold0 = _THRESHOLD * max(state.units, 1) * big
    while done < iterations:
        if spent() >= budget:
            stopped_by = "work"
            break
        if time.monotonic() - began > time_limit_s:
            stopped_by = "time"
            break
        if patience is not None and done - last_better >= patience:
            if reheats == _REHEATS:
                stopped_by = "patience"
                break
            # Stuck: start again, threshold warm again, from the best routes or afresh.
            reheats += 1
            current, current_score = [list(r) for r in best], best_score
            if restart == "scratch":
                # Diversify: a fresh noisy construction, far from the best (kept apart).
                fresh = _State(c, initial, lists)
                fresh.recreate(candidates, rng, 0.6)
                current, current_score = [list(r) for r in fresh.routes], score(fresh)
            last_better = done
            cool_done, cool_work, cool_t = done, spent(), time.monotonic()
        # Cool down over the budget of rounds or work, whichever is nearer its end: counted,
        # so the same seed gives the same search. Only on a machine too slow for the budget
        # does the time cap come nearer; then cool over it (the search depends on the clock,
        # and says so).
        progress = max(
            (done - cool_done) / max(iterations - cool_done, 1),
            (spent() - cool_work) / max(budget - cool_work, 1e-9),
        )
        by_clock = (time.monotonic() - cool_t) / max(began + time_limit_s - cool_t, 1e-9)
        if by_clock > progress + 0.02:
            progress, clocked = by_clock, True
        trial = _State(c, current, lists)
        served = np.flatnonzero(trial.served() & ~fixed)
        if served.size:
            most = max(min(served.size, 4), min(_MAX_REMOVED, int(0.3 * served.size)))
            q = int(rng.integers(1, most + 1))
            mode = rng.random()
            if mode < 0.4:
                t = int(rng.integers(c.n_teams))
                free = [[k for k in r if not fixed[k]] for r in trial.routes]
                route = free[t] or free[int(np.argmax([len(r) for r in free]))]
                first = int(rng.integers(len(route)))
                removed = set(route[first : first + q])
            elif mode < 0.8:
                pivot = int(rng.choice(served))
                near = np.argsort(c.travel[c.node[pivot], c.node[served]], kind="stable")
                removed = {int(k) for k in served[near[:q]]}
            else:
                removed = {
                    int(k) for k in rng.choice(served, size=min(q, served.size), replace=False)
                }
            trial.remove(removed)
        # Vary the greed of the insertion from round to round: value squared or plain value
        # per second added, and more or less noise.
        trial.power = 2.0 if rng.random() < 0.7 else 1.0
        noise = (0.1, 0.3, 0.6)[int(rng.integers(3))]
        trial.recreate(candidates, rng, noise, by_cost=bool(rng.random() < 0.3))
        done += 1
        trial_score = score(trial)
        if trial_score >= current_score - threshold0 * (1.0 - progress):
            current, current_score = [list(r) for r in trial.routes], trial_score
            if trial_score > best_score:
                best, best_score = current, trial_score
                last_better = done
    final = _State(c, best, lists)
    if clocked:
        stopped_by = "time"
    return HeuristicResult(best, final.units, sum(final.travel), sum(final.cost), done, stopped_by)
