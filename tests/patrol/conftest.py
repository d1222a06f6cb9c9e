"""Fixtures of the pipeline tests: the default area's inputs and one planned night."""

from __future__ import annotations

from datetime import date

import pytest

from geodata.shift import Shift
from patrol.pipeline import Inputs, ShiftPlan, load_inputs, plan_shift


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    """Load the default area with demonstration incidents up to 22/11/2026."""
    return load_inputs(demo_until=date(2026, 11, 22))


@pytest.fixture(scope="module")
def night(inputs: Inputs) -> ShiftPlan:
    """Plan the night of 23/11/2026, 22:00-05:00, three teams, seed 7."""
    shift = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")
    return plan_shift(inputs, shift, n_teams=3, time_limit_s=3, seed=7)
