"""Ruin-and-recreate search: the warm start handed to OR-Tools.

OR-Tools' own first solutions and metaheuristics stall on orienteering problems (prize
collection with tight windows; see ``docs/routing.md``), so the bulk of the search is done here
and OR-Tools polishes the result (``routing._ortools``). Each round removes a few visits
(a stretch of one route, the visits nearest a random one, or random ones) and re-inserts
greedily the unserved visit with the best ``value^2 / time added`` ratio (Vansteenwegen et al.
2009), with a little seeded noise; a candidate is kept when its score is not worse than the
current one by more than a threshold that shrinks to zero (threshold accepting).

Feasibility of an insertion is O(1) per position with the classic *max shift* bookkeeping:
starting service as early as possible, each stop may be delayed by ``wait + max_shift`` of the
next stop without breaking a later window or the team's return. The minimum gap between two
visits of a site is checked on those earliest-start schedules, which is sound (a schedule that
passes is feasible) and a little cautious (waiting to satisfy a gap is left to OR-Tools).
The inner loops (timing, removal, rating and insertion) are compiled (``routing._kernel``);
this module chooses what to remove, accepts or rejects, and restarts.

The work is counted, not timed, so the same seed gives the same routes; the wall-time cap
ends the search early only when the machine is slower than the work budget assumes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from routing import _kernel
from routing._compile import Compiled

__all__ = ["HeuristicResult", "improve", "schedule"]

Routes = list[list[int]]

# Work units (about milliseconds on this machine, idle) of the counted operations; fitted on
# TOPTW instances and the default area's night (``docs/routing.md``).
_W_STOP = 0.00027
_W_BLOCK = 0.001
_W_CELL = 0.000007
_W_ROUND = 0.11
_W_SCAN = 0.000001
# Nights with this many candidate visits or more re-insert near each ruin only.
_LOCAL_FROM = 600
_LOCAL_PLACES = 30
# Served stops up to which the threshold is its share of the whole plan's value.
_THRESHOLD_STOPS = 100


@dataclass(frozen=True)
class HeuristicResult:
    """Best routes found, their value units and travel, and how the search went."""

    routes: Routes
    units: int
    travel: int
    cost: int
    iterations: int
    stopped_by: str
    restarts: int = 0


def _neighbourhoods(c: Compiled, candidates: np.ndarray) -> dict[int, np.ndarray] | None:
    """Map each place to the candidate visits at its nearest places; large nights only.

    From ``_LOCAL_FROM`` candidates on, a round re-inserts the removed visits and the waiting
    visits near them rather than every waiting visit: rating thousands of visits at every
    position of every route made a round of a 1,000-site night cost tens of milliseconds, and
    the best insertions after a ruin are near it. ``None`` below that size.
    """
    if candidates.size < _LOCAL_FROM:
        return None
    places = np.unique(c.node[candidates])
    there = c.travel[np.ix_(places, places)]
    both_ways = there + there.T
    k = min(_LOCAL_PLACES, places.size)
    nearest = np.argpartition(both_ways, k - 1, axis=1)[:, :k]
    visits_at: dict[int, list[int]] = {}
    for v in candidates.tolist():
        visits_at.setdefault(int(c.node[v]), []).append(v)
    return {
        int(place): np.array(
            [v for j in nearest[i] for v in visits_at[int(places[j])]], dtype=np.int64
        )
        for i, place in enumerate(places)
    }


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


class _Arrays:
    """The compiled problem as the kernels take it, and the work they have counted."""

    def __init__(self, c: Compiled) -> None:
        # Contiguous, writable int64 whatever the compiled problem holds (a read-only matrix
        # would be another signature for the kernels, compiled or loaded on the clock).
        self.problem = tuple(
            np.require(x, dtype=np.int64, requirements=["C", "W"])
            for x in (
                c.travel,
                c.travel.T,
                c.cost,
                c.node,
                c.earliest,
                c.latest,
                c.service,
                c.team_start,
                c.team_end,
                c.team_open,
                c.team_close,
            )
        )
        self.fixed = c.locked_mask()
        # Both locked: the final schedule waits where the gap asks (``solve._timed``).
        pairs = [(a, b, g) for a, b, g in c.gap_pairs if not (self.fixed[a] and self.fixed[b])]
        table = np.array(pairs, dtype=np.int64).reshape(-1, 3)
        first, second, gap = table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()
        # The same pairs as a list of partners per visit (CSR).
        ends = np.concatenate([first, second])
        order = np.argsort(ends, kind="stable")
        self.gaps = (
            first,
            second,
            gap,
            np.searchsorted(ends[order], np.arange(c.n_visits + 1)).astype(np.int64),
            np.concatenate([second, first])[order],
            np.concatenate([gap, gap])[order],
            np.require(
                c.group if c.group.size == c.n_visits else np.full(c.n_visits, -1),
                dtype=np.int64,
                requirements=["C", "W"],
            ),
        )
        # Work done so far, counted: stops scheduled, rating blocks and their cells, and the
        # cells scanned for a route's best.
        self.counts = np.zeros(4, dtype=np.int64)

    def work(self) -> float:
        """Work done so far in *work units*, roughly milliseconds of this machine when idle."""
        stops, blocks, cells, scanned = (int(x) for x in self.counts)
        return stops * _W_STOP + blocks * _W_BLOCK + cells * _W_CELL + scanned * _W_SCAN


class _State:
    """Routes as arrays (teams x capacity) with their earliest starts, travel and cost."""

    def __init__(self, c: Compiled, arrays: _Arrays, routes: Routes | None = None) -> None:
        self.c = c
        self.a = arrays
        self.power = 2.0
        if routes is None:
            return
        self.routes = np.zeros((c.n_teams, c.n_visits + 1), dtype=np.int64)
        self.lens = np.array([len(r) for r in routes], dtype=np.int64)
        for t, r in enumerate(routes):
            self.routes[t, : len(r)] = r
        self.start = np.full(c.n_visits, -1, dtype=np.int64)
        self.travel = np.zeros(c.n_teams, dtype=np.int64)
        self.cost = np.zeros(c.n_teams, dtype=np.int64)
        for t in range(c.n_teams):
            ok = _kernel.time_route(t, arrays.problem, *self._arrays())
            assert ok, f"internal: route of team {t} is infeasible"

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return self.routes, self.lens, self.start, self.travel, self.cost, self.a.counts

    def copy(self) -> _State:
        other = _State(self.c, self.a)
        other.routes, other.lens = self.routes.copy(), self.lens.copy()
        other.start, other.travel, other.cost = (
            self.start.copy(),
            self.travel.copy(),
            self.cost.copy(),
        )
        return other

    def lists(self) -> Routes:
        return [self.routes[t, : self.lens[t]].tolist() for t in range(self.c.n_teams)]

    @property
    def units(self) -> int:
        return int(self.c.units[self.start >= 0].sum())

    def score(self) -> int:
        """Value first (``big_m`` per unit), then the cost of the loops."""
        return self.units * self.c.big_m - int(self.cost.sum())

    def served(self) -> np.ndarray:
        return self.start >= 0

    def remove(self, ks: set[int]) -> None:
        removed = np.zeros(self.c.n_visits, dtype=np.bool_)
        removed[list(ks)] = True
        ok = _kernel.remove(self.a.problem, self.a.gaps, self.a.fixed, removed, *self._arrays())
        assert ok, "internal: a removal made a route infeasible"

    def recreate(
        self, candidates: np.ndarray, rng: np.random.Generator, noise: float, by_cost: bool = False
    ) -> None:
        pool = candidates[self.start[candidates] < 0]
        weight = self.c.units[pool].astype(np.float64) ** self.power
        seed = int(rng.integers(2**31))
        _kernel.recreate(
            self.a.problem, self.a.gaps, pool, weight, noise, by_cost, seed, *self._arrays()
        )


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
    threshold: float = 0.03,
    reheats: int = 50,
    max_removed: int = 20,
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
        After this many rounds without a better best solution, start again with the
        threshold warm again (see ``restart``); after ``reheats`` restarts in a row that
        found nothing better, stop (``None``: never restart, never stop early).
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
    threshold
        Largest loss of value a round may accept at the start of the search (and again after
        each restart), as a share of the first solution's value; it shrinks to zero.
    reheats
        Restarts in a row without a better solution after which the search stops.
    max_removed
        Most visits one round removes and inserts again.

    Returns
    -------
    HeuristicResult
        The best routes found.

    """
    _kernel.warm_up()  # loaded before the clock starts (about 0.6 s the first time)
    began = time.monotonic()
    rng = np.random.default_rng(seed)
    fixed = c.locked_mask()
    candidates = np.flatnonzero(c.reachable & (c.units > 0) & ~fixed)
    arrays = _Arrays(c)
    nearby = _neighbourhoods(c, candidates)
    no_visits = np.zeros(0, dtype=np.int64)  # a warm start's stop may be no candidate
    if initial is None:
        initial = [list(c.locked[t]) if c.locked else [] for t in range(c.n_teams)]
    current = _State(c, arrays, initial)
    current.recreate(candidates, rng, 0.0)
    current_score = current.score()
    best, best_score = current, current_score
    done = 0
    last_better = 0
    futile, restarted_at, restarts = 0, None, 0
    cool_done, cool_work, cool_t = 0, 0.0, began
    clocked = False
    budget = float("inf") if work is None else float(work)

    def spent() -> float:
        return arrays.work() + _W_ROUND * done

    stopped_by = "iterations"
    # A round changes a few dozen stops: on a night of many more, a share of the whole value
    # would let the search drift far below its start, so the share shrinks with the stops.
    stops = int(current.served().sum())
    threshold0 = (
        threshold * max(current.units, 1) * c.big_m * min(1.0, _THRESHOLD_STOPS / max(stops, 1))
    )
    while done < iterations:
        if spent() >= budget:
            stopped_by = "work"
            break
        if time.monotonic() - began > time_limit_s:
            stopped_by = "time"
            break
        if patience is not None and done - last_better >= patience:
            futile = futile + 1 if best_score == restarted_at else 0
            if futile == reheats:
                stopped_by = "patience"
                break
            # Stuck: start again, threshold warm again, from the best routes or afresh.
            restarted_at = best_score
            restarts += 1
            current, current_score = best, best_score
            if restart == "scratch":
                # Diversify: a fresh noisy construction, far from the best (kept apart).
                current = _State(c, arrays, initial)
                current.recreate(candidates, rng, 0.6)
                current_score = current.score()
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
        trial = current.copy()
        served = np.flatnonzero(trial.served() & ~fixed)
        if served.size:
            most = max(min(served.size, 4), min(max_removed, int(0.3 * served.size)))
            q = int(rng.integers(1, most + 1))
            mode = rng.random()
            if mode < 0.4:
                t = int(rng.integers(c.n_teams))
                free = [[k for k in r if not fixed[k]] for r in trial.lists()]
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
        pool = candidates
        if nearby is not None and served.size:
            pool = np.unique(
                np.concatenate([np.fromiter(removed, np.int64)]
                               + [nearby.get(int(c.node[k]), no_visits) for k in removed])
            )  # fmt: skip
        # Vary the greed of the insertion from round to round: value squared or plain value
        # per second added, and more or less noise.
        trial.power = 2.0 if rng.random() < 0.7 else 1.0
        noise = (0.1, 0.3, 0.6)[int(rng.integers(3))]
        trial.recreate(pool, rng, noise, by_cost=bool(rng.random() < 0.3))
        done += 1
        trial_score = trial.score()
        if trial_score >= current_score - threshold0 * (1.0 - progress):
            current, current_score = trial, trial_score
            if trial_score > best_score:
                best, best_score = current, trial_score
                last_better = done
    if clocked:
        stopped_by = "time"
    return HeuristicResult(
        best.lists(),
        best.units,
        int(best.travel.sum()),
        int(best.cost.sum()),
        done,
        stopped_by,
        restarts,
    )
