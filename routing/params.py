"""How the search spends its work: one validated object, passed to ``solve``.

The defaults were fitted on the TOPTW instances and the default area's night
(``docs/routing.md``, ``bench/toptw_settings.py``); a benchmark or a tuning run passes its own
``SearchParams`` instead of changing module constants.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from patrolbase.errors import SettingsError

__all__ = ["SearchParams"]

Restart = Literal["best", "scratch"]


@dataclass(frozen=True)
class SearchParams:
    """Parameters of the ruin-and-recreate search and its OR-Tools polish.

    Raises ``SettingsError`` naming the parameter when a value is out of range.
    """

    variety: float = 0.15
    """Seeded random surcharge (share of travel time, per street leg) on route costs, so that
    another seed gives other loops of equal value: patrols are hard to predict. 0 keeps the
    strictly shortest loops, as the contract's objective says."""
    work_per_s: float = 500.0
    """Work units (about a millisecond of this machine, idle) budgeted per second of the time
    limit, per worker, for the search and the estimated polish together: the search ends by
    this count, well inside the time limit, so the same seed gives the same plan."""
    patience: int = 200
    """Rounds without improvement after which a worker starts again (at least 5 per visit)."""
    reheats: int = 50
    """Restarts in a row that find nothing better, after which a worker stops."""
    threshold: float = 0.03
    """Largest loss of value a round may accept early in a search started without a worker's
    own threshold (share of the first solution's value)."""
    max_removed: int = 20
    """Most visits one round removes and inserts again (bigger rounds cost more each)."""
    searches: tuple[tuple[Restart, float], ...] = (("best", 0.02), ("scratch", 0.005))
    """How each worker searches, in turn: where it starts again when it stops improving (from
    its best routes, or from a fresh construction) and its threshold."""
    heuristic_share: float = 0.8
    """Share of the time limit for ruin and recreate; OR-Tools polishes in the rest."""
    polish_per_visit: float = 2.0
    """Estimated polish work per visit (measured: TOPTW 100 visits ~0.1 s; the default night,
    172 visits and 116 gap pairs, 1-1.5 s)."""
    polish_per_gap: float = 6.0
    """Estimated polish work per gap pair (each a constraint that slows every move)."""
    polish_max_share: float = 1.0
    """Largest share of the budget the polish's estimate may have; a night past it is not
    polished and the search gets the whole budget and time limit."""
    polish_max_visits: int = 1500
    """Most visits of a night the polish takes: a 3,000-visit night took OR-Tools seconds to
    read and gave no first solution in its share, while the search improved all along."""
    rounds_per_s: int = 20_000
    """Most rounds per second of the time limit: far above what the work allows (2,000-6,000
    rounds a second on TOPTW), so the work decides."""

    def __post_init__(self) -> None:
        bounds = {
            "variety": (0.0, 1.0),
            "work_per_s": (1.0, 1e6),
            "patience": (1, 10**7),
            "reheats": (1, 10**6),
            "threshold": (0.0, 1.0),
            "max_removed": (1, 10_000),
            "heuristic_share": (0.05, 1.0),
            "polish_per_visit": (0.0, 1e4),
            "polish_per_gap": (0.0, 1e4),
            "polish_max_share": (0.0, 1.0),
            "polish_max_visits": (0, 10**7),
            "rounds_per_s": (1, 10**8),
        }
        bad = [
            f"{f.name} = {getattr(self, f.name)!r}: use a value in [{low}, {high}]"
            for f in fields(self)
            if f.name in bounds
            for low, high in [bounds[f.name]]
            if not low <= getattr(self, f.name) <= high
        ]
        if not self.searches or any(
            r not in ("best", "scratch") or not 0 <= t <= 1 for r, t in self.searches
        ):
            bad.append(
                f"searches = {self.searches!r}: give one or more (restart, threshold) pairs, "
                "restart 'best' or 'scratch', threshold in [0, 1]"
            )
        if bad:
            raise SettingsError("search parameters: " + "; ".join(bad))
