"""Texts and formats of the interface: every key the pages use exists in both languages."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest

from dashboard import i18n
from patrolbase.schema import FacilityKind, IncidentType

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# T("key" / t("key" / t(f"prefix.{x}" in the dashboard's code.
_CALL = re.compile(r"""\b[Tt]\(\s*(f?)["']([^"']+)["']""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        if path.name == "review.py":  # another part's page, with its own texts
            continue
        for is_f, key in _CALL.findall(path.read_text(encoding="utf-8")):
            keys.add(key if not is_f else key.split("{")[0] + "*")
    return keys


def test_every_key_the_pages_use_exists() -> None:
    used = _used_keys()
    assert len(used) > 80  # the scan found the pages' calls
    missing = sorted(
        k for k in used
        if (k.endswith("*") and not any(x.startswith(k[:-1]) for x in i18n.TEXT))
        or (not k.endswith("*") and k not in i18n.TEXT)
    )  # fmt: skip
    assert missing == []


@pytest.mark.parametrize("key", sorted(i18n.TEXT))
def test_both_languages_given_with_the_same_placeholders(key: str) -> None:
    vi, en = i18n.TEXT[key]
    assert vi.strip() and en.strip()
    assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", en))


def test_vietnamese_is_written_with_diacritics() -> None:
    assert i18n.t("page.plan", "vi") == "Lập kế hoạch ca"
    assert i18n.t("page.plan", "en") == "Plan a shift"
    assert i18n.t("app.demo_badge", "vi", n="1.234").startswith("Dữ liệu minh họa: 1.234")
    # Nearly every Vietnamese text carries a letter outside ASCII.
    accented = [vi for vi, _ in i18n.TEXT.values() if re.search(r"[^\x00-\x7f]", vi)]
    assert len(accented) / len(i18n.TEXT) > 0.85


def test_numbers_dates_and_times() -> None:
    assert i18n.fmt_number(1234567.891, "vi", decimals=2) == "1.234.567,89"
    assert i18n.fmt_number(1234567.891, "en", decimals=2) == "1,234,567.89"
    assert i18n.fmt_number(66, "vi") == "66"
    assert i18n.fmt_date(date(2026, 1, 5)) == "05/01/2026"
    assert i18n.fmt_clock(datetime(2026, 11, 24, 1, 5)) == "01:05"
    assert i18n.fmt_clock(time(22, 0)) == "22:00"
    assert i18n.fmt_duration(7320, "vi") == "2 giờ 02 phút"
    assert i18n.fmt_duration(7320, "en") == "2 h 02 min"
    assert i18n.fmt_duration(600, "vi") == "10 phút"


def test_labels_reuse_the_schema() -> None:
    for kind in FacilityKind:
        assert i18n.kind_label(kind.value, "vi") == kind.label_vi
        assert i18n.kind_label(kind.value, "en") == kind.label_en
    for itype in IncidentType:
        assert i18n.incident_label(itype.value, "vi") == itype.label_vi
    assert i18n.kind_label("spaceport", "vi") == "spaceport"
    assert i18n.risk_level_label("very_high", "vi") == "Rất cao"
    assert i18n.risk_level_label(None, "en") == "Not assessed"
