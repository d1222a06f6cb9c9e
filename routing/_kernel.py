"""Compiled inner loops of the ruin-and-recreate search (numba).

A round of the search rates inserting every waiting visit at every position of every route.
In numpy each such rating block cost about 0.2 ms of interpreter overhead, most of a round;
compiled, a block costs a few microseconds, so the same work budget buys several times more
rounds (``docs/routing.md``). The functions work in place on plain arrays:

- ``problem``: ``(travel, travel_t, cost, node, earliest, latest, service, team_start,
  team_end, team_open, team_close)``, all int64 (``travel_t`` is ``travel`` transposed, so
  that "from every waiting visit to this node" is a contiguous row);
- ``gaps``: ``(first, second, gap, ptr, partner, partner_gap, group)``: the gap pairs (except
  those with both visits locked), the same pairs as a list of partners per visit (CSR), and
  each visit's ``one_of`` group (-1: none; at most one visit of a group is served);
- a state: ``routes`` (teams x capacity, the first ``lens[t]`` entries used), ``lens``,
  ``start`` (earliest start of each served visit, -1 when unserved) and per-team ``travel``
  and ``cost``;
- ``counts``: work done, counted (stops scheduled, rating blocks, cells rated, cells scanned
  for a route's best).

Compiled once and cached beside this file (``cache=True``); ``warm_up`` compiles ahead.
"""

from __future__ import annotations

import functools

import numba as nb
import numpy as np

__all__ = ["recreate", "remove", "time_route", "warm_up"]


@nb.njit(cache=True)
def time_route(t, problem, routes, lens, start, travel_out, cost_out, counts):  # type: ignore[no-untyped-def]
    """Earliest starts of team ``t``'s route; ``False`` when a window or the shift is missed."""
    travel, _, cost, node, earliest, latest, service, t_start, t_end, t_open, t_close = problem
    here = t_start[t]
    clock = t_open[t]
    driven = 0
    paid = 0
    counts[0] += lens[t]
    for i in range(lens[t]):
        k = routes[t, i]
        there = node[k]
        leg = travel[here, there]
        driven += leg
        paid += cost[here, there]
        begin = max(clock + leg, earliest[k])
        if begin > latest[k]:
            return False
        start[k] = begin
        clock = begin + service[k]
        here = there
    leg = travel[here, t_end[t]]
    if clock + leg > t_close[t]:
        return False
    travel_out[t] = driven + leg
    cost_out[t] = paid + cost[here, t_end[t]]
    return True


@nb.njit(cache=True)
def _drop(t, i, problem, routes, lens, start, travel_out, cost_out, counts):  # type: ignore[no-untyped-def]
    start[routes[t, i]] = -1
    for j in range(i, lens[t] - 1):
        routes[t, j] = routes[t, j + 1]
    lens[t] -= 1
    # Removing a stop only makes the later ones earlier, except where travel times break the
    # triangle inequality; then the route may fail and the caller's check catches it.
    return time_route(t, problem, routes, lens, start, travel_out, cost_out, counts)


@nb.njit(cache=True)
def remove(problem, gaps, fixed, removed, routes, lens, start, travel_out, cost_out, counts):  # type: ignore[no-untyped-def]
    """Take the visits marked in ``removed`` off their routes, then repair the gap rule.

    Earlier starts after a removal can bring two visits of a site too close: the later one is
    dropped (never a locked one), until no pair is too close. ``False`` when a route became
    infeasible (travel times that break the triangle inequality).
    """
    ok = True
    for t in range(lens.size):
        kept = 0
        for i in range(lens[t]):
            k = routes[t, i]
            if removed[k]:
                start[k] = -1
            else:
                routes[t, kept] = k
                kept += 1
        if kept != lens[t]:
            lens[t] = kept
            ok &= time_route(t, problem, routes, lens, start, travel_out, cost_out, counts)
    first, second, gap = gaps[0], gaps[1], gaps[2]
    while ok:
        bad = -1
        for e in range(first.size):
            a, b = first[e], second[e]
            if start[a] >= 0 and start[b] >= 0 and abs(start[a] - start[b]) < gap[e]:
                if fixed[a]:
                    bad = b
                elif fixed[b] or start[a] > start[b]:
                    bad = a
                else:
                    bad = b
                break
        if bad < 0:
            break
        for t in range(lens.size):
            for i in range(lens[t]):
                if routes[t, i] == bad:
                    ok &= _drop(t, i, problem, routes, lens, start, travel_out, cost_out, counts)
                    break
    return ok


@nb.njit(cache=True)
def _gap_ok(t, gaps, routes, lens, start):  # type: ignore[no-untyped-def]
    ptr, partner, partner_gap = gaps[3], gaps[4], gaps[5]
    for i in range(lens[t]):
        k = routes[t, i]
        for e in range(ptr[k], ptr[k + 1]):
            other = start[partner[e]]
            if other >= 0 and abs(start[k] - other) < partner_gap[e]:
                return False
    return True


@nb.njit(cache=True)
def _rate(  # type: ignore[no-untyped-def]
    t, problem, gaps, routes, lens, start, pool, weight, alive, noise, by_cost, ratio, counts
):
    """Rate inserting every waiting visit at every position of team ``t``'s route (-1: no).

    Feasibility is O(1) per cell with *max shift* bookkeeping: a position's slack is how much
    later its next stop may be reached (its wait plus its own slack) without breaking a later
    window or the team's return. A cell whose visit would start too near a served visit of its
    site is refused here too: such cells (the same site's next visit, placed beside the first
    with no travel) rate best of all, and trying them one by one stalled the construction.
    """
    travel, travel_t, cost, node, earliest, latest, service, t_start, t_end, t_open, t_close = (
        problem
    )
    ptr, partner, partner_gap = gaps[3], gaps[4], gaps[5]
    n = lens[t]
    prev = np.empty(n + 1, np.int64)
    nxt = np.empty(n + 1, np.int64)
    depart = np.empty(n + 1, np.int64)
    slack = np.empty(n + 1, np.int64)
    here = t_start[t]
    clock = t_open[t]
    for i in range(n):
        k = routes[t, i]
        prev[i] = here
        depart[i] = clock
        nxt[i] = node[k]
        clock = start[k] + service[k]
        here = node[k]
    prev[n] = here
    depart[n] = clock
    nxt[n] = t_end[t]
    slack[n] = t_close[t] - (clock + travel[here, t_end[t]])
    for i in range(n - 1, -1, -1):
        k = routes[t, i]
        wait = start[k] - (depart[i] + travel[prev[i], nxt[i]])
        slack[i] = wait + min(latest[k] - start[k], slack[i + 1])
    counts[1] += 1
    counts[2] += (n + 1) * pool.size
    for p in range(n + 1):
        a, b = prev[p], nxt[p]
        direct = depart[p] + travel[a, b]
        for u in range(pool.size):
            if not alive[u]:
                ratio[t, p, u] = -1.0
                continue
            k = pool[u]
            v = node[k]
            begin = max(depart[p] + travel[a, v], earliest[k])
            added = begin + service[k] + travel_t[b, v] - direct
            if begin > latest[k] or added > slack[p]:
                ratio[t, p, u] = -1.0
                continue
            near = False
            for e in range(ptr[k], ptr[k + 1]):
                other = start[partner[e]]
                if other >= 0 and abs(begin - other) < partner_gap[e]:
                    near = True
                    break
            if near:
                ratio[t, p, u] = -1.0
                continue
            if by_cost:
                # The detour in cost rather than the time added: finds the shorter loops.
                added = max(cost[a, v] + cost[v, b] - cost[a, b], 0)
            r = weight[u] / (added + 1.0)
            if noise > 0.0:
                r *= 1.0 + noise * np.random.random()
            ratio[t, p, u] = r


@nb.njit(cache=True)
def _best_cell(t, lens, alive, ratio, top, top_p, top_u, counts):  # type: ignore[no-untyped-def]
    """Keep in ``top[t]``, ``top_p[t]``, ``top_u[t]`` team ``t``'s best cell (-1: none)."""
    best, bp, bu = -1.0, 0, 0
    for p in range(lens[t] + 1):
        for u in range(alive.size):
            if alive[u] and ratio[t, p, u] > best:
                best, bp, bu = ratio[t, p, u], p, u
    counts[3] += (lens[t] + 1) * alive.size
    top[t], top_p[t], top_u[t] = best, bp, bu


@nb.njit(cache=True)
def recreate(  # type: ignore[no-untyped-def]
    problem, gaps, pool, weight, noise, by_cost, seed, routes, lens, start, travel_out, cost_out,
    counts,
):  # fmt: skip
    """Insert waiting visits greedily, best rated first, until none fits.

    The rating is ``weight / (time added + 1)`` with seeded noise; after an insertion only the
    changed route is rated again. An insertion that delays a later stop of its route too near
    a visit of the same site is undone and its cell refused; the next best cell is tried.
    """
    np.random.seed(seed)
    m = lens.size
    size = pool.size
    if size == 0:
        return
    capacity = int(lens.max()) + size + 1
    ratio = np.empty((m, capacity, size))
    stale = np.ones(m, np.bool_)
    alive = np.ones(size, np.bool_)
    with_gaps = gaps[0].size > 0
    left = size
    # A visit whose one_of partner is served waits no more: it would only fail the gap rule
    # at every position and use up the tries of a step.
    group = gaps[6]
    taken = np.zeros(group.size + 1, np.bool_)
    for k in range(start.size):
        if start[k] >= 0 and group[k] >= 0:
            taken[group[k]] = True
    for u in range(size):
        if group[pool[u]] >= 0 and taken[group[pool[u]]]:
            alive[u] = False
            left -= 1
    # Each route's best cell, found again only when its route changed or that cell's visit
    # went: scanning every cell of every route at each step cost seconds at 3,000 visits.
    top = np.full(m, -1.0)
    top_p = np.zeros(m, np.int64)
    top_u = np.zeros(m, np.int64)
    while left > 0:
        for t in range(m):
            if stale[t]:
                _rate(t, problem, gaps, routes, lens, start, pool, weight, alive, noise,
                      by_cost, ratio, counts)  # fmt: skip
                stale[t] = False
                top[t] = -2.0
            elif top[t] >= 0.0 and not alive[top_u[t]]:
                top[t] = -2.0
            if top[t] == -2.0:
                _best_cell(t, lens, alive, ratio, top, top_p, top_u, counts)
        bt = int(np.argmax(top))
        if top[bt] < 0.0:
            return  # nothing fits
        bp, bu = top_p[bt], top_u[bt]
        k = pool[bu]
        for j in range(lens[bt], bp, -1):
            routes[bt, j] = routes[bt, j - 1]
        routes[bt, bp] = k
        lens[bt] += 1
        time_route(bt, problem, routes, lens, start, travel_out, cost_out, counts)
        if with_gaps and not _gap_ok(bt, gaps, routes, lens, start):
            # Refused cells stay refused until their route changes: the loop ends.
            _drop(bt, bp, problem, routes, lens, start, travel_out, cost_out, counts)
            ratio[bt, bp, bu] = -1.0
            top[bt] = -2.0
            continue
        alive[bu] = False
        left -= 1
        stale[bt] = True
        g = group[k]
        if g >= 0:
            for u in range(size):
                if alive[u] and group[pool[u]] == g:
                    alive[u] = False
                    left -= 1


@functools.cache
def warm_up() -> None:
    """Compile every kernel now (or load it from the cache) on a two-visit problem.

    Once per process (a forked worker inherits the loaded kernels): later calls return at once.
    """
    travel = np.array([[0, 60, 90], [60, 0, 45], [90, 45, 0]], dtype=np.int64)
    one = np.ones(1, dtype=np.int64)
    problem = (
        travel,
        np.ascontiguousarray(travel.T),
        travel.copy(),
        np.array([1, 2], dtype=np.int64),
        np.zeros(2, dtype=np.int64),
        np.array([3600, 3600], dtype=np.int64),
        np.array([60, 60], dtype=np.int64),
        0 * one,
        0 * one,
        0 * one,
        7200 * one,
    )
    gaps = (
        np.array([0], np.int64),
        np.array([1], np.int64),
        np.array([600], np.int64),
        np.array([0, 1, 2], np.int64),
        np.array([1, 0], np.int64),
        np.array([600, 600], np.int64),
        np.array([-1, -1], np.int64),
    )
    routes = np.zeros((1, 3), dtype=np.int64)
    lens = np.zeros(1, dtype=np.int64)
    start = np.full(2, -1, dtype=np.int64)
    travel_out = np.zeros(1, dtype=np.int64)
    cost_out = np.zeros(1, dtype=np.int64)
    counts = np.zeros(4, dtype=np.int64)
    pool = np.array([0, 1], dtype=np.int64)
    weight = np.array([1.0, 1.0])
    state = (routes, lens, start, travel_out, cost_out, counts)
    time_route(0, problem, *state)
    recreate(problem, gaps, pool, weight, 0.1, False, 1, *state)
    remove(problem, gaps, np.zeros(2, dtype=np.bool_), np.ones(2, dtype=np.bool_), *state)
    recreate(problem, gaps, pool, weight, 0.0, True, 1, *state)
