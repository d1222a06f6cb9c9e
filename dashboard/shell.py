"""What pages share: their inputs, the demonstration-data label, the map component call."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import cache
from dashboard import state as session
from dashboard.i18n import Lang, fmt_number, t

__all__ = ["MAP_KEY_PREFIX", "demo_count", "demo_notice", "page_inputs", "show_map"]

MAP_KEY_PREFIX = "map-"


def page_inputs() -> Any:
    """The session's inputs; stops the page with a plain message if the pipeline is missing."""
    try:
        return cache.inputs()
    except ModuleNotFoundError as exc:
        st.info(t("app.not_ready", session.lang(), module=exc.name or "?"))
        st.stop()


def demo_count(inputs: Any) -> int:
    """Number of generated (demonstration) incidents among the inputs."""
    incidents = inputs.incidents
    if incidents is None or incidents.empty or "demo" not in incidents:
        return 0
    return int(incidents["demo"].fillna(False).astype(bool).sum())


def demo_notice(lang: Lang) -> None:
    """Label generated incidents as demonstration data, on every page."""
    try:
        inputs = cache.inputs()
    except ModuleNotFoundError:
        return
    n = demo_count(inputs)
    if n:
        st.warning(t("app.demo_badge", lang, n=fmt_number(n, lang)), icon="ℹ️")


def show_map(fmap: Any, *, key: str, height: int = 560) -> dict[str, Any] | None:
    """Show a folium map; only clicks come back (panning and zooming do not re-run the page)."""
    from streamlit_folium import st_folium

    return st_folium(  # type: ignore[no-any-return]
        fmap,
        key=MAP_KEY_PREFIX + key,
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
