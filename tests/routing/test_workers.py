"""The second search worker starts safely from a multi-threaded server (the dashboard)."""

from __future__ import annotations

import threading
import warnings

import pytest

from routing import PatrolProblem, solve
from routing.solve import _pool_context, prepare_workers

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


def test_a_threaded_caller_gets_a_worker_server_not_a_fork(random_problem) -> None:
    problem = PatrolProblem.from_dict(random_problem(11, sites=10, visits=2, teams=2, gap_s=1800))
    found: dict[str, object] = {}

    def plan() -> None:
        # Inside a second thread, as under the dashboard's server.
        found["context"] = _pool_context()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Python 3.12+ warns when forking with threads
            prepare_workers()
            first = solve(problem, time_limit_s=60, work_s=1, seed=3)
            again = solve(problem, time_limit_s=60, work_s=1, seed=3)
        found["plans"] = (first.to_dict(), again.to_dict())

    worker = threading.Thread(target=plan)
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert found["context"].get_start_method() == "forkserver"
    first, again = found["plans"]
    assert first == again  # both workers ran their counted work: same seed, same plan
    assert first["search"]["stopped_by"] != "time"
    assert first["routes"]
    # Alone in its thread, the CLI keeps the fast fork.
    assert _pool_context().get_start_method() == "fork"
