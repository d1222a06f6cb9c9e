"""The codebase keeps its shape: files of one idea, each past 500 lines saying why at its top."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("patrolbase", "routing", "geodata", "patrol", "dashboard")
LIMIT = 500
REASON = "One file past 500 lines"


def test_long_product_files_say_why_they_are_one_file() -> None:
    unexplained = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "vendor" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if text.count("\n") <= LIMIT:
                continue
            doc = ast.get_docstring(ast.parse(text)) or ""
            if REASON not in doc:
                unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, (
        f"split these along their seams, or write '{REASON}: <why>' in the module docstring: "
        + ", ".join(unexplained)
    )
