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

import time
from dataclasses import dataclass

import numpy as np

from routing._compile import Compiled

__all__ = ["HeuristicResult", "improve", "schedule"]

Routes = list[list[int]]


@dataclass(frozen=True)
class HeuristicResult:
    """Best routes found, their value units and travel, and how the search ended."""

    routes: Routes
    units: int
    travel: int
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


class _State:
    """Routes with their schedules; the arrays of insertion positions for the vectorised test."""

    def __init__(self, c: Compiled, routes: Routes) -> None:
        self.c = c
        self.routes = [list(r) for r in routes]
        self.start = np.full(c.n_visits, -1, dtype=np.int64)
        self.travel = [0] * c.n_teams
        self.partners: dict[int, list[tuple[int, int]]] = {}
        for a, b, gap in c.gap_pairs:
            self.partners.setdefault(a, []).append((b, gap))
            self.partners.setdefault(b, []).append((a, gap))
        for t in range(c.n_teams):
            self._time(t)

    def _time(self, t: int) -> None:
        got = schedule(self.c, t, self.routes[t])
        if got is None:  # pragma: no cover - callers only keep feasible routes
            msg = f"internal: route of team {t} became infeasible"
            raise AssertionError(msg)
        starts, _, travel = got
        for k, s in zip(self.routes[t], starts, strict=True):
            self.start[k] = s
        self.travel[t] = travel

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
            for a, b, gap in self.c.gap_pairs:
                sa, sb = self.start[a], self.start[b]
                if sa >= 0 and sb >= 0 and abs(int(sa) - int(sb)) < gap:
                    bad = a if sa > sb else b
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

    def positions(self) -> tuple[np.ndarray, ...]:
        """Per insertion position: team, index, previous node, its departure, next node, slack."""
        c = self.c
        team, index, prev, depart, nxt, slack = [], [], [], [], [], []
        for t, route in enumerate(self.routes):
            nodes = [int(c.team_start[t]), *(int(c.node[k]) for k in route), int(c.team_end[t])]
            departs = [int(c.team_open[t])]
            waits = [0]
            for k in route:
                arrive = departs[-1] + int(c.travel[nodes[len(departs) - 1], c.node[k]])
                begin = int(self.start[k])
                waits.append(begin - arrive)
                departs.append(begin + int(c.service[k]))
            back = departs[-1] + int(c.travel[nodes[-2], nodes[-1]])
            # max_shift of the return is the time left before the shift closes.
            shift_next = int(c.team_close[t]) - back
            slacks = [0] * (len(route) + 1)
            slacks[len(route)] = shift_next
            for i in range(len(route) - 1, -1, -1):
                k = route[i]
                own = int(c.latest[k]) - int(self.start[k])
                max_shift = min(own, slacks[i + 1])
                slacks[i] = waits[i + 1] + max_shift
            for i in range(len(route) + 1):
                team.append(t)
                index.append(i)
                prev.append(nodes[i])
                depart.append(departs[i])
                nxt.append(nodes[i + 1])
                slack.append(slacks[i])
        return tuple(np.array(x, dtype=np.int64) for x in (team, index, prev, depart, nxt, slack))

    def recreate(self, candidates: np.ndarray, rng: np.random.Generator, noise: float) -> None:
        c = self.c
        pool = np.array([k for k in candidates if self.start[k] < 0], dtype=np.int64)
        while pool.size:
            team, index, prev, depart, nxt, slack = self.positions()
            nodes = c.node[pool]
            arrive = depart[:, None] + c.travel[prev][:, nodes]
            begin = np.maximum(arrive, c.earliest[pool][None, :])
            leave = begin + c.service[pool][None, :]
            added = leave + c.travel[nodes][:, nxt].T - depart[:, None] - c.travel[prev, nxt][:, None]
            ok = (begin <= c.latest[pool][None, :]) & (added <= slack[:, None])
            if not ok.any():
                return
            value = c.units[pool].astype(np.float64)
            ratio = (value * value)[None, :] / (added + 1.0)
            if noise:
                ratio = ratio * (1.0 + noise * rng.random(ratio.shape))
            ratio = np.where(ok, ratio, -1.0)
            order = np.argsort(-ratio, axis=None, kind="stable")
            inserted = False
            for flat in order[: 8 if c.gap_pairs else 1]:
                p, u = np.unravel_index(flat, ratio.shape)
                if ratio[p, u] < 0:
                    break
                t, k = int(team[p]), int(pool[u])
                self.routes[t].insert(int(index[p]), k)
                self._time(t)
                if not c.gap_pairs or self.gap_ok(t):
                    inserted = True
                    pool = np.delete(pool, u)
                    break
                self.routes[t].remove(k)
                self.start[k] = -1
                self._time(t)
            if not inserted:
                # Only gap conflicts left among the best candidates: stop rather than loop.
                return


def improve(
    c: Compiled,
    *,
    seed: int,
    iterations: int,
    time_limit_s: float,
    initial: Routes | None = None,
) -> HeuristicResult:
    """Ruin and recreate from ``initial`` (or from empty routes) for ``iterations`` rounds.

    Parameters
    ----------
    c
        The compiled problem.
    seed
        Seed of the random choices.
    iterations
        Work budget: the number of ruin-and-recreate rounds.
    time_limit_s
        Wall-time cap; reaching it first makes the result depend on the machine's speed.
    initial
        Feasible routes to start from.

    Returns
    -------
    HeuristicResult
        The best routes found.
    """
    began = time.monotonic()
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero(c.reachable & (c.units > 0))
    state = _State(c, initial or [[] for _ in range(c.n_teams)])
    state.recreate(candidates, rng, 0.0)
    big = c.big_m

    def score(s: _State) -> int:
        return s.units * big - sum(s.travel)

    current = [list(r) for r in state.routes]
    current_score = score(state)
    best, best_score = current, current_score
    done = 0
    stopped_by = "iterations"
    threshold0 = 0.01 * max(state.units, 1) * big
    while done < iterations:
        if time.monotonic() - began > time_limit_s:
            stopped_by = "time"
            break
        progress = done / max(iterations, 1)
        trial = _State(c, current)
        served = np.flatnonzero(trial.served())
        if served.size:
            most = max(1, min(30, int(0.3 * served.size)))
            q = int(rng.integers(1, most + 1))
            mode = rng.random()
            if mode < 0.4:
                t = int(rng.integers(c.n_teams))
                route = trial.routes[t]
                if not route:
                    route = trial.routes[int(np.argmax([len(r) for r in trial.routes]))]
                first = int(rng.integers(len(route)))
                removed = set(route[first : first + q])
            elif mode < 0.8:
                pivot = int(rng.choice(served))
                near = np.argsort(c.travel[c.node[pivot], c.node[served]], kind="stable")
                removed = {int(k) for k in served[near[:q]]}
            else:
                removed = {int(k) for k in rng.choice(served, size=min(q, served.size), replace=False)}
            trial.remove(removed)
        trial.recreate(candidates, rng, 0.3)
        done += 1
        trial_score = score(trial)
        if trial_score >= current_score - threshold0 * (1.0 - progress):
            current, current_score = [list(r) for r in trial.routes], trial_score
            if trial_score > best_score:
                best, best_score = current, trial_score
    final = _State(c, best)
    return HeuristicResult(best, final.units, sum(final.travel), done, stopped_by)
