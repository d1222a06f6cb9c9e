"""The map's web assets are installed locally and every link folium writes points at them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest
from folium import plugins

from dashboard import assets

_LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_installed_files_match_the_pins() -> None:
    # scripts/setup.sh (run by scripts/test.sh) installs them; a stale folder fails here.
    assert assets.missing_files() == [], "run: python -m dashboard.assets install"
    manifest = json.loads((assets.VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["leaflet/leaflet.js"] == "leaflet@1.9.4"
    head = (assets.VENDOR_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:300]
    assert "Leaflet 1.9.4" in head
    heat = (assets.VENDOR_DIR / "heat" / "leaflet_heat.min.js").read_bytes()
    folium_heat = (Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js").read_bytes()
    assert heat == folium_heat  # folium's patched heat script, not npm's saturating one


def test_missing_or_stale_files_are_reported(tmp_path: Path) -> None:
    assert len(assets.missing_files(tmp_path)) == sum(len(p.files) for p in assets.PACKAGES) + 1
    (tmp_path / "leaflet").mkdir()
    (tmp_path / "leaflet" / "leaflet.js").write_text("old")
    manifest = {"leaflet/leaflet.js": "leaflet@1.0.0"}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert "leaflet/leaflet.js" in assets.missing_files(tmp_path)
    assert not assets.is_installed(tmp_path)


def test_clear_error_without_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets.shutil, "which", lambda _: None)
    with pytest.raises(assets.AssetsError, match="npm is not installed"):
        assets.install(tmp_path, quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_quick_and_silent_when_installed(capsys: pytest.CaptureFixture[str]) -> None:
    assert assets.install() is False  # nothing fetched: no npm call, no network
    assert "already installed" in capsys.readouterr().out
    assert assets.main(["check"]) == 0


def test_folium_links_only_local_files() -> None:
    assets.configure_folium()
    fmap = folium.Map(location=[21.03, 105.83], tiles=None)
    plugins.HeatMap([[21.03, 105.83]]).add_to(fmap)
    plugins.MarkerCluster().add_to(fmap)
    plugins.FastMarkerCluster([[21.03, 105.83]]).add_to(fmap)
    links = _LINK.findall(fmap.get_root().render())
    assert len(links) >= 5
    assert all(link.startswith(assets.STATIC_URL + "/") for link in links), links
    for link in links:  # each link resolves to an installed file
        assert (assets.VENDOR_DIR / link.removeprefix(assets.STATIC_URL + "/")).is_file()
