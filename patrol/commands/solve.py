"""``patrol solve``: a ``patrol-problem/1`` file in, a ``patrol-plan/1`` document out.

Exit status 0 when a plan was written (also when some visits stay unserved); 2 with a one-line
reason on stderr when the problem cannot be read or is malformed. Registered in ``patrol.cli``
by importing this module; the solver loads only when the command runs.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app
from patrol.files import write_private
from patrolbase.errors import PatrolError

__all__ = ["solve_command"]


def _process_started() -> float:
    """``time.monotonic()`` at this process's start, so the time limit counts its imports too.

    Read from ``/proc`` (Linux); elsewhere, now.
    """
    now = time.monotonic()
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # start, in ticks since boot
        return now - max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - ticks)
    except (OSError, ValueError, IndexError, AttributeError):
        return now


@app.command("solve")
def solve_command(
    problem: Annotated[Path, typer.Argument(help="patrol-problem/1 file (JSON).")],
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", min=0.1, help="Seconds the solver may use (default: the file's)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Search seed (default: the file's).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Plan file to write; stdout without it.")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Searches side by side, one process each (1: this process only, the compute "
            "of a one-thread solver).",
        ),
    ] = 2,
) -> None:
    """Plan closed-loop patrol routes for a problem file and write the plan as JSON."""
    from routing import PatrolProblem, solve

    started = _process_started()
    try:
        parsed = PatrolProblem.from_file(problem)
        plan = solve(parsed, time_limit_s=time_limit, seed=seed, workers=workers, started=started)
        text = json.dumps(plan.to_dict(), ensure_ascii=False, indent=1)
        if output is None:
            typer.echo(text)
        else:
            write_private(output, text + "\n")
    except PatrolError as exc:
        # One line, so scripts can read the reason; the message already names the field.
        typer.echo("error: " + " ".join(str(exc).split()), err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"error: {output}: cannot write the plan ({exc.strerror})", err=True)
        raise typer.Exit(2) from None
