"""A cached map frame reaches streamlit-folium's frontend exactly as ``st_folium`` sends it."""

from __future__ import annotations

from typing import Any

import folium
import pytest
import streamlit_folium

from dashboard import mapframe, mapview
from geodata.mapstyle import legend_entries


def _map(inputs: Any, base: mapview.BaseLayers) -> folium.Map:
    facilities = inputs.facilities
    fmap = mapview.build_map(base)
    cells = mapview.add_incidents(fmap, inputs.incidents)
    sites = mapview.add_facilities(fmap, facilities)
    legend = legend_entries(levels=sites.levels, cells=cells is not None, depots=False)
    mapview.add_legend(fmap, legend, facilities=sites, incidents=cells)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _sent(monkeypatch: pytest.MonkeyPatch, call: Any) -> dict[str, Any]:
    """Run ``call`` with the component replaced by a recorder; return what it was given."""
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    call()
    return {k: v for k, v in sent.items() if k != "on_change"}


@pytest.mark.parametrize("returned", [("last_clicked",), ("last_clicked", "bounds", "zoom")])
def test_frame_sends_what_st_folium_sends(
    inputs: Any, base: mapview.BaseLayers, monkeypatch: pytest.MonkeyPatch,
    returned: tuple[str, ...],
) -> None:  # fmt: skip
    expected = _sent(monkeypatch, lambda: streamlit_folium.st_folium(
        _map(inputs, base), key="map-main", height=560, use_container_width=True,
        returned_objects=list(returned)))  # fmt: skip
    frame = mapframe.frame_of(_map(inputs, base))
    got = _sent(monkeypatch, lambda: mapframe.show(
        frame, key="map-main", height=560, returned=returned))  # fmt: skip
    assert got == expected
    assert "facility risk-" in got["script"] and got["js_links"]


def test_one_key_one_frame(inputs: Any, base: mapview.BaseLayers) -> None:
    built: list[int] = []

    def build() -> mapframe.MapFrame:
        built.append(1)
        return mapframe.frame_of(_map(inputs, base))

    key = mapframe.frame_key("test", "signature", 1, "vi")
    first = mapframe.cached_frame(key, build)
    assert mapframe.cached_frame(key, build) is first and len(built) == 1
    assert mapframe.frame_key("test", "signature", 2, "vi") != key
