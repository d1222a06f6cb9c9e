"""Turn a ``PatrolProblem`` into plain integer arrays a search engine can use.

One *visit* is one optional node of the search (OR-Tools visits a node at most once, so several
visits of one site are several nodes). Everything here is integer and explicit:

- times and travel are whole seconds, as in the contract;
- values become whole *value units*: ``round(value * value_scale)`` with ``value_scale = 1`` when
  every value is a whole number and ``1000`` otherwise (values are compared to 0.001);
- the penalty for leaving a visit out is ``units * big_m`` where ``big_m`` is one more than the
  largest total travel any plan can have (the sum of the teams' shift lengths: a team cannot
  drive longer than its shift). One value unit therefore outweighs every possible saving in
  travel, so the search never trades value for distance, and among plans of equal value the
  one with less travel costs less.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from patrolbase.errors import InfeasiblePlanError
from routing.model import PatrolProblem

__all__ = ["Compiled", "compile_problem"]

# OR-Tools costs are int64; keep the total objective well inside it.
_MAX_OBJECTIVE = 2**62


@dataclass(frozen=True)
class Compiled:
    """A problem as integer arrays; visit ``k`` is ``(site_of[k], visit_of[k])`` of the problem.

    ``reachable[k]`` is False for a visit no team can serve inside its window and still get home
    in time; such visits are left out of the search and reported as ``window_unreachable``.
    ``locked[t]`` lists the visits team ``t`` must serve, in that order (other visits may come
    between them); the search never removes them or moves them to another team.
    """

    travel: np.ndarray
    cost: np.ndarray
    node: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    service: np.ndarray
    units: np.ndarray
    site_of: np.ndarray
    visit_of: np.ndarray
    reachable: np.ndarray
    team_start: np.ndarray
    team_end: np.ndarray
    team_open: np.ndarray
    team_close: np.ndarray
    gap_pairs: tuple[tuple[int, int, int], ...]
    value_scale: int
    big_m: int
    variety: float = 0.0
    locked: tuple[tuple[int, ...], ...] = ()
    warm: tuple[tuple[int, ...], ...] = ()
    """Routes to start the search from (a hint: the search may change them)."""
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """``one_of`` group of each visit (-1: none); at most one visit of a group is served."""

    @property
    def n_visits(self) -> int:
        """Number of visits (search nodes other than depots)."""
        return len(self.node)

    @property
    def n_teams(self) -> int:
        """Number of teams (vehicles)."""
        return len(self.team_start)

    def locked_mask(self) -> np.ndarray:
        """Boolean mask over visits: True for the visits locked to a team."""
        mask = np.zeros(self.n_visits, dtype=bool)
        for seq in self.locked:
            mask[list(seq)] = True
        return mask


def compile_problem(problem: PatrolProblem, *, variety: float = 0.0, seed: int = 0) -> Compiled:
    """Flatten ``problem`` into integer arrays, with value units and the drop penalty scale.

    Parameters
    ----------
    problem
        A validated problem.
    variety
        Largest relative random surcharge on an arc's cost (0: cost is travel time).
    seed
        Seed of the surcharges.

    Returns
    -------
    Compiled
        Arrays indexed by visit and by team.

    Raises
    ------
    InfeasiblePlanError
        When the values are so large that the scaled objective would overflow int64.

    """
    travel = np.asarray(problem.travel_s, dtype=np.int64)
    if variety > 0:
        noise = np.random.default_rng([seed, 0x5EED]).random(travel.shape)
        cost = np.floor(travel * (1.0 + variety * noise)).astype(np.int64)
    else:
        cost = travel.copy()
    rows = [
        (si, vi, site.node, v.earliest, v.latest, site.service_s, v.value)
        for si, site in enumerate(problem.sites)
        for vi, v in enumerate(site.visits)
    ]
    values = [r[6] for r in rows]
    value_scale = 1 if all(float(v).is_integer() for v in values) else 1000
    units = np.array([round(v * value_scale) for v in values], dtype=np.int64)

    team_start = np.array([t.start for t in problem.teams], dtype=np.int64)
    team_end = np.array([t.end for t in problem.teams], dtype=np.int64)
    team_open = np.array([t.shift[0] for t in problem.teams], dtype=np.int64)
    team_close = np.array([t.shift[1] for t in problem.teams], dtype=np.int64)
    # A team drives at most its shift; its cost is at most (1 + variety) times that.
    big_m = int(np.ceil((team_close - team_open).sum() * (1.0 + variety))) + 1
    if int(units.sum()) * big_m + big_m >= _MAX_OBJECTIVE:
        msg = (
            "sites[].visits[].value: the values are too large to plan with "
            f"(total {sum(values):g}); divide every value by the same factor, the plan is the same"
        )
        raise InfeasiblePlanError(msg)

    def col(k: int) -> np.ndarray:
        return np.array([r[k] for r in rows], dtype=np.int64)

    node, earliest, latest, service = col(2), col(3), col(4), col(5)
    reachable = np.zeros(len(rows), dtype=bool)
    for t in range(len(team_start)):
        arrive = team_open[t] + travel[team_start[t], node]
        begin = np.maximum(arrive, earliest)
        back = begin + service + travel[node, team_end[t]]
        reachable |= (begin <= latest) & (back <= team_close[t])

    gap_pairs = []
    group = np.full(len(rows), -1, dtype=np.int64)
    first = 0
    for site in problem.sites:
        for g in site.one_of:
            group[[first + k for k in g]] = int(group.max()) + 1
        count = len(site.visits)
        # Visits of a ``one_of`` group get a gap longer than their windows allow between two
        # starts, so the gap rule itself keeps at most one of them.
        exclusive = {
            (first + a, first + b)
            for group in site.one_of
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        }
        for a in range(first, first + count):
            for b in range(a + 1, first + count):
                if (a, b) in exclusive or (b, a) in exclusive:
                    span = max(latest[a], latest[b]) - min(earliest[a], earliest[b])
                    gap_pairs.append((a, b, int(span) + 1))
                    continue
                # The rule can only bite when the two windows come closer than the gap.
                apart = max(earliest[b] - latest[a], earliest[a] - latest[b])
                if site.min_gap_s > 0 and apart < site.min_gap_s:
                    gap_pairs.append((a, b, site.min_gap_s))
        first += count

    return Compiled(
        travel=travel,
        cost=cost,
        node=node,
        earliest=earliest,
        latest=latest,
        service=service,
        units=units,
        site_of=col(0),
        visit_of=col(1),
        reachable=reachable,
        team_start=team_start,
        team_end=team_end,
        team_open=team_open,
        team_close=team_close,
        gap_pairs=tuple(gap_pairs),
        value_scale=value_scale,
        big_m=big_m,
        variety=float(variety),
        group=group,
    )
