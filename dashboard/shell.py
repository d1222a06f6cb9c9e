"""What pages share: the app shell, their inputs, the map component call.

The shell is the login form until someone logs in, then the pages of the user's role (grouped,
``st.navigation``), the user and the logout button, the language switch, the guide link and the
demonstration-data label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import access, cache
from dashboard import state as session
from dashboard.i18n import TEXT, Lang, fmt_number, t
from patrol.personnel import team_label
from patrol.store.auth import Permission

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
    """Draw the tab icon here: a Material or emoji icon would be fetched from an outside host."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(8, 6), (56, 6), (56, 30), (32, 60), (8, 30)], fill=(13, 71, 161, 255))
    draw.polygon([(32, 14), (37, 28), (50, 28), (39, 36), (43, 50), (32, 41), (21, 50), (25, 36),
                  (14, 28), (27, 28)], fill=(255, 193, 7, 255))  # fmt: skip
    return image


def run_app() -> None:
    """Declare the grouped pages, draw the shared sidebar, run the chosen page.

    Nobody logged in: only the login form. Logged in: every page is declared, those the role may
    not use hidden from the menu, and the chosen one checked on the server before it runs
    (``access.require_page``), so an address typed by hand is refused and logged too.
    """
    st.set_page_config(page_title=t("app.title", session.lang()), page_icon=_icon(), layout="wide")
    session.init(shell=True)
    lang = session.lang()
    user = access.current()
    if user is None:
        login = st.Page(access.login_form, title=t("login.title", lang), url_path="login",
                        default=True)  # fmt: skip
        # A page's address typed while logged out opens the login form too: without a page of
        # that address Streamlit would show its English "Page not found" dialog over the form.
        typed = [
            st.Page(access.login_form, title=t("login.title", lang), url_path=name)
            for name in access.PAGE_ACCESS
        ]
        _language_switch(lang)
        st.navigation([login, *typed], position="hidden").run()
        return

    names: dict[int, str] = {}

    def page(name: str, key: str, icon: str, *, default: bool = False) -> st.Page:
        visible = access.page_allowed(user, name)
        title = t(key, lang) if key in TEXT else name
        made = st.Page(
            PAGES / f"{name}.py", title=title, icon=icon, url_path=name,
            default=default, visibility="visible" if visible else "hidden",
        )  # fmt: skip
        names[id(made)] = name
        return made

    first = next(
        (name for name in ("map", "routes", "users") if access.page_allowed(user, name)), "help"
    )
    help_page = page("help", "page.help", ":material/help:", default=first == "help")
    plan_pages = [
        page("map", "page.map", ":material/map:", default=first == "map"),
        page("plan", "page.plan", ":material/route:"),
        page("routes", "page.routes", ":material/schedule:", default=first == "routes"),
    ]
    # Pages written by other parts of the project are listed once they exist.
    if (PAGES / "alarm.py").is_file():
        plan_pages.append(page("alarm", "page.alarm", ":material/notifications:"))
    if (PAGES / "review.py").is_file():
        plan_pages.append(page("review", "page.review", ":material/local_fire_department:"))
    plan_pages.append(page("campaign", "page.campaign", ":material/campaign:"))
    plan_pages.append(page("village", "page.village", ":material/directions_walk:"))
    groups = {
        t("app.group.plan", lang): plan_pages,
        t("app.group.data", lang): [
            page("data", "page.data", ":material/table:"),
            page("teams", "page.teams", ":material/groups:"),
            page("audit", "page.audit", ":material/history:"),
        ],
        t("app.group.help", lang): [
            page("users", "page.users", ":material/group:", default=first == "users"),
            page("settings", "page.settings", ":material/settings:"),
            help_page,
        ],
    }
    # The menu lists the groups with a page this role may use; the other pages stay declared
    # (hidden) so that their address reaches the server's refusal instead of a blank page.
    menu = {g: [p for p in ps if p.visibility == "visible"] for g, ps in groups.items()}
    menu = {g: ps for g, ps in menu.items() if ps}
    hidden = [p for ps in groups.values() for p in ps if p.visibility == "hidden"]
    st.session_state[access.MENU_KEY] = [names[id(p)] for ps in menu.values() for p in ps]
    menu[next(reversed(menu))] += hidden
    navigation = st.navigation(menu)
    with st.sidebar:
        st.markdown(t("access.user", lang, name=user.display_name, role=access.role_label(
            user.role, lang)))  # fmt: skip
        if user.team:
            st.caption(t("access.team", lang, team=team_label(user.team, lang)))
        if st.button(t("access.logout", lang), key="logout", icon=":material/logout:"):
            access.logout()
            st.rerun()
        _language_switch(lang)
        st.page_link(help_page, label=t("app.help_link", lang), icon=":material/help:")
    access.require_page(names[id(navigation)])
    _uploader_wording(lang)
    with session.guard():
        if user.can(Permission.INCIDENT_VIEW):
            demo_notice(lang)
        navigation.run()


def _uploader_wording(lang: Lang) -> None:
    """Write the file uploader's own button and limit in the user's language.

    Streamlit draws them in English whatever the page's language and offers no option to
    change them, so the page's CSS puts the catalog's words in their place.
    """
    if lang == "en":
        return
    button = t("app.upload_button", lang).replace('"', "")
    limit = t("app.upload_limit", lang, mb=st.get_option("server.maxUploadSize")).replace('"', "")
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button p,'
        '[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }'
        f'[data-testid="stFileUploaderDropzone"] button p::after {{ content: "{button}";'
        " font-size: 0.875rem; }"
        f'[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{limit}";'
        " font-size: 0.875rem; }"
        "</style>"
    )


def _language_switch(lang: Lang) -> None:
    with st.sidebar:
        st.radio(
            t("app.lang", lang),
            options=["vi", "en"],
            format_func=lambda code: "Tiếng Việt" if code == "vi" else "English",
            key="lang",
            horizontal=True,
        )


def page_inputs() -> Any:
    """Return the session's inputs; stop the page plainly if the pipeline is missing."""
    try:
        return cache.inputs()
    except ModuleNotFoundError as exc:
        st.info(t("app.not_ready", session.lang(), module=exc.name or "?"))
        st.stop()


def demo_count(inputs: Any) -> int:
    """Count the generated (demonstration) incidents among the inputs."""
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
    fmap: Any,
    *,
    key: str,
    height: int = 560,
    returned: tuple[str, ...] = ("last_clicked",),
    fill_screen: bool = False,
) -> dict[str, Any] | None:
    """Show a folium map; only clicks come back (panning and zooming do not re-run the page).

    ``fmap`` is a ``folium.Map`` or the frame of one (``dashboard.mapframe``: drawn once,
    cached). With ``fill_screen`` (a map built with ``fill_screen=True``) the map's frame is as
    tall as a wide window (1100 px and more), less the page's top bar; ``height`` stays for
    narrow ones.
    """
    from streamlit_folium import st_folium

    from dashboard import mapframe

    box = f"{MAP_KEY_PREFIX}{key}-box"  # a keyed container: CSS can find it (st-key-...)
    if fill_screen:
        st.html(
            f"<style>@media (min-width: 1100px) {{ .st-key-{box} iframe "
            "{ height: calc(100vh - 6rem) !important; } }</style>"
        )
    with st.container(key=box):
        if isinstance(fmap, mapframe.MapFrame):
            return mapframe.show(fmap, key=MAP_KEY_PREFIX + key, height=height,
                                 returned=returned)  # fmt: skip
        return st_folium(  # type: ignore[no-any-return]
            fmap,
            key=MAP_KEY_PREFIX + key,
            height=height,
            use_container_width=True,
            returned_objects=list(returned),
        )
