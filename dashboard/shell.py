"""What pages share: the app shell (navigation, language switch, guide link, demonstration-data
label), their inputs, the map component call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import cache
from dashboard import state as session
from dashboard.i18n import Lang, fmt_number, t

__all__ = [
    "MAP_KEY_PREFIX",
    "PAGES",
    "demo_count",
    "demo_notice",
    "page_inputs",
    "run_app",
    "show_map",
]

MAP_KEY_PREFIX = "map-"
PAGES = Path(__file__).parent / "pages"


@st.cache_resource(show_spinner=False)
def _icon() -> Any:
    """The tab icon, drawn here: a Material or emoji icon would be fetched from an outside host."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(8, 6), (56, 6), (56, 30), (32, 60), (8, 30)], fill=(13, 71, 161, 255))
    draw.polygon([(32, 14), (37, 28), (50, 28), (39, 36), (43, 50), (32, 41), (21, 50), (25, 36),
                  (14, 28), (27, 28)], fill=(255, 193, 7, 255))  # fmt: skip
    return image


def run_app() -> None:
    """Declare the grouped pages, draw the shared sidebar, run the chosen page."""
    st.set_page_config(page_title=t("app.title", session.lang()), page_icon=_icon(), layout="wide")
    session.init(shell=True)
    lang = session.lang()

    def page(name: str, key: str, icon: str, *, default: bool = False) -> st.Page:
        return st.Page(
            PAGES / f"{name}.py", title=t(key, lang), icon=icon, url_path=name, default=default
        )

    help_page = page("help", "page.help", ":material/help:")
    plan_pages = [
        page("map", "page.map", ":material/map:", default=True),
        page("plan", "page.plan", ":material/route:"),
        page("routes", "page.routes", ":material/schedule:"),
    ]
    # The hotspot review page is written by its own part of the project; listed once it exists.
    if (PAGES / "review.py").is_file():
        plan_pages.append(page("review", "page.review", ":material/local_fire_department:"))
    navigation = st.navigation(
        {
            t("app.group.plan", lang): plan_pages,
            t("app.group.data", lang): [page("data", "page.data", ":material/table:")],
            t("app.group.help", lang): [
                page("settings", "page.settings", ":material/settings:"),
                help_page,
            ],
        }
    )
    with st.sidebar:
        st.radio(
            t("app.lang", lang),
            options=["vi", "en"],
            format_func=lambda code: "Tiếng Việt" if code == "vi" else "English",
            key="lang",
            horizontal=True,
        )
        st.page_link(help_page, label=t("app.help_link", lang), icon=":material/help:")
    with session.guard():
        demo_notice(lang)
        navigation.run()


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


def show_map(
    fmap: Any, *, key: str, height: int = 560, returned: tuple[str, ...] = ("last_clicked",)
) -> dict[str, Any] | None:
    """Show a folium map; only clicks come back (panning and zooming do not re-run the page)."""
    from streamlit_folium import st_folium

    return st_folium(  # type: ignore[no-any-return]
        fmap,
        key=MAP_KEY_PREFIX + key,
        height=height,
        use_container_width=True,
        returned_objects=list(returned),
    )
