"""Shared fixtures. Tests never reach the network: sockets to anything but this machine fail."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
OSM = DATA / "osm"
DEFAULT_OSM = OSM / "hanoi-van-mieu-cat-linh.osm.bz2"
_LOCAL_PREFIXES = ("127.", "::1", "localhost", "0.0.0.0")
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(
        _LOCAL_PREFIXES
    ):
        msg = f"tests must not reach the network (tried {address!r})"
        raise RuntimeError(msg)
    return _real_connect(self, address)  # type: ignore[arg-type]


_REQUIRED_IN_CI = ("chromium", "poppler", "postgresql")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, a test skipped for want of Chromium, poppler or PostgreSQL fails instead."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not (_in_ci() and report.skipped):
        return
    longrepr = report.longrepr
    reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)
    if any(word in reason.lower() for word in _REQUIRED_IN_CI):
        report.outcome = "failed"
        report.longrepr = f"CI: a required test was skipped ({reason}); install what is missing"


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder of the tests' real data (OSM extracts, schemas, broken files)."""
    return DATA


@pytest.fixture(scope="session")
def tracksynth() -> Any:
    """Give ``tests/data/tracksynth.py``: GPS tracks made from a plan's street path with times."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tracksynth", DATA / "tracksynth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample_plan_doc() -> dict[str, Any]:
    """Give the approved sample plan of 23/11/2026 on the default area (two teams, street paths)."""
    import json

    return json.loads((DATA.parent / "export" / "data" / "sample-plan.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def default_osm() -> Path:
    """Give the Hà Nội Văn Miếu - Quốc Tử Giám / Cát Linh extract."""
    return DEFAULT_OSM


@pytest.fixture(scope="session")
def contract_errors() -> Callable[[Any, Any], list[str]]:
    """Give ``contract_errors(problem, plan)``: what ``bench/_checker.py`` finds wrong.

    The checker shares no code with the solver; problem and plan (models or dicts) go to it as
    the JSON documents of the contract.
    """
    path = Path(__file__).parents[1] / "bench" / "_checker.py"
    spec = importlib.util.spec_from_file_location("bench_checker", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def errors(problem: Any, plan: Any) -> list[str]:
        docs = [json.loads(json.dumps(d if isinstance(d, dict) else d.to_dict()))
                for d in (problem, plan)]  # fmt: skip
        return module.check_plan(*docs)  # type: ignore[no-any-return]

    return errors
