"""Who is using the dashboard, and what they may see: login, session, role checks.

Every page calls ``require`` (or ``require_any``) with the permission it needs; the shell checks
the page as a whole before running it (``require_page``), so a page a role may not use is refused
even when its address is typed by hand. A refusal is shown in plain words, written to the audit
log (``patrol.store.auth.deny``) and stops the page.

The session token lives only in ``st.session_state`` on the server (no cookie, nothing written by
JavaScript) and is checked with ``auth.authenticate`` on every run, so idle and maximum session
times and logouts apply at the next click. ``patrol.store.auth.ROLE_PERMISSIONS`` is the one
source of truth for roles; ``PAGE_ACCESS`` only says which permissions each page needs.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard import state as session
from dashboard.i18n import Lang, t
from patrol.store import auth
from patrol.store.auth import Permission, Principal, Role
from patrol.store.db import Store
from patrol.store.keys import StoreKeyError
from patrolbase.errors import AccessDeniedError, AuthError
from patrolbase.settings import Settings

__all__ = [
    "MENU_KEY",
    "PAGE_ACCESS",
    "TOKEN_KEY",
    "current",
    "login_form",
    "logout",
    "page_allowed",
    "principal",
    "require",
    "require_any",
    "require_page",
    "role_label",
    "source",
    "store",
]

TOKEN_KEY = "auth_token"
"""Session-state key of the login token (server side only)."""

_NOTICE_KEY = "auth_notice"  # why the login form is shown again: "expired", "ended", "logged_out"
_RUN_KEY = "auth_run"  # (this run's marker, token, principal): one check per run
_PAGE_KEY = "auth_page"  # the page this run shows (audit targets)
MENU_KEY = "auth_menu"
"""Session-state key of the pages listed in this user's menu (names of ``dashboard/pages``)."""

_P = Permission
PAGE_ACCESS: Mapping[str, tuple[frozenset[Permission], ...]] = {
    # The page is open to a user holding every permission of at least one of the sets;
    # an empty tuple opens it to every logged-in user.
    "map": (frozenset({_P.MAP_VIEW, _P.INCIDENT_VIEW}),),
    "plan": (frozenset({_P.PLAN_EDIT}),),
    "routes": (frozenset({_P.ROUTE_VIEW_ALL}), frozenset({_P.ROUTE_VIEW_OWN})),
    "alarm": (frozenset({_P.PLAN_EDIT}),),
    "campaign": (frozenset({_P.PLAN_EDIT}),),
    "village": (frozenset({_P.PLAN_EDIT}),),
    "review": (frozenset({_P.HOTSPOT_REVIEW}),),
    "data": (frozenset({_P.INCIDENT_VIEW}),),
    "teams": (frozenset({_P.ROSTER_MANAGE}),),
    "audit": (frozenset({_P.AUDIT_VIEW}),),
    "users": (frozenset({_P.USER_MANAGE}),),
    "settings": (),
    "help": (),
}
"""Permissions each page needs (see ``page_allowed``)."""


@st.cache_resource(show_spinner=False, max_entries=8)
def _open_store(store_json: str) -> Store:
    from patrol.store.db import open_store

    settings = Settings.model_validate({"store": Settings.model_validate_json(store_json).store})
    return open_store(settings)


def _whole_store() -> Store:
    """Return the store under this session's settings (opened once per process, shared)."""
    settings = session.settings()
    key = Settings(store=settings.store).model_dump_json()
    return _open_store(key)


def store() -> Store:
    """Return the store as the logged-in user may use it: their ward's records only.

    A user of a ward works on ``Store.for_ward`` (``patrol.store.wards``); a provincial user,
    or the login form before anyone is logged in, on the whole store.
    """
    user = current()
    whole = _whole_store()
    return whole if user is None else whole.for_ward(user.ward_id)


def source() -> str:
    """Where a request comes from, for the audit log: ``dashboard`` and the client's address."""
    address = st.context.ip_address
    return f"dashboard {address}" if address else "dashboard"


def role_label(role: Role | str, lang: Lang) -> str:
    """Return the role's name in ``lang`` (Vietnamese terms of the trade)."""
    return t(f"role.{Role(role).value}", lang)


def _run_marker() -> Any:
    """Return an object that is the same during one script run and new at the next."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


def current() -> Principal | None:
    """Return the logged-in user of this session, or ``None``; check the token once per run.

    An expired or ended session is forgotten here and the reason kept for the login form.
    """
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    marker = _run_marker()
    memo = st.session_state.get(_RUN_KEY)
    if marker is not None and memo is not None and memo[0] is marker and memo[1] == token:
        return memo[2]  # type: ignore[no-any-return]
    try:
        user = auth.authenticate(_whole_store(), token, source=source())
    except AuthError as exc:
        st.session_state[TOKEN_KEY] = None
        st.session_state[_RUN_KEY] = None
        st.session_state[_NOTICE_KEY] = exc.reason if exc.reason == "expired" else "ended"
        return None
    st.session_state[_RUN_KEY] = (marker, token, user)
    return user


def principal() -> Principal:
    """Return the logged-in user; without one, show the login form and stop the page."""
    user = current()
    if user is None:
        login_form()
        st.stop()
    return user


def _refused(exc: AccessDeniedError) -> None:
    lang = session.lang()
    st.error(t("access.denied", lang), icon="⛔")
    st.stop()


def require(permission: Permission, *more: Permission, target: str = "") -> Principal:
    """Return the logged-in user, who must hold ``permission`` (and every one of ``more``).

    A refusal is logged in the audit log, shown in plain words, and the page stops.
    """
    user = principal()
    where = target or f"page:{_page_name()}"
    try:
        for needed in (permission, *more):
            auth.require(store(), user, needed, target=where, source=source())
    except AccessDeniedError as exc:
        _refused(exc)
    return user


def require_any(*permissions: Permission, target: str = "") -> Principal:
    """Return the logged-in user, who must hold one of ``permissions`` (else as ``require``)."""
    user = principal()
    if not any(user.can(p) for p in permissions):
        where = target or f"page:{_page_name()}"
        try:
            auth.deny(store(), user, "|".join(p.value for p in permissions), target=where,
                      source=source())  # fmt: skip
        except AccessDeniedError as exc:
            _refused(exc)
    return user


def page_allowed(user: Principal, page: str) -> bool:
    """Whether ``user``'s role may use the page named ``page`` (a file of ``dashboard/pages``)."""
    needs = PAGE_ACCESS.get(page)
    if needs is None:
        return False
    return not needs or any(all(user.can(p) for p in group) for group in needs)


def require_page(page: str) -> Principal:
    """Return the logged-in user, who must be allowed the page ``page`` (else as ``require``)."""
    user = principal()
    st.session_state[_PAGE_KEY] = page
    if not page_allowed(user, page):
        needs = PAGE_ACCESS.get(page, ())
        wanted = "|".join(sorted({p.value for group in needs for p in group})) or "page"
        try:
            auth.deny(store(), user, wanted, target=f"page:{page}", source=source())
        except AccessDeniedError as exc:
            _refused(exc)
    return user


def _page_name() -> str:
    return str(st.session_state.get(_PAGE_KEY) or "?")


def _forget_session() -> None:
    """Forget what the session holds but its language, area and settings (where the store is)."""
    for key in list(st.session_state):
        if key not in {"lang", "area_path", "settings_json"}:
            del st.session_state[key]


def logout() -> None:
    """End this session's login (audited) and forget what the session held (plan, additions)."""
    token = st.session_state.get(TOKEN_KEY)
    if token:
        auth.logout(_whole_store(), token, source=source())
    _forget_session()
    st.session_state[_NOTICE_KEY] = "logged_out"


def login_form() -> None:
    """Draw the login page: official-use notice, user name, password, authenticator code."""
    lang = session.lang()
    st.title(t("login.title", lang))
    st.warning(auth.LOGIN_BANNER_VI if lang == "vi" else auth.LOGIN_BANNER_EN, icon="⚠️")
    notice = st.session_state.get(_NOTICE_KEY)
    if notice in {"expired", "ended"}:
        st.info(t(f"login.{notice}", lang))
    elif notice == "logged_out":
        st.success(t("login.logged_out", lang))
    the_store = _whole_store()
    if not auth.list_users(the_store):
        st.info(t("login.no_user", lang))
        path = os.environ.get("PATROL_SETTINGS")
        where = f"--settings {shlex.quote(path)} " if path else ""
        st.code(f".venv/bin/patrol {where}users add quantri --role administrator "
                "--name 'Họ và tên'")  # fmt: skip
    with st.form("login", clear_on_submit=False):
        username = st.text_input(t("login.username", lang), key="login_username")
        password = st.text_input(t("login.password", lang), type="password", key="login_password")
        code = st.text_input(t("login.totp", lang), max_chars=8, key="login_totp")
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if not submitted:
        return
    try:
        result = auth.login(the_store, username.strip(), password, totp_code=code.strip() or None,
                            source=source())  # fmt: skip
    except AuthError as exc:
        reason = exc.reason if exc.reason in {"locked", "disabled", "throttled"} else "bad"
        key = "login.bad_credentials" if reason == "bad" else f"login.{reason}"
        st.error(t(key, lang))
        return
    except StoreKeyError as exc:  # the key file is missing: say which file to restore
        st.error(exc.message_vi if lang == "vi" else str(exc))
        return
    _forget_session()  # nothing of an earlier user of this browser tab carries over
    st.session_state[TOKEN_KEY] = result.token
    st.rerun()
