"""The languages of the product's text: Vietnamese first, English for visitors and developers."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang"]

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
