"""The routes page's QR code leads a phone on the ward network to the files; no server talk."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from geodata.area import DEFAULT_AREA_NAME
from patrol.store import auth
from patrol.store import plans as stored_plans

SAMPLE = Path(__file__).parents[1] / "export" / "data" / "sample-plan.json"


def _decode(png: Any) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


def _approved_ward(ward_factory: Callable[[], Any], export: str = "") -> Any:
    ward = ward_factory()
    if export:
        text = ward.settings_path.read_text(encoding="utf-8") + export
        ward.settings_path.write_text(text, encoding="utf-8")
    commander = auth.login(
        ward.store, "chihuy", ward.accounts["commander"].password, totp_code=ward.code("commander")
    ).principal
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    ref = stored_plans.save_plan(
        ward.store, commander, doc, area=DEFAULT_AREA_NAME, shift_date=date(2026, 11, 23)
    )
    stored_plans.approve_plan(ward.store, commander, ref.plan_id, expected_version=ref.version)
    return ward


def test_leader_qr_link_goes_to_the_lan_address_of_the_settings(
    ward_factory: Callable[[], Any],
) -> None:
    ward = _approved_ward(ward_factory, '[export]\naddress = "192.168.1.20"\n')
    at = ward("patrol_leader", "routes")
    assert not at.exception, [e.value for e in at.exception]
    link = _decode(_png(at))
    parts = urlsplit(link)
    assert (parts.scheme, parts.hostname, parts.port) == ("http", "192.168.1.20", 8765)
    assert parts.path.startswith("/r/")
    # The leader's page shows what to do with the code, and no server command or file path.
    shown = (
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [c.value for c in at.code]
    )
    assert any("Quét mã QR" in text for text in shown)
    folder = str(ward.folder)
    assert not [t for t in shown if "serve-exports" in t or folder in t or "/exports" in t]
    # The approved route is on the download server for that link (its own team only).
    published = ward.folder / "data" / "exports"
    assert sorted(p.name for p in published.glob("*/v*/*")) == ["t1"]


def test_commander_sees_the_address_found_at_start(ward_factory: Callable[[], Any]) -> None:
    from patrol.export.address import choose_address, interface_addresses
    from patrolbase.settings import Settings

    lan = choose_address(interface_addresses())
    if lan is None:
        pytest.skip("this machine has no LAN address")
    ward = _approved_ward(ward_factory)
    at = ward("commander", "routes")
    assert at.text_input(key="routes_base_url").value == f"http://{lan}:{Settings().export.port}"
    assert urlsplit(_decode(_png(at))).hostname == lan  # not localhost


def _png(at: Any) -> bytes:
    """Return the QR code the page shows (the PNG the page hands to ``st.image``)."""
    (made,) = at.session_state["routes_exports"].values()
    assert len(at.image) == 1
    return bytes(made.qr_png)
