"""The product's words: the text catalog (``catalog``) and number formats per language.

Part of the bottom layer: it imports nothing above it, so ``geodata``, ``routing``, ``patrol``
and ``dashboard`` can all ask for texts and word numbers the same way. Vietnamese writes ``,``
before decimals and ``.`` between thousands (``4,7 giây``, ``12.345``); English the other way
round.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from patrolbase.lang import Lang
from patrolbase.wording.catalog import Words, catalog_texts, say, words

__all__ = ["Lang", "Words", "catalog_texts", "fmt_decimal", "say", "words"]


def fmt_decimal(value: float, lang: str = "vi", *, decimals: int = 0) -> str:
    """Return ``value`` rounded to ``decimals`` places, written as ``lang`` writes numbers.

    >>> fmt_decimal(0.35, "vi", decimals=2), fmt_decimal(-0.4, "vi", decimals=1)
    ('0,35', '-0,4')
    >>> fmt_decimal(12345.6, "en", decimals=1)
    '12,345.6'
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale="vi" if lang == "vi" else "en")
