"""Speed of the ruin-and-recreate search: this tree against an earlier revision, side by side.

Each version runs the same TOPTW problems for the same number of rounds (no time limit, no
restarts) in its own process, twice, alternating, and the faster of each pair of runs is
kept; the table prints milliseconds per round and the ratio. The earlier revision is checked
out into a temporary git worktree.

    .venv/bin/python bench/heuristic_speed.py --baseline c7ae43f   # the numpy search
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
PAIRS = ["pr08:3", "c108:4", "r112:2", "rc103:1", "pr10:1"]

# Run inside the version under test: its ``routing`` first on the path.
_PROBE = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from _toptw_io import to_problem
from routing import PatrolProblem
from routing._compile import compile_problem
import routing._heuristic as H
if hasattr(H, "_kernel"):
    H._kernel.warm_up()
for pair in sys.argv[4].split(","):
    name, m = pair.split(":")
    c = compile_problem(PatrolProblem.from_dict(to_problem(name, int(m))), variety=0.15, seed=1)
    H.improve(c, seed=1, iterations=5, time_limit_s=60)
    began = time.perf_counter()
    got = H.improve(c, seed=1, iterations=int(sys.argv[3]), time_limit_s=600, patience=None)
    print(pair, 1000 * (time.perf_counter() - began) / got.iterations)
"""


def _run(tree: Path, rounds: int) -> dict[str, float]:
    probe = [sys.executable, "-c", _PROBE, str(tree), str(ROOT / "bench"), str(rounds)]
    out = subprocess.run(
        [*probe, ",".join(PAIRS)], capture_output=True, text=True, check=True, cwd=tree
    ).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.strip()}


def main() -> None:
    """Print milliseconds per round of both versions and their ratio."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", required=True, help="git revision to compare with")
    ap.add_argument("--rounds", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(old), args.baseline],
            cwd=ROOT, check=True,
        )  # fmt: skip
        try:
            runs: dict[str, list[dict[str, float]]] = {"baseline": [], "this tree": []}
            for _ in range(2):
                runs["baseline"].append(_run(old, args.rounds))
                runs["this tree"].append(_run(ROOT, args.rounds))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT)
    print(f"ruin and recreate, {args.rounds} rounds, ms per round (faster of 2 runs each)")
    print(f"{'pair':<9}{args.baseline[:12]:>14}{'this tree':>11}{'ratio':>8}")
    for pair in PAIRS:
        a = min(r[pair] for r in runs["baseline"])
        b = min(r[pair] for r in runs["this tree"])
        print(f"{pair:<9}{a:>14.3f}{b:>11.3f}{a / b:>8.1f}")


if __name__ == "__main__":
    main()
