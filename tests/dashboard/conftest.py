"""Fixtures of the dashboard tests: the default area and its inputs, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from patrol.config import Settings


@pytest.fixture(scope="session")
def inputs() -> Any:
    """Inputs of the default area (Văn Miếu - Cát Linh) with its demonstration incidents."""
    from patrol.pipeline import load_inputs

    return load_inputs(Settings())


@pytest.fixture(scope="session")
def base(inputs: Any) -> Any:
    """Base-map layers of the default area."""
    from dashboard import mapview

    return mapview.base_layers(inputs.area)
