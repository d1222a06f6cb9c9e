"""The routing engine is usable alone: a problem in, a plan out, with only its own dependencies.

A fresh interpreter refuses to import the rest of the project and the map and settings
libraries; the engine still reads a problem, solves it and writes a plan.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

BLOCKED = (
    "patrol",
    "geodata",
    "dashboard",
    "pydantic",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "networkx",
    "osmnx",
    "streamlit",
    "sqlalchemy",
)


@pytest.mark.slow
def test_routing_runs_with_only_its_own_dependencies(random_problem) -> None:
    doc = random_problem(5, sites=8, visits=2, teams=2, gap_s=1800)
    script = textwrap.dedent(
        f"""
        import importlib.abc, json, sys

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {BLOCKED!r}:
                    raise ImportError(f"routing imported {{name}}")
                return None

        sys.meta_path.insert(0, Refuse())
        from routing import PatrolProblem, solve

        problem = PatrolProblem.from_dict(json.loads(sys.stdin.read()))
        plan = solve(problem, time_limit_s=30, work_s=0.3, workers=1, seed=1)
        print(json.dumps(plan.to_dict()))
        """
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", script],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    plan = json.loads(done.stdout)
    assert plan["format"] == "patrol-plan/1"
    assert plan["routes"] and plan["value"] > 0
