"""Accounts: created, enabled, unlocked, their passwords and second factor reset, listed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from patrol.store.audit import Action, log_event, record
from patrol.store.db import Store
from patrol.store.models import LoginFailure, LoginSession, Team, User
from patrol.store.passwords import check_new_password, password_hasher
from patrol.store.roles import TOTP_REQUIRED, Principal, Role, principal_of, team_name_of
from patrol.store.wards import get_or_create_area, ward_name
from patrolbase.errors import AuthError, PatrolError

log = logging.getLogger(__name__)

_ISSUER = "Patrol planner"
"""Issuer name authenticator apps show beside the account."""


@dataclass(frozen=True)
class NewUser:
    """A created account; ``totp_uri`` (for the authenticator app) is shown once."""

    principal: Principal
    totp_secret: str | None
    totp_uri: str | None


@dataclass(frozen=True)
class UserInfo:
    """An account as the administrator's list shows it (no secrets)."""

    username: str
    display_name: str
    role: Role
    team: str | None
    ward: str | None
    """The ward the account works for; ``None``: every ward."""
    has_totp: bool
    created_at: datetime
    last_login_at: datetime | None
    locked: bool
    disabled_reason: str | None


@cache
def _get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        msg = f"no user {username!r}; see `patrol users list`"
        err = PatrolError(msg)
        err.message_vi = f"Không có người dùng {username}"
        raise err
    return user


def create_user(
    store: Store,
    username: str,
    password: str,
    *,
    role: Role | str,
    display_name: str = "",
    team_id: int | None = None,
    area: str | None = None,
    with_totp: bool | None = None,
    actor: str = "system",
    source: str = "",
) -> NewUser:
    """Create an account.

    Parameters
    ----------
    store
        The store.
    username
        Login name: 1 to 64 characters, letters, digits, ``.``, ``_``, ``-``.
    password
        Checked by ``password_problems``; only its hash is stored.
    role
        One of ``Role``.
    display_name
        Full name as shown in the dashboard.
    team_id
        The team of a patrol leader; the account works in the team's ward.
    area
        The ward (area) the account works for: it reads and writes that ward's records only.
        ``None``: every ward of the store (a provincial analyst, or a store of one ward).
    with_totp
        Give the account a TOTP secret; always for commanders and administrators, which need it.
    actor, source
        Who creates it and from where (audit).

    Returns
    -------
    NewUser
        The account, and its TOTP secret and ``otpauth://`` URI to show once.

    """
    if role not in {r.value for r in Role}:
        msg = f"role {role!r} unknown; use commander, patrol_leader, analyst or administrator"
        raise PatrolError(msg)
    role = Role(role)
    username = username.strip()
    if not (0 < len(username) <= 64) or not all(c.isalnum() or c in "._-" for c in username):
        msg = f"user name {username!r}: use 1-64 letters, digits, '.', '_' or '-'"
        raise PatrolError(msg)
    check_new_password(password, username)
    totp = role in TOTP_REQUIRED if with_totp is None else with_totp or role in TOTP_REQUIRED
    secret = pyotp.random_base32() if totp else None
    now = store.now()
    with store.transaction() as session:
        if session.scalars(select(User.id).where(User.username == username)).first():
            msg = f"user {username!r} exists already; choose another name"
            raise PatrolError(msg)
        user = User(
            username=username,
            display_name=display_name or username,
            role=role.value,
            password_hash=password_hasher(store).hash(password),
            totp_secret=store.require_keys().encrypt(secret) if secret else None,
            team_id=team_id,
            area_id=_ward_of_account(session, store, area, team_id),
            created_at=now,
            password_changed_at=now,
        )
        session.add(user)
        session.flush()
        record(
            session,
            store,
            username=actor,
            action=Action.USER_ADD,
            target=f"user:{username}",
            source=source,
            detail=f"role={role.value} ward={area or '*'}",
        )
        principal = principal_of(session, user)
    uri = (
        pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=_ISSUER) if secret else None
    )
    return NewUser(principal, secret, uri)


def _ward_of_account(
    session: Session, store: Store, area: str | None, team_id: int | None
) -> int | None:
    """Return the ward of a new account: its team's, else ``area``'s (created when new)."""
    team = None if team_id is None else session.get(Team, team_id)
    ward_id = None if area is None else get_or_create_area(session, store, area)
    if team is not None and ward_id is not None and team.area_id != ward_id:
        msg = f"the team of the account is not of {area}; give the team's ward or no ward"
        err = PatrolError(msg)
        err.message_vi = f"Tổ của tài khoản không thuộc {area}; bỏ phường hoặc chọn tổ của {area}"
        raise err
    return team.area_id if team is not None else ward_id


def unlock_user(store: Store, username: str, *, actor: str, source: str = "") -> None:
    """Unlock an account locked by failed logins and clear its failures."""
    with store.transaction() as session:
        user = _get_user(session, username)
        user.locked_at = None
        session.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id))
        record(
            session,
            store,
            username=actor,
            action=Action.UNLOCK,
            target=f"user:{username}",
            source=source,
        )


def set_user_enabled(
    store: Store, username: str, enabled: bool, *, actor: str, source: str = ""
) -> None:
    """Disable an account (its sessions end) or enable it again (its inactivity clock restarts)."""
    now = store.now()
    with store.transaction() as session:
        user = _get_user(session, username)
        if enabled:
            user.disabled_at, user.disabled_reason = None, None
            user.last_login_at = now  # else the 90-day rule disables it again at once
        else:
            user.disabled_at, user.disabled_reason = now, "administrator"
            _end_sessions(session, user.id, now, "disabled")
        record(
            session,
            store,
            username=actor,
            action=Action.USER_CHANGE,
            target=f"user:{username}",
            source=source,
            detail="enabled" if enabled else "disabled",
        )


def set_ward(
    store: Store, username: str, area: str | None, *, actor: str, source: str = ""
) -> None:
    """Move an account to ward ``area`` (``None``: every ward); its sessions end (audited).

    A patrol leader works in the ward of their team: only that ward is accepted.
    """
    now = store.now()
    with store.transaction() as session:
        user = _get_user(session, username)
        user.area_id = _ward_of_account(session, store, area, user.team_id)
        _end_sessions(session, user.id, now, "ward changed")  # a session holds the old ward
        record(session, store, username=actor, action=Action.USER_CHANGE,
               target=f"user:{username}", source=source, detail=f"ward={area or '*'}")  # fmt: skip


def _end_sessions(session: Session, user_id: int, now: datetime, reason: str) -> None:
    for row in session.scalars(
        select(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    ):
        row.ended_at, row.end_reason = now, reason


def set_password(
    store: Store,
    username: str,
    new_password: str,
    *,
    actor: str,
    old_password: str | None = None,
    source: str = "",
) -> None:
    """Change a password (the user's own with ``old_password``, or an administrator's reset).

    Every open session of the account ends.
    """
    check_new_password(new_password, username)
    hasher = password_hasher(store)
    now = store.now()
    if old_password is not None:
        with store.transaction() as session:
            current_hash = _get_user(session, username).password_hash
        try:
            hasher.verify(current_hash, old_password)
        except (VerificationError, InvalidHashError):
            log_event(
                store,
                username=actor,
                action=Action.PASSWORD_CHANGE,
                target=f"user:{username}",
                source=source,
                outcome="fail",
            )
            err = auth_refusal(
                "bad_credentials", "the current password is wrong", "Mật khẩu hiện tại không đúng"
            )
            raise err from None
    with store.transaction() as session:
        user = _get_user(session, username)
        user.password_hash = hasher.hash(new_password)
        user.password_changed_at = now
        _end_sessions(session, user.id, now, "password")
        record(
            session,
            store,
            username=actor,
            action=Action.PASSWORD_CHANGE,
            target=f"user:{username}",
            source=source,
        )


def reset_totp(store: Store, username: str, *, actor: str, source: str = "") -> tuple[str, str]:
    """Give an account a new TOTP secret; return it and its ``otpauth://`` URI (show once)."""
    secret = pyotp.random_base32()
    with store.transaction() as session:
        user = _get_user(session, username)
        user.totp_secret = store.require_keys().encrypt(secret)
        user.totp_last_step = None
        record(
            session,
            store,
            username=actor,
            action=Action.TOTP_RESET,
            target=f"user:{username}",
            source=source,
        )
    return secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=_ISSUER)


def disable_inactive_accounts(store: Store, *, actor: str = "system") -> list[str]:
    """Disable every account unused for ``inactive_days``; return their names."""
    now = store.now()
    limit = now - timedelta(days=store.settings.store.inactive_days)
    names: list[str] = []
    with store.transaction() as session:
        for user in session.scalars(select(User).where(User.disabled_at.is_(None))):
            if (user.last_login_at or user.created_at) < limit:
                user.disabled_at, user.disabled_reason = now, "inactive"
                _end_sessions(session, user.id, now, "disabled")
                names.append(user.username)
                record(
                    session,
                    store,
                    username=actor,
                    action=Action.USER_CHANGE,
                    target=f"user:{user.username}",
                    detail="disabled: inactive",
                )
    return names


def list_users(store: Store) -> list[UserInfo]:
    """Every account, by name."""
    with store.read() as session:
        return [
            UserInfo(
                u.username,
                u.display_name,
                Role(u.role),
                team_name_of(session, u.team_id),
                ward_name(session, u.area_id),
                u.totp_secret is not None,
                u.created_at,
                u.last_login_at,
                u.locked_at is not None,
                u.disabled_reason,
            )
            for u in session.scalars(select(User).order_by(User.username))
        ]


def auth_refusal(reason: str, en: str, vi: str) -> AuthError:
    return AuthError(en, message_vi=vi, reason=reason)
