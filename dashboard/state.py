"""Session state of one user, initialised in one place.

A session keeps its inputs (language, settings, data added on the map), its login token
(``dashboard.access``) and the latest plan, nothing else: the ward's records are in the store,
heavy objects (area, graph, base layers, default inputs) are cached across sessions in
``dashboard.cache``. ``guard`` is the one place a page turns a core error into a
message: it catches only ``PatrolError`` and never shows a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import Lang, t
from patrolbase.errors import InputFileError, PatrolError
from patrolbase.settings import Settings

__all__ = [
    "DEFAULTS",
    "deployment_area",
    "deployment_settings",
    "error_text",
    "get",
    "guard",
    "init",
    "keep",
    "lang",
    "problems_frame",
    "set_plan",
    "settings",
    "show_error",
]

DEFAULTS: dict[str, Any] = {
    "lang": "vi",  # "vi" or "en"; the sidebar switch writes it
    "settings_json": None,  # Settings as JSON (hashable cache key); None: defaults
    "area_path": None,  # OSM extract; None: the embedded default area
    "added_incidents": [],  # incidents added by clicking on the map: dicts of INCIDENT_COLUMNS
    "added_facilities": [],  # sites added by clicking on the map: dicts of FACILITY_COLUMNS
    "plan": None,  # the latest ShiftPlan
    "plan_request": None,  # the form values that produced it (dict), for the second-seed button
}


def init(*, shell: bool = False) -> None:
    """Give every session key its default, once per session.

    ``PATROL_AREA`` (an OSM extract) and ``PATROL_SETTINGS`` (a TOML file) let a deployment or a
    benchmark start the dashboard on another area or with other settings.
    """
    # With a pages/ folder beside app.py, Streamlit runs the first request of a fresh server at
    # a page's URL (and every AppTest run) as an old-style page, without app.py and its shell.
    # A page run that way runs the shell, which runs the page through st.navigation (and
    # switches the old mode off for good), then stops. No re-run: a button press would be lost.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not shell:
        from dashboard.shell import run_app

        run_app()
        st.stop()
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, list) else value
    if st.session_state["area_path"] is None:
        st.session_state["area_path"] = deployment_area()
    if st.session_state["settings_json"] is None:
        st.session_state["settings_json"] = deployment_settings().model_dump_json()


def deployment_area() -> str | None:
    """Return the OSM extract the deployment names (``PATROL_AREA``); ``None``: the default."""
    return os.environ.get("PATROL_AREA") or None


def deployment_settings() -> Settings:
    """Return the settings the deployment names (``PATROL_SETTINGS``, a TOML file), or defaults."""
    path = os.environ.get("PATROL_SETTINGS")
    return Settings.from_file(path) if path else Settings()


def get(key: str) -> Any:
    """Return a session value (``init`` has run)."""
    return st.session_state[key]


def lang() -> Lang:
    """Return the language of this session."""
    value = st.session_state.get("lang", "vi")
    return "en" if value == "en" else "vi"


def settings() -> Settings:
    """Return the settings of this session."""
    return Settings.model_validate_json(st.session_state["settings_json"])


def keep(name: str, default: Any = None) -> str:
    """Key of a widget whose option labels are translated, for this session's language.

    The browser shows a keyed radio whose labels changed with nothing chosen, so each language
    has its own widget; the value chosen in the other language (else ``default``) carries over.
    Pass no ``value``/``index``/``default`` to the widget itself.
    """
    key = f"{name}.{lang()}"
    if key not in st.session_state:
        other = f"{name}.{'vi' if lang() == 'en' else 'en'}"
        if other in st.session_state:
            st.session_state[key] = st.session_state[other]
        elif default is not None:
            st.session_state[key] = default
    return key


def set_plan(plan: Any, request: dict[str, Any] | None) -> None:
    """Keep ``plan`` as the session's latest plan (``None`` forgets it)."""
    st.session_state["plan"] = plan
    st.session_state["plan_request"] = request


def error_text(exc: PatrolError, language: Lang) -> str:
    """Return the text of a core error in ``language`` (``message_vi`` in Vietnamese)."""
    if language == "vi" and exc.message_vi:
        return exc.message_vi
    return str(exc)


def problems_frame(exc: InputFileError, language: Lang) -> pd.DataFrame:
    """Every problem of a refused file as a table: file, row, column, value, problem."""
    rows = [
        {
            # Uploads are checked from a temporary folder: show the file's own name.
            t("data.col.file", language): Path(p.file).name,
            t("data.col.row", language): p.row,
            t("data.col.column", language): p.column or "",
            t("data.col.value", language): "" if p.value is None else str(p.value),
            t("data.col.problem", language): p.message_vi if language == "vi" else p.message,
        }
        for p in exc.problems
    ]
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame[t("data.col.row", language)] = frame[t("data.col.row", language)].astype("Int64")
    return frame


def show_error(exc: PatrolError, language: Lang) -> None:
    """Show a core error: its text, and for a refused file the table of every problem."""
    if isinstance(exc, InputFileError):
        st.error(t("data.refused", language, file=Path(exc.file).name, n=len(exc.problems)))
        st.dataframe(problems_frame(exc, language), hide_index=True, width="stretch")
    else:
        st.error(t("app.error", language, text=error_text(exc, language)))


@contextmanager
def guard() -> Iterator[None]:
    """Run a block; show a ``PatrolError`` as a message instead of a traceback."""
    try:
        yield
    except PatrolError as exc:
        show_error(exc, lang())
