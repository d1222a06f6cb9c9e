"""Logins and sessions, and the one permission check; all offline.

Accounts live in ``accounts``, roles and their permissions in ``roles``, password rules and
hashing in ``passwords``; this module re-exports them, so ``auth`` is the one name callers use.

- Roles: commander (plan, approve, roster), patrol leader (their own team's approved routes),
  analyst (incidents, hotspot review), administrator (users, audit, backup). ``require`` is the
  one permission check every page and download calls; a refusal is written to the audit log.
- Passwords: 8 to 128 characters, spaces allowed, no composition rules, refused when on the
  shipped list of common passwords (``common-passwords.txt``) or equal to the user name. Stored
  only as Argon2id hashes (19 MiB, 2 passes by default; ``StoreSettings``). Never logged.
- Second factor: TOTP (RFC 6238, any authenticator app) is required for commanders and
  administrators, optional for the others; a code is accepted once. A right password with a
  missing or wrong code is a failed login (same message, counted toward the lockout). The
  secrets are stored encrypted (Fernet) under the store's key file (``patrol.store.keys``).
- Lockout: ``lockout_failures`` failures within ``lockout_window_min`` lock the account until an
  administrator unlocks it (``patrol users unlock``).
- Sessions: a new random token at each login (only its SHA-256 is stored); a session ends after
  ``session_idle_min`` idle, ``session_max_h`` at most, and at logout. Accounts unused for
  ``inactive_days`` are disabled at their next login attempt or by ``disable_inactive_accounts``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from patrol.store.accounts import (
    NewUser,
    UserInfo,
    auth_refusal,
    create_user,
    disable_inactive_accounts,
    list_users,
    reset_totp,
    set_password,
    set_user_enabled,
    unlock_user,
)
from patrol.store.audit import Action, log_event, record
from patrol.store.db import Store, is_busy
from patrol.store.models import AuditRow, LoginFailure, LoginSession, User
from patrol.store.passwords import password_hasher, password_problems
from patrol.store.roles import (
    ROLE_PERMISSIONS,
    TOTP_REQUIRED,
    Permission,
    Principal,
    Role,
    principal_of,
)
from patrolbase.errors import AccessDeniedError

__all__ = [
    "LOGIN_BANNER_EN",
    "LOGIN_BANNER_VI",
    "ROLE_PERMISSIONS",
    "TOTP_REQUIRED",
    "LoginResult",
    "NewUser",
    "Permission",
    "Principal",
    "Role",
    "UserInfo",
    "authenticate",
    "create_user",
    "deny",
    "disable_inactive_accounts",
    "list_users",
    "login",
    "logout",
    "password_problems",
    "require",
    "require_ward",
    "reset_totp",
    "set_password",
    "set_user_enabled",
    "unlock_user",
]


LOGIN_BANNER_VI = (
    "HỆ THỐNG CHỈ DÙNG CHO CÔNG VIỆC CỦA CÔNG AN PHƯỜNG VÀ BAN CHỈ HUY QUÂN SỰ PHƯỜNG. "
    "Dữ liệu vụ việc, lộ trình tuần tra và thông tin cá nhân là dữ liệu nhạy cảm, được bảo vệ theo "
    "Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân. Mọi thao tác đều được ghi nhật ký. "
    "Người không có thẩm quyền không được truy cập; vi phạm sẽ bị xử lý theo quy định của "
    "pháp luật."
)
"""Official-use notice shown before login."""

LOGIN_BANNER_EN = (
    "FOR OFFICIAL USE OF THE WARD POLICE AND WARD MILITARY COMMAND ONLY. Incident records, patrol "
    "routes and personal data are sensitive data protected by Decree 13/2023 and the Personal Data "
    "Protection Law. Every action is logged. Unauthorised access is prohibited and will be dealt "
    "with under the law."
)
"""The same notice in English."""


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginResult:
    """A new session: give ``token`` back to ``authenticate`` on each request; keep it secret."""

    token: str
    principal: Principal


_BAD_CREDENTIALS = (
    "wrong user name, password or authenticator code",
    "Sai tên đăng nhập, mật khẩu hoặc mã xác thực",
)


def _totp_step(store: Store, secret: str, code: str, last_step: int | None) -> int | None:
    totp = pyotp.TOTP(secret)
    now = store.now()
    code = code.strip().replace(" ", "")
    for drift in (0, -1, 1):  # one step of clock drift either way
        at = now + timedelta(seconds=drift * totp.interval)
        if secrets.compare_digest(totp.at(at), code):
            step = totp.timecode(at)
            return None if last_step is not None and step <= last_step else step
    return None


def login(
    store: Store,
    username: str,
    password: str,
    *,
    totp_code: str | None = None,
    source: str = "",
) -> LoginResult:
    """Check a login and open a session.

    Raises
    ------
    AuthError
        Wrong credentials (one message whichever part was wrong), a locked or disabled account;
        ``reason`` is ``bad_credentials`` (also for a right password with a missing or wrong
        code: counted toward the lockout like any failure), ``locked``, ``disabled`` or
        ``throttled`` (``throttle_failures`` failures from this address or for this name within
        ``throttle_window_min``: refused without checking anything). Every
        attempt is audited (never the password). ``StoreKeyError`` when the key file that
        opens the authenticator secrets is missing.

    """
    cfg = store.settings.store
    now = store.now()
    hasher = password_hasher(store)
    outcome: tuple[str, str, str] | None = None  # (reason, english, vietnamese)
    result: LoginResult | None = None
    with store.transaction() as session:
        throttled = _throttle(session, store, username[:64], source)
        if throttled is not None:
            outcome, first = throttled
            if first:  # one audit row per address or name and window, not one per attempt
                record(
                    session,
                    store,
                    username=username[:64],
                    action=Action.LOGIN,
                    source=source,
                    outcome="fail",
                    detail="throttled",
                )
    if throttled is not None:
        assert outcome is not None
        raise auth_refusal(*outcome)
    with store.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            hasher.hash(password)  # same work as a real check: names cannot be probed by timing
            outcome = ("bad_credentials", *_BAD_CREDENTIALS)
        elif user.disabled_at is not None:
            outcome = (
                "disabled",
                f"account {username!r} is disabled; ask an administrator",
                f"Tài khoản {username} đã bị vô hiệu hóa; liên hệ quản trị hệ thống",
            )
        elif user.locked_at is not None:
            outcome = (
                "locked",
                f"account {username!r} is locked after repeated failed logins; "
                "ask an administrator to unlock it",
                f"Tài khoản {username} bị khóa do đăng nhập sai nhiều lần; "
                "liên hệ quản trị hệ thống để mở khóa",
            )
        elif now - (user.last_login_at or user.created_at) > timedelta(days=cfg.inactive_days):
            user.disabled_at, user.disabled_reason = now, "inactive"
            outcome = (
                "disabled",
                f"account {username!r} was unused for {cfg.inactive_days} days and is now "
                "disabled; ask an administrator",
                f"Tài khoản {username} không dùng quá {cfg.inactive_days} ngày nên đã bị vô hiệu "
                "hóa; liên hệ quản trị hệ thống",
            )
        else:
            outcome = _check_credentials(store, session, user, password, totp_code, hasher)
            if outcome is None:
                token = secrets.token_urlsafe(32)
                session.add(
                    LoginSession(
                        token_sha256=_sha256(token),
                        user_id=user.id,
                        source=source,
                        created_at=now,
                        last_seen_at=now,
                    )
                )
                user.last_login_at = now
                session.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id))
                result = LoginResult(token, principal_of(session, user))
        record(
            session,
            store,
            username=username[:64],
            action=Action.LOGIN,
            source=source,
            outcome="ok" if result else "fail",
            detail="" if result else (outcome[0] if outcome else ""),
        )
    if result is None:
        assert outcome is not None
        raise auth_refusal(*outcome)
    return result


def _throttle(
    session: Session, store: Store, username: str, source: str
) -> tuple[tuple[str, str, str], bool] | None:
    """Refuse at once after too many failures from ``source`` or for ``username``.

    Counts the failed logins of the audit log within ``throttle_window_min`` (so the count holds
    across processes and restarts). Returns the refusal and whether it is the first of the
    window (to be recorded), or ``None``.
    """
    cfg = store.settings.store
    since = store.now() - timedelta(minutes=cfg.throttle_window_min)
    recent = select(func.count()).where(
        AuditRow.at >= since, AuditRow.action == Action.LOGIN.value, AuditRow.outcome == "fail"
    )
    by_source = (
        session.scalar(recent.where(AuditRow.source == source, AuditRow.detail != "throttled"))
        if source
        else 0
    )
    by_name = session.scalar(
        recent.where(AuditRow.username == username, AuditRow.detail != "throttled")
    )
    if max(by_source or 0, by_name or 0) < cfg.throttle_failures:
        return None
    noted = session.scalar(
        recent.where(
            AuditRow.detail == "throttled",
            (AuditRow.source == source) | (AuditRow.username == username),
        )
    )
    minutes = cfg.throttle_window_min
    refusal = (
        "throttled",
        f"too many failed logins from this address or for this name: try again in {minutes} "
        "minutes",
        f"Đăng nhập sai quá nhiều lần từ địa chỉ này hoặc với tên này: thử lại sau {minutes} phút",
    )
    return refusal, not noted


def _check_credentials(
    store: Store,
    session: Session,
    user: User,
    password: str,
    totp_code: str | None,
    hasher: PasswordHasher,
) -> tuple[str, str, str] | None:
    """None when password (and code) are right; else count the failure and maybe lock."""
    cfg = store.settings.store
    now = store.now()
    try:
        hasher.verify(user.password_hash, password)
        password_ok = True
    except (VerificationError, InvalidHashError):
        password_ok = False
    step: int | None = None
    if password_ok and user.totp_secret:
        secret = store.require_keys().decrypt(user.totp_secret)
        step = _totp_step(store, secret, totp_code or "", user.totp_last_step)
    if password_ok and (step is not None or not user.totp_secret):
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        if step is not None:
            user.totp_last_step = step
        return None
    # A right password with a missing or wrong code is a failure like any other: same answer,
    # counted toward the lockout (otherwise the login tells a guesser the password was right).
    session.add(LoginFailure(user_id=user.id, at=now))
    session.flush()
    since = now - timedelta(minutes=cfg.lockout_window_min)
    failures = session.scalar(
        select(func.count()).where(LoginFailure.user_id == user.id, LoginFailure.at >= since)
    )
    if (failures or 0) >= cfg.lockout_failures:
        user.locked_at = now
        return (
            "locked",
            f"{failures} failed logins within {cfg.lockout_window_min} minutes: account "
            f"{user.username!r} is locked until an administrator unlocks it",
            f"Đăng nhập sai {failures} lần trong {cfg.lockout_window_min} phút: tài khoản bị khóa "
            "cho đến khi quản trị hệ thống mở khóa",
        )
    return ("bad_credentials", *_BAD_CREDENTIALS)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(store: Store, token: str, *, source: str = "") -> Principal:
    """Return the user of a live session and mark it active. Call on every request.

    Raises
    ------
    AuthError
        ``reason`` ``expired`` (idle too long or past the maximum age; the session is ended),
        ``ended`` (logged out or unknown token), ``disabled`` or ``locked``.

    """
    cfg = store.settings.store
    now = store.now()
    ended: tuple[str, str, str] | None = None
    # Read first, without the write lock: a page keeps answering while an upload writes.
    with store.read() as session:
        found = session.scalars(
            select(LoginSession).where(LoginSession.token_sha256 == _sha256(token))
        ).one_or_none()
        live = found is not None and found.ended_at is None
        if live and found is not None:
            user = session.get(User, found.user_id)
            assert user is not None
            fresh = (
                now - found.last_seen_at <= timedelta(minutes=cfg.session_idle_min)
                and now - found.created_at <= timedelta(hours=cfg.session_max_h)
                and user.disabled_at is None
                and user.locked_at is None
            )
            if fresh:
                principal = principal_of(session, user)
                if now - found.last_seen_at >= _TOUCH_EVERY:
                    _touch(store, found.id, now)
                return principal
    with store.transaction() as session:
        row = session.scalars(
            select(LoginSession).where(LoginSession.token_sha256 == _sha256(token))
        ).one_or_none()
        if row is None or row.ended_at is not None:
            ended = ("ended", "the session has ended; log in again", "Phiên đã kết thúc")
        else:
            user = session.get(User, row.user_id)
            assert user is not None
            reason = None
            if now - row.last_seen_at > timedelta(minutes=cfg.session_idle_min):
                reason = "idle"
            elif now - row.created_at > timedelta(hours=cfg.session_max_h):
                reason = "max_age"
            elif user.disabled_at is not None or user.locked_at is not None:
                reason = "account"
            if reason is None:
                row.last_seen_at = now
                return principal_of(session, user)
            row.ended_at, row.end_reason = now, reason
            record(
                session,
                store,
                username=user.username,
                action=Action.SESSION_END,
                source=source,
                detail=reason,
            )
            ended = (
                "expired",
                "the session has expired; log in again",
                "Phiên làm việc đã hết hạn; vui lòng đăng nhập lại",
            )
    raise auth_refusal(*ended)


_TOUCH_EVERY = timedelta(seconds=60)
"""A session is marked active at most once a minute (every page run used to write)."""


def _touch(store: Store, session_id: int, now: datetime) -> None:
    """Mark a session active, unless the store is busy (an upload writing): then skip it.

    Skipping only makes the idle clock start up to a minute early; a page never waits for it.
    """
    try:
        with store.quick_write() as session:
            session.execute(
                update(LoginSession)
                .where(LoginSession.id == session_id, LoginSession.ended_at.is_(None))
                .values(last_seen_at=now)
            )
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        log.info("session %d not marked active: the store is busy", session_id)


def logout(store: Store, token: str, *, source: str = "") -> None:
    """End a session (nothing happens for an unknown or already ended token)."""
    with store.transaction() as session:
        row = session.scalars(
            select(LoginSession).where(LoginSession.token_sha256 == _sha256(token))
        ).one_or_none()
        if row is None or row.ended_at is not None:
            return
        row.ended_at, row.end_reason = store.now(), "logout"
        user = session.get(User, row.user_id)
        record(
            session,
            store,
            username=user.username if user else "",
            action=Action.LOGOUT,
            source=source,
        )


def require(
    store: Store,
    principal: Principal,
    permission: Permission,
    *,
    target: str = "",
    source: str = "",
    area: str | None = None,
) -> None:
    """Allow or refuse an action; a refusal is audited and raises ``AccessDeniedError``.

    ``area``: the ward whose records the action reads or writes; a user of another ward is
    refused (``patrol.store.wards``).
    """
    if not principal.can(permission):
        deny(store, principal, permission, target=target, source=source)
    if area is not None:
        require_ward(store, principal, area, source=source)


def require_ward(store: Store, principal: Principal, area: str, *, source: str = "") -> None:
    """Refuse (audited, ``AccessDeniedError``) records of ward ``area`` to another ward's user."""
    if principal.ward is not None and principal.ward != area:
        said = f"Tài khoản {principal.username} thuộc {principal.ward}; không được xem hay sửa "
        deny(store, principal, f"ward={principal.ward}", target=f"area:{area}", source=source,
             message_vi=f"{said}dữ liệu của {area}.")  # fmt: skip


def deny(
    store: Store,
    principal: Principal,
    permission: Permission | str,
    *,
    target: str = "",
    source: str = "",
    message_vi: str = "Bạn không có quyền truy cập nội dung này",
) -> None:
    """Audit a refusal and raise ``AccessDeniedError`` (also for record-level refusals)."""
    log_event(
        store,
        username=principal.username,
        action=Action.VIEW,
        target=target,
        source=source,
        outcome="denied",
        detail=str(permission),
    )
    msg = f"{principal.username} ({principal.role.value}) may not {permission} {target}".strip()
    err = AccessDeniedError(msg)
    err.message_vi = message_vi
    raise err
