"""The dashboard: ``streamlit run dashboard/app.py`` (``scripts/start.sh``).

Declares the pages, grouped, with ``st.navigation``; draws what every page shares (language
switch, link to the guide, area name, the demonstration-data label) and runs the chosen page.
Each page reads its widgets, calls one core function and draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboard import state  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.shell import demo_notice  # noqa: E402

_PAGES = Path(__file__).parent / "pages"


def main() -> None:
    """Run one page of the app."""
    st.set_page_config(page_title=t("app.title", state.lang()), page_icon=":material/shield:", layout="wide")
    state.init()
    lang = state.lang()

    def page(name: str, key: str, icon: str, *, default: bool = False) -> st.Page:
        return st.Page(
            _PAGES / f"{name}.py", title=t(key, lang), icon=icon, url_path=name, default=default
        )

    help_page = page("help", "page.help", ":material/help:")
    plan_pages = [
        page("map", "page.map", ":material/map:", default=True),
        page("plan", "page.plan", ":material/route:"),
        page("routes", "page.routes", ":material/schedule:"),
    ]
    # The hotspot review page is written by its own part of the project; listed once it exists.
    if (_PAGES / "review.py").is_file():
        plan_pages.append(page("review", "page.review", ":material/local_fire_department:"))
    navigation = st.navigation(
        {
            t("app.group.plan", lang): plan_pages,
            t("app.group.data", lang): [page("data", "page.data", ":material/table:")],
            t("app.group.help", lang): [page("settings", "page.settings", ":material/settings:"), help_page],
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
    with state.guard():
        demo_notice(lang)
        navigation.run()


main()
