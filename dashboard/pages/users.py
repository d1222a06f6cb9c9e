"""Người dùng: the administrator's accounts page.

Lists the accounts; adds one (role, team for a patrol leader; the new authenticator secret is
shown once, as a QR code and as text); unlocks, disables or enables, resets a password or the
authenticator secret. Every change goes through ``patrol.store.auth`` and is audited there.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from dashboard import access, cache
from dashboard import state as session
from dashboard.i18n import fmt_date, translator
from patrol.personnel import team_label
from patrol.store import accounts, auth, roster
from patrol.store.auth import Permission, Role

session.init()
admin = access.require(Permission.USER_MANAGE)
lang = session.lang()
T = translator(lang)
store = access.store()
source = access.source()

st.title(T("page.users"))


def _secret_once(username: str, secret: str, uri: str) -> None:
    """Show a new authenticator secret: a QR code for the app and the text to type."""
    import segno

    st.warning(T("users.secret_once", user=username), icon="🔑")
    image = io.BytesIO()
    segno.make(uri, error="m").save(image, kind="png", scale=5, border=2)
    c1, c2 = st.columns([1, 2])
    c1.image(image.getvalue(), width=220)
    c2.markdown(T("users.secret_text"))
    c2.code(secret, language=None)


def _done(text: str, secret: tuple[str, str, str] | None = None) -> None:
    """Keep what was done (and a new secret, shown once) for the next run, and re-run."""
    st.session_state["users_flash"] = (text, secret)
    st.rerun()


# What the previous action did; a new authenticator secret is shown this once only.
flash = st.session_state.pop("users_flash", None)
if flash is not None:
    st.success(flash[0])
    if flash[1] is not None:
        _secret_once(*flash[1])

# --- add an account ---------------------------------------------------------------------------
roles = [r.value for r in Role]
# A patrol leader's team is one of the teams the commanders set up for the ward.
team_codes = roster.team_names(store, area=cache.area_name())
if not team_codes:
    st.info(T("users.no_teams"))
with st.expander(T("users.add"), expanded=False), st.form("user_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input(T("login.username"), key="new_username")
    name = c2.text_input(T("users.display_name"), key="new_display_name")
    role = c1.selectbox(T("users.role"), roles, format_func=lambda r: access.role_label(r, lang),
                        key="new_role")  # fmt: skip
    team = c2.selectbox(T("users.team"), team_codes, key="new_team", help=T("users.team_help"),
                        index=None, placeholder=T("users.team_choose"),
                        format_func=lambda c: team_label(c, lang))  # fmt: skip
    c3, c4 = st.columns(2)
    password = c3.text_input(T("login.password"), type="password", key="new_password")
    again = c4.text_input(T("users.password_again"), type="password", key="new_password_again")
    totp = st.checkbox(T("users.with_totp"), key="new_totp")
    province = st.checkbox(T("users.province"), key="new_province",
                           help=T("users.province_help", ward=cache.area_name()))  # fmt: skip
    st.caption(T("users.password_rules"))
    add = st.form_submit_button(T("users.add_submit"), type="primary")
if add:
    access.require(Permission.USER_MANAGE, target=f"user:{username}")
    if password != again:
        st.error(T("users.password_mismatch"))
    elif role == Role.PATROL_LEADER and not team:
        st.error(T("users.team_needed"))
    else:
        with session.guard():
            team_id = None
            if role == Role.PATROL_LEADER and team:
                team_id = roster.find_team(store, area=cache.area_name(), name=team)
            made = auth.create_user(
                store, username, password, role=role, display_name=name.strip(), team_id=team_id,
                area=None if province and team_id is None else cache.area_name(),
                with_totp=totp, actor=admin.username, source=source,
            )  # fmt: skip
            secret = None
            if made.totp_secret and made.totp_uri:
                secret = (made.principal.username, made.totp_secret, made.totp_uri)
            _done(T("users.added", user=made.principal.username), secret)

# --- the accounts -----------------------------------------------------------------------------
users = auth.list_users(store)
yes, no = T("users.yes"), T("users.no")
table = pd.DataFrame(
    [
        {
            T("login.username"): u.username,
            T("users.display_name"): u.display_name,
            T("users.role"): access.role_label(u.role, lang),
            T("users.ward"): u.ward or T("users.ward_all"),
            T("users.team"): team_label(u.team, lang) if u.team else "",
            T("users.totp"): yes if u.has_totp else no,
            T("users.created"): fmt_date(u.created_at, lang),
            T("users.last_login"): fmt_date(u.last_login_at, lang) if u.last_login_at else "",
            T("users.state"): (
                T("users.state_disabled", reason=u.disabled_reason)
                if u.disabled_reason
                else T("users.state_locked")
                if u.locked
                else T("users.state_ok")
            ),
        }
        for u in users
    ]
)
st.subheader(T("users.list", n=len(users)))
st.dataframe(table, hide_index=True)

# --- change one account -----------------------------------------------------------------------
if users:
    st.subheader(T("users.change"))
    by_name = {u.username: u for u in users}
    chosen = st.selectbox(T("users.choose"), list(by_name), key="users_chosen")
    user = by_name[chosen]
    c1, c2, c3 = st.columns(3)
    with session.guard():
        if c1.button(T("users.unlock"), key="users_unlock", disabled=not user.locked):
            auth.unlock_user(store, user.username, actor=admin.username, source=source)
            _done(T("users.unlocked", user=user.username))
        enabled = user.disabled_reason is None
        toggle = T("users.disable") if enabled else T("users.enable")
        if c2.button(toggle, key="users_toggle", disabled=user.username == admin.username):
            auth.set_user_enabled(store, user.username, not enabled, actor=admin.username,
                                  source=source)  # fmt: skip
            _done(T("users.disabled" if enabled else "users.enabled", user=user.username))
        if c3.button(T("users.totp_reset"), key="users_totp_reset"):
            key, uri = auth.reset_totp(store, user.username, actor=admin.username,
                                       source=source)  # fmt: skip
            _done(T("users.totp_was_reset", user=user.username), (user.username, key, uri))
        with st.form("user_password", clear_on_submit=True):
            new = st.text_input(T("users.new_password"), type="password", key="reset_password")
            if st.form_submit_button(T("users.password_reset")):
                auth.set_password(store, user.username, new, actor=admin.username, source=source)
                _done(T("users.password_was_reset", user=user.username))
    if user.role != Role.PATROL_LEADER:  # a leader works in the ward of their team
        here = cache.area_name()
        w1, w2 = st.columns([2, 1])
        every = "*"  # a selectbox's None means "nothing chosen": every ward needs its own value
        scopes = [here, every]
        now = user.ward or every
        scope = w1.selectbox(
            T("users.ward"), scopes, index=scopes.index(now) if now in scopes else None,
            format_func=lambda w: T("users.ward_all") if w == every else w,
            key=f"users_ward_{user.username}",
        )  # fmt: skip
        if w2.button(T("users.set_ward"), key="users_set_ward", disabled=scope in {now, None}):
            with session.guard():
                ward = None if scope == every else scope
                accounts.set_ward(store, user.username, ward, actor=admin.username,
                                  source=source)  # fmt: skip
                _done(T("users.ward_set", user=user.username, ward=ward or T("users.ward_all")))
    if user.role == Role.PATROL_LEADER:
        t1, t2 = st.columns([2, 1])
        codes = team_codes or ([user.team] if user.team else [])
        linked = t1.selectbox(
            T("users.team"), codes, key=f"users_team_{user.username}",
            index=codes.index(user.team) if user.team in codes else None,
            placeholder=T("users.team_choose"), format_func=lambda c: team_label(c, lang),
        )  # fmt: skip
        if t2.button(T("users.link_team"), key="users_link_team", disabled=not linked):
            with session.guard():
                roster.link_leader(
                    store, username=user.username, area=cache.area_name(), team=str(linked),
                    actor=admin.username, source=source,
                )  # fmt: skip
                _done(T("users.linked", user=user.username, team=team_label(str(linked), lang)))
