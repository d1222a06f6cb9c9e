"""Every text the dashboard shows, in Vietnamese and English; numbers, dates, times in each.

The texts live in the product's gettext catalog (``patrolbase.wording``); this module keeps the
dashboard's way of asking for them. Pure: no Streamlit. Pages get a translator with
``translator(lang)`` and call it with a key and the values to put in. Vietnamese writes dates
``dd/mm/yyyy``, 24-hour times, ``.`` between thousands and ``,`` before decimals; English here
keeps ``dd/mm/yyyy`` and 24-hour times too (the ward's documents use them) with ``,`` between
thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from patrolbase.lang import LANGS, Lang
from patrolbase.schema import IncidentType, stop_kind_label
from patrolbase.wording import catalog_texts, fmt_decimal

__all__ = [
    "LANGS",
    "TEXT",
    "Lang",
    "fmt_clock",
    "fmt_date",
    "fmt_duration",
    "fmt_number",
    "incident_label",
    "kind_label",
    "risk_level_label",
    "t",
    "translator",
]


TEXT: Mapping[str, tuple[str, str]] = catalog_texts()
"""Key -> ``(Vietnamese, English)`` ``str.format`` templates, from the product's catalog
(``patrolbase/wording/locale/vi/LC_MESSAGES/patrol.po``: a translator edits the texts there)."""


def t(key: str, lang: Lang = "vi", /, **values: Any) -> str:
    """Return the text of ``key`` in ``lang`` with ``values`` put in.

    >>> t("map.facility_count", "vi", n=12)
    '12 mục tiêu'
    """
    vi, en = TEXT[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template


def translator(lang: Lang) -> Callable[..., str]:
    """Return ``t`` bound to ``lang``.

    >>> translator("en")("page.map")
    'Map'
    """

    def bound(key: str, /, **values: Any) -> str:
        return t(key, lang, **values)

    return bound


def fmt_number(value: float, lang: Lang = "vi", *, decimals: int = 0) -> str:
    """Write a number with the separators of ``lang``.

    >>> fmt_number(12345.5, "vi", decimals=1)
    '12.345,5'
    >>> fmt_number(12345.5, "en", decimals=1)
    '12,345.5'
    """
    return fmt_decimal(value, lang, decimals=decimals)


def fmt_date(day: date | datetime, lang: Lang = "vi") -> str:
    """``dd/mm/yyyy`` in both languages (the ward's documents write dates this way)."""
    del lang
    return f"{day:%d/%m/%Y}"


def fmt_clock(moment: datetime | time) -> str:
    """24-hour ``HH:MM``."""
    return f"{moment:%H:%M}"


def fmt_duration(seconds: float, lang: Lang = "vi") -> str:
    """Write a duration in hours and minutes (under an hour, minutes only).

    ``1 giờ 05 phút`` / ``1 h 05 min``.

    >>> fmt_duration(3900, "vi")
    '1 giờ 05 phút'
    """
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if lang == "vi":
        return f"{hours} giờ {minutes:02d} phút" if hours else f"{minutes} phút"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def kind_label(kind: str, lang: Lang = "vi") -> str:
    """Name of a facility kind (or a key route) in ``lang``; an unknown kind as it is."""
    return stop_kind_label(kind, lang)


def incident_label(kind: str, lang: Lang = "vi") -> str:
    """Name of an incident type in ``lang``; an unknown type is shown as it is."""
    try:
        member = IncidentType(kind)
    except ValueError:
        return str(kind)
    return member.label_vi if lang == "vi" else member.label_en


def risk_level_label(level: str | None, lang: Lang = "vi") -> str:
    """Name of a risk level (``low``/``medium``/``high``/``very_high``) in ``lang``."""
    key = f"risk.{level}" if level and f"risk.{level}" in TEXT else "risk.unknown"
    return t(key, lang)
