"""The server's start-up warm-up fills the caches the first session reads, and the kernels."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import cache, warmup
from patrolbase.settings import Settings


def test_the_first_sessions_area_comes_from_the_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import geodata.area
    import geodata.hotspots
    import routing._kernel

    loads: list[Any] = []
    real = geodata.area.load_area
    kernels: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(geodata.area, "load_area", counted)
    monkeypatch.setattr(routing._kernel, "warm_up", lambda: kernels.append("routing"))
    monkeypatch.setattr(geodata.hotspots, "warm_up_statistics", lambda: kernels.append("stats"))
    monkeypatch.delenv("PATROL_SETTINGS", raising=False)
    monkeypatch.delenv("PATROL_AREA", raising=False)
    frozen: list[int] = []  # not this test process's heap: only that the server's is frozen
    monkeypatch.setattr(warmup.gc, "freeze", lambda: frozen.append(len(loads)))
    cache._area.clear()

    warmup.warm()
    assert len(loads) == 1 and kernels == ["routing", "stats"]
    assert frozen == [1]  # once, after the area was loaded: later collections skip it
    # A session with the default settings (as ``dashboard.state.init`` makes them): no reload.
    settings = Settings()
    area = cache.area(None, settings.network.default_mode, settings.model_dump_json())
    assert len(loads) == 1 and area.name
    cache.base_layers(None, settings.network.default_mode, settings.model_dump_json())
    assert len(loads) == 1
