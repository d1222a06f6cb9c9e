"""A night's plan as files: the problem, the plan and the summary, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from patrol.pipeline import ShiftPlan

__all__ = ["plan_texts", "write_plan_outputs", "write_texts"]


def plan_texts(result: ShiftPlan, *, lang: str = "vi") -> dict[str, str]:
    """Return the texts of ``problem.json``, ``plan.json`` and ``summary.txt`` by file name."""
    from patrol.summary import plan_summary

    return {
        "problem.json": json.dumps(
            result.problem.to_dict(), ensure_ascii=False, indent=1, default=_json_default
        ),
        "plan.json": json.dumps(
            result.plan.to_dict(), ensure_ascii=False, indent=1, default=_json_default
        ),
        "summary.txt": plan_summary(result, lang=lang),
    }


def write_plan_outputs(result: ShiftPlan, out_dir: str | Path, *, lang: str = "vi") -> list[Path]:
    """Write ``problem.json``, ``plan.json`` and ``summary.txt`` into ``out_dir``, atomically."""
    return write_texts(out_dir, plan_texts(result, lang=lang))


def write_texts(out_dir: str | Path, files: dict[str, str]) -> list[Path]:
    """Write each text into ``out_dir`` under its name, each file atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
        written.append(target)
    return written


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(type(value).__name__)
