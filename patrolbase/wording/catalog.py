"""The product's texts: one gettext catalog a translator edits without reading Python.

``locale/vi/LC_MESSAGES/patrol.po`` holds every text of the interface and the exports. Each
entry's context (``msgctxt``) is the key the code asks for (``plan.solve``, ``export.title``),
its ``msgid`` the English text and its ``msgstr`` the Vietnamese one, so a translator opens the
file in Poedit or any text editor, sees the English beside the Vietnamese and changes the latter.
Babel reads it (``babel.messages.pofile``); texts are ``str.format`` templates (``{name}``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

__all__ = ["CATALOG_PATH", "Words", "catalog_texts", "say", "words"]

CATALOG_PATH = ("locale", "vi", "LC_MESSAGES", "patrol.po")
"""Where the catalog lies inside the ``wording`` package."""


@functools.cache
def catalog_texts() -> Mapping[str, tuple[str, str]]:
    """Return every text of the catalog: key -> ``(Vietnamese, English)``, read once.

    An entry left untranslated (empty ``msgstr``) or marked fuzzy falls back to the English.

    >>> catalog_texts()["export.title"]
    ('Kế hoạch tuần tra khép kín', 'Closed-loop patrol plan')
    """
    from babel.messages.pofile import read_po

    source = resources.files("patrolbase.wording").joinpath(*CATALOG_PATH)
    with source.open("rb") as stream:
        catalog = read_po(stream, locale="vi", domain="patrol")
    texts: dict[str, tuple[str, str]] = {}
    for message in catalog:
        if not message.id or not message.context:
            continue  # the header
        english = str(message.id)
        vietnamese = str(message.string or "") if not message.fuzzy else ""
        texts[str(message.context)] = (vietnamese or english, english)
    return texts


def say(key: str, lang: str = "vi", /, **values: Any) -> str:
    """Return the text ``key`` in ``lang`` (``vi`` or ``en``) with ``values`` put in.

    >>> say("export.minutes", "en")
    'min'
    """
    vietnamese, english = catalog_texts()[key]
    template = vietnamese if lang == "vi" else english
    return template.format(**values) if values else template


class Words(Mapping[str, Any]):
    """The catalog's texts under ``prefix`` in one language, read like a nested dictionary.

    ``words("summary", "vi")["title"]`` is the text ``summary.title``; ``["roles"]`` the texts
    under ``summary.roles.`` (so ``["roles"].get("police", "police")`` works as on a dict).
    """

    def __init__(self, prefix: str, lang: str) -> None:
        self.prefix, self.lang = prefix, lang

    def _keys(self) -> list[str]:
        head = f"{self.prefix}."
        return sorted({k[len(head) :].split(".")[0] for k in catalog_texts() if k.startswith(head)})

    def __getitem__(self, key: str) -> Any:
        name = f"{self.prefix}.{key}"
        if name in catalog_texts():
            return say(name, self.lang)
        if any(k.startswith(f"{name}.") for k in catalog_texts()):
            return Words(name, self.lang)
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


def words(prefix: str, lang: str = "vi") -> Words:
    """Return the texts under ``prefix`` in ``lang`` (``Words``).

    >>> words("summary.levels", "vi")["very_high"]
    'rất cao'
    """
    return Words(prefix, lang)
