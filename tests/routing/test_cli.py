"""``patrol solve``: a plan on stdout or in a file; bad problems get one line naming the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from patrol.cli import app

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

GOOD: dict[str, Any] = {
    "format": "patrol-problem/1",
    "name": "Văn Miếu night shift",
    "nodes": [{"id": "police-hq", "lat": 21.0281, "lon": 105.8357}, {"id": "n17"}, {"id": "n18"}],
    "travel_s": [[0, 95, 300], [101, 0, 250], [280, 240, 0]],
    "teams": [
        {
            "id": "T1",
            "start": 0,
            "end": 0,
            "shift": [0, 25200],
            "members": {"police": 2, "military": 1},
        }
    ],
    "sites": [
        {
            "id": "bank-bidv-1",
            "node": 1,
            "service_s": 600,
            "min_gap_s": 3600,
            "visits": [
                {"earliest": 10800, "latest": 18000, "value": 80},
                {"earliest": 0, "latest": 25200, "value": 20},
            ],
        },
        {
            "id": "gold-1",
            "node": 2,
            "service_s": 300,
            "visits": [{"earliest": 0, "latest": 25200, "value": 50}],
        },
    ],
    "time_limit_s": 2,
    "seed": 7,
}


def _run(tmp_path, doc: Any, *extra: str) -> Any:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return CliRunner().invoke(app, ["solve", str(path), *extra])


def test_solve_writes_a_plan_to_stdout_and_to_a_file(tmp_path, check):
    result = _run(tmp_path, GOOD, "--time-limit", "2", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert check(GOOD, plan) == []
    assert plan["value"] == 150 and plan["format"] == "patrol-plan/1"
    out = tmp_path / "plan.json"
    result = _run(tmp_path, GOOD, "--seed", "3", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["routes"] == plan["routes"]
    assert plan["search"]["workers"] == 2 and plan["search"]["polish"] in ("improved", "kept")


def test_one_worker_plans_in_this_process_and_says_so(tmp_path, check):
    result = _run(tmp_path, GOOD, "--time-limit", "2", "--seed", "3", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert check(GOOD, plan) == [] and plan["value"] == 150
    assert plan["search"]["workers"] == 1
    refused = _run(tmp_path, GOOD, "--workers", "0")
    assert refused.exit_code != 0 and plan["value"] == 150


def _broken(change) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (_broken(lambda d: d["travel_s"].pop()), "travel_s"),
        (_broken(lambda d: d["travel_s"][1].append(3)), "travel_s[1]"),
        (_broken(lambda d: d["travel_s"][2].__setitem__(0, -5)), "travel_s[2][0]"),
        (_broken(lambda d: d["travel_s"][0].__setitem__(1, None)), "travel_s[0][1]"),
        (_broken(lambda d: d["travel_s"][1].__setitem__(2, True)), "travel_s[1][2]"),
        (_broken(lambda d: d["travel_s"][2].__setitem__(1, 7.5)), "travel_s[2][1]"),
        (_broken(lambda d: d["sites"][1].__setitem__("node", 9)), "sites[1].node"),
        (_broken(lambda d: d["teams"][0].__setitem__("end", 3)), "teams[0].end"),
        (
            _broken(lambda d: d["sites"][0]["visits"][0].update(earliest=18000, latest=10800)),
            "sites[0].visits[0]",
        ),
        (_broken(lambda d: d["teams"][0].update(start=2, shift=[0, 100])), "teams[0].shift"),
        ("{not json", "not a UTF-8 JSON document"),
    ],
)
def test_bad_problems_get_one_line_naming_the_field(tmp_path, doc, field):
    result = _run(tmp_path, doc)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert field in lines[0]


def test_missing_file_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["solve", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "file not found" in result.stderr
