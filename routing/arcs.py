"""Arc routing with time limits: closed loops from a depot that drive along required streets.

A street to drive is a *task* with one or more allowed orientations (a two-way street may be
driven either way, a one-way street only its own way); driving it takes its service time. The
engine knows places only by index: ``between_s[a, b]`` is the shortest time from place ``a`` to
place ``b`` over the whole street graph (the caller computes it and expands the paths between
the served streets; see ``geodata.streets``). Each run is a vehicle with a time budget; a task
left out costs its ``penalty``, so a penalty larger than any loop's time makes the search
serve every task that fits and report the others (``ArcPlan.left``).

The standard transformation of the capacitated arc routing problem into node routing: each task
becomes one node per orientation, the orientations of one task form one disjunction, the travel
from one node to the next is the service time of the first plus the shortest time from its end
to the other's start. ``routing._ortools_arcs`` builds and searches the OR-Tools model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from patrolbase.errors import ProblemFormatError

__all__ = ["ArcLoop", "ArcPlan", "ArcProblem", "ArcTask", "solve_arcs"]

_IMPROVE = {"guided": "GUIDED_LOCAL_SEARCH", "descent": "GREEDY_DESCENT"}


@dataclass(frozen=True)
class ArcTask:
    """One street to drive once.

    Attributes
    ----------
    options
        Allowed orientations ``(start place, end place, service_s)``.
    penalty
        Cost of leaving the task out, in the unit of the travel times (seconds).

    """

    options: tuple[tuple[int, int, int], ...]
    penalty: int


@dataclass(frozen=True)
class ArcProblem:
    """Tasks, travel times between places, the depot and one time budget per run.

    Attributes
    ----------
    between_s
        ``n x n`` shortest travel times (integer seconds) between places.
    depot
        Place every loop leaves from and returns to.
    tasks
        The streets to drive.
    budgets_s
        One time budget per run (a vehicle on one outing), in seconds.
    run_cost
        Cost of using a run at all (seconds): a positive value packs the tasks into fewer runs.

    """

    between_s: NDArray[np.int64]
    depot: int
    tasks: tuple[ArcTask, ...]
    budgets_s: tuple[int, ...]
    run_cost: int = 0

    def __post_init__(self) -> None:
        n = self.between_s.shape[0] if self.between_s.ndim == 2 else -1
        problems = []
        if n < 1 or self.between_s.shape != (n, n):
            problems.append(f"between_s must be a square matrix, got {self.between_s.shape}")
        elif (self.between_s < 0).any():
            problems.append("between_s has negative times")
        if not 0 <= self.depot < max(n, 0):
            problems.append(f"depot {self.depot} is not a place (0..{n - 1})")
        if not self.budgets_s or any(b <= 0 for b in self.budgets_s):
            problems.append(f"every run needs a positive time budget, got {self.budgets_s}")
        for k, task in enumerate(self.tasks):
            if not task.options or task.penalty < 0:
                problems.append(f"task {k} needs at least one orientation and a penalty >= 0")
            for start, end, service in task.options:
                if not (0 <= start < n and 0 <= end < n) or service < 0:
                    problems.append(f"task {k}: orientation {(start, end, service)} is invalid")
        if problems:
            raise ProblemFormatError("; ".join(problems[:5]))

    def loop_time(self, served: tuple[tuple[int, int], ...]) -> int:
        """Time of a loop serving ``(task, orientation)`` in order, from the depot and back."""
        at, total = self.depot, 0
        for task, option in served:
            start, end, service = self.tasks[task].options[option]
            total += int(self.between_s[at, start]) + service
            at = end
        return total + int(self.between_s[at, self.depot])


@dataclass(frozen=True)
class ArcLoop:
    """One run's loop: the tasks served in driving order, each with its orientation."""

    run: int
    served: tuple[tuple[int, int], ...]
    duration_s: int


@dataclass(frozen=True)
class ArcPlan:
    """Loops, one per run (empty when the run is not needed), and the tasks left out."""

    loops: tuple[ArcLoop, ...]
    left: tuple[int, ...]
    objective: int
    solve_s: float


def solve_arcs(
    problem: ArcProblem,
    *,
    time_limit_s: float = 10.0,
    solutions: int = 100,
    seed: int = 0,
    improve: str = "guided",
) -> ArcPlan:
    """Serve as many tasks as the runs' budgets allow, in closed loops from the depot.

    Parameters
    ----------
    problem
        Tasks, travel times, depot, budgets.
    time_limit_s
        Wall time the search may use at most.
    solutions
        Accepted solutions after which the search stops: the same problem gives the same loops
        whenever this, not the wall time, ends the search.
    seed
        Permutes the order tasks are given to the search (another seed, other loops of about
        the same length).
    improve
        ``guided`` (guided local search, until ``solutions`` or the time limit) or ``descent``
        (stops at the first local optimum: quick, and always the same result).

    Returns
    -------
    ArcPlan
        One loop per run, each within its budget, and the tasks left out.

    Examples
    --------
    >>> between = np.array([[0, 10, 20], [10, 0, 10], [20, 10, 0]])
    >>> street = ArcTask(options=((1, 2, 30), (2, 1, 30)), penalty=10_000)
    >>> plan = solve_arcs(ArcProblem(between, 0, (street,), (100,)))
    >>> plan.loops[0].served, plan.loops[0].duration_s, plan.left
    (((0, 0),), 60, ())

    """
    from routing._ortools_arcs import search_arcs

    started = time.perf_counter()
    order = np.random.default_rng(seed).permutation(len(problem.tasks)).tolist()
    if improve not in _IMPROVE:
        msg = f"improve = {improve!r}: use one of {', '.join(_IMPROVE)}"
        raise ProblemFormatError(msg)
    runs, objective = search_arcs(
        problem,
        order=order,
        time_limit_s=time_limit_s,
        solutions=solutions,
        metaheuristic=_IMPROVE[improve],
    )
    served = {task for run in runs for task, _ in run}
    loops = tuple(
        ArcLoop(run=r, served=tuple(run), duration_s=problem.loop_time(tuple(run)) if run else 0)
        for r, run in enumerate(runs)
    )
    left = tuple(k for k in range(len(problem.tasks)) if k not in served)
    return ArcPlan(loops, left, objective, round(time.perf_counter() - started, 3))
