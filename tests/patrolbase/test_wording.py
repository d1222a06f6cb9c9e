"""The text catalog (``patrolbase/wording/locale/vi/LC_MESSAGES/patrol.po``), entry by entry."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patrolbase.wording import catalog_texts, fmt_decimal, say
from patrolbase.wording.catalog import CATALOG_PATH

ROOT = Path(__file__).resolve().parents[2]
_AVOID = (
    "Hạt giống",
    "phục vụ",
    "Đối tượng",
    "Từ đâu",
    "(UTC)",
    "Ở lại",
    "Kho bạc nhà nước",
    "Ban chỉ huy quân sự",
    "phê duyệt bởi",
    "quanh các điểm cố định",
    "Bản đồ nền: không",
)
"""Wording the glossary (shared/glossary-vi.md) tells a police reader stumbles on."""


def _fields(template: str) -> set[str]:
    """Names put into a ``str.format`` template, format specs included (``{share:.0%}``)."""
    return set(re.findall(r"{(\w*)(?:[:!][^}]*)?}", template))


def _entries() -> list[tuple[str, str, str, bool]]:
    source = resources.files("patrolbase.wording").joinpath(*CATALOG_PATH)
    with source.open("rb") as stream:
        catalog = read_po(stream, locale="vi")
    return [
        (str(m.context or ""), str(m.id), str(m.string or ""), m.fuzzy) for m in catalog if m.id
    ]


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    entries = _entries()
    assert len(entries) > 400
    keys = [key for key, *_ in entries]
    assert all(keys) and len(set(keys)) == len(keys)  # every entry is named once
    for key, english, vietnamese, fuzzy in entries:
        assert english.strip() and vietnamese.strip() and not fuzzy, key
        assert _fields(vietnamese) == _fields(english), key


def test_no_vietnamese_text_writes_a_decimal_point() -> None:
    points = [(key, vi) for key, _, vi, _ in _entries() if re.search(r"\d\.\d", vi)]
    assert points == []


def test_no_wording_the_glossary_avoids() -> None:
    found = [(key, word) for key, _, vi, _ in _entries() for word in _AVOID if word in vi]
    assert found == []


def test_every_export_text_the_code_asks_for_is_in_the_catalog() -> None:
    asked = set()
    for path in (ROOT / "patrol" / "export").glob("*.py"):
        asked |= set(re.findall(r"""\btext\(\s*["']([\w.]+)["']""", path.read_text("utf-8")))
    assert len(asked) > 30
    assert sorted(k for k in asked if f"export.{k}" not in catalog_texts()) == []


def test_lookups_and_numbers() -> None:
    assert say("export.title", "vi") == "Kế hoạch tuần tra khép kín"
    assert say("map.facility_count", "en", n=3) == "3 sites"
    assert fmt_decimal(4.7, "vi", decimals=1) + " giây" == "4,7 giây"
    assert fmt_decimal(-0.4, "vi", decimals=1) == "-0,4"
    with pytest.raises(KeyError):
        say("no.such.key")
