"""What every settings section shares: frozen, no unknown keys, range checks naming the key."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

FROZEN = ConfigDict(frozen=True, extra="forbid")


def merged(value: Any, defaults: dict[str, Any]) -> Any:
    """Defaults overlaid with the given table, so a settings file may set one key of it."""
    return {**defaults, **value} if isinstance(value, dict) else value


def out_of_range(
    where: str,
    table: dict[Any, Any],
    low: float,
    high: float,
    shown: str,
    *,
    open_low: bool = False,
) -> list[str]:
    return [
        f"{where}.{key} = {value}: must be in {shown}"
        for key, value in table.items()
        if not (low < value <= high if open_low else low <= value <= high)
    ]
