"""Local accounts, roles, passwords, second factor, lockout and sessions; all offline.

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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from patrol.errors import AccessDeniedError, AuthError, PatrolError
from patrol.store.audit import Action, log_event, record
from patrol.store.db import Store, is_busy
from patrol.store.models import AuditRow, LoginFailure, LoginSession, Team, User

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
    "reset_totp",
    "set_password",
    "set_user_enabled",
    "unlock_user",
]

MIN_PASSWORD = 8
MAX_PASSWORD = 128

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


class Role(StrEnum):
    """What a user is for."""

    COMMANDER = "commander"
    PATROL_LEADER = "patrol_leader"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label_vi(self) -> str:
        """Vietnamese name of the role."""
        return _ROLE_VI[self]


_ROLE_VI = {
    Role.COMMANDER: "Chỉ huy",
    Role.PATROL_LEADER: "Tổ trưởng tuần tra",
    Role.ANALYST: "Cán bộ phân tích",
    Role.ADMINISTRATOR: "Quản trị hệ thống",
}


class Permission(StrEnum):
    """What a page or download may need."""

    MAP_VIEW = "map_view"
    FACILITY_EDIT = "facility_edit"
    INCIDENT_VIEW = "incident_view"
    INCIDENT_UPLOAD = "incident_upload"
    HOTSPOT_REVIEW = "hotspot_review"
    PLAN_EDIT = "plan_edit"
    PLAN_APPROVE = "plan_approve"
    ROSTER_MANAGE = "roster_manage"
    ROUTE_VIEW_ALL = "route_view_all"
    ROUTE_VIEW_OWN = "route_view_own"
    ROUTE_EXPORT = "route_export"
    RECORD_UPLOAD = "record_upload"
    AUDIT_VIEW = "audit_view"
    USER_MANAGE = "user_manage"
    BACKUP = "backup"


_P = Permission
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.COMMANDER: frozenset(
        {
            _P.MAP_VIEW,
            _P.FACILITY_EDIT,
            _P.INCIDENT_VIEW,
            _P.INCIDENT_UPLOAD,
            _P.HOTSPOT_REVIEW,
            _P.PLAN_EDIT,
            _P.PLAN_APPROVE,
            _P.ROSTER_MANAGE,
            _P.ROUTE_VIEW_ALL,
            _P.ROUTE_EXPORT,
            _P.RECORD_UPLOAD,
            _P.AUDIT_VIEW,
        }
    ),
    Role.PATROL_LEADER: frozenset(
        {_P.MAP_VIEW, _P.ROUTE_VIEW_OWN, _P.ROUTE_EXPORT, _P.RECORD_UPLOAD}
    ),
    Role.ANALYST: frozenset({_P.MAP_VIEW, _P.INCIDENT_VIEW, _P.INCIDENT_UPLOAD, _P.HOTSPOT_REVIEW}),
    Role.ADMINISTRATOR: frozenset({_P.USER_MANAGE, _P.AUDIT_VIEW, _P.BACKUP}),
}
"""Each role's permissions; nothing else is allowed."""

TOTP_REQUIRED = frozenset({Role.COMMANDER, Role.ADMINISTRATOR})
"""Roles that must give an authenticator code at login."""

_ISSUER = "Patrol planner"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    """The logged-in user a page acts for."""

    user_id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    """Name of the user's team (patrol leaders), ``None`` otherwise."""
    team_id: int | None = None
    """The team's record: names repeat between areas ("T1" in every ward), ids do not."""
    team_area_id: int | None = None
    """The area (ward) the team belongs to; a leader sees plans of that area only."""

    def can(self, permission: Permission) -> bool:
        """Whether the role allows ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class LoginResult:
    """A new session: give ``token`` back to ``authenticate`` on each request; keep it secret."""

    token: str
    principal: Principal


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
    has_totp: bool
    created_at: datetime
    last_login_at: datetime | None
    locked: bool
    disabled_reason: str | None


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("patrol.store").joinpath("common-passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problems(password: str, *, username: str = "") -> list[tuple[str, str]]:
    """List what is wrong with a new password, as ``(english, vietnamese)`` pairs; empty when fine.

    Examples
    --------
    >>> [en for en, _ in password_problems("password1")]
    ['it is on the list of common passwords; choose a longer phrase of your own']
    >>> password_problems("ngõ Văn Chương đêm mưa")
    []

    """
    problems: list[tuple[str, str]] = []
    if len(password) < MIN_PASSWORD:
        problems.append(
            (
                f"it has {len(password)} characters; use at least {MIN_PASSWORD}",
                f"mật khẩu có {len(password)} ký tự; cần ít nhất {MIN_PASSWORD} ký tự",
            )
        )
    if len(password) > MAX_PASSWORD:
        problems.append(
            (
                f"it has {len(password)} characters; use at most {MAX_PASSWORD}",
                f"mật khẩu dài {len(password)} ký tự; tối đa {MAX_PASSWORD} ký tự",
            )
        )
    folded = password.strip().lower()
    if folded in _common_passwords():
        problems.append(
            (
                "it is on the list of common passwords; choose a longer phrase of your own",
                "mật khẩu nằm trong danh sách mật khẩu phổ biến; hãy chọn một cụm từ dài hơn",
            )
        )
    if username and folded == username.strip().lower():
        problems.append(
            ("it is the user name; choose something else", "mật khẩu trùng tên đăng nhập")
        )
    return problems


def _hasher(store: Store) -> PasswordHasher:
    cfg = store.settings.store
    return PasswordHasher(
        time_cost=cfg.argon2_passes,
        memory_cost=cfg.argon2_memory_kib,
        parallelism=1,
        type=Type.ID,
    )


def _check_new_password(password: str, username: str) -> None:
    problems = password_problems(password, username=username)
    if problems:
        msg = f"password for {username!r} refused: " + "; ".join(en for en, _ in problems)
        err = PatrolError(msg)
        err.message_vi = f"Mật khẩu của {username} không hợp lệ: " + "; ".join(
            vi for _, vi in problems
        )
        raise err


def _team_name(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    return None if team is None else team.name


def _principal(session: Session, user: User) -> Principal:
    team = None if user.team_id is None else session.get(Team, user.team_id)
    return Principal(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        None if team is None else team.name,
        None if team is None else team.id,
        None if team is None else team.area_id,
    )


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
        The team of a patrol leader.
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
    _check_new_password(password, username)
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
            password_hash=_hasher(store).hash(password),
            totp_secret=store.require_keys().encrypt(secret) if secret else None,
            team_id=team_id,
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
            detail=f"role={role.value}",
        )
        principal = _principal(session, user)
    uri = (
        pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=_ISSUER) if secret else None
    )
    return NewUser(principal, secret, uri)


def _refuse(reason: str, en: str, vi: str) -> AuthError:
    return AuthError(en, message_vi=vi, reason=reason)


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
    hasher = _hasher(store)
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
        raise _refuse(*outcome)
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
                result = LoginResult(token, _principal(session, user))
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
        raise _refuse(*outcome)
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
                principal = _principal(session, user)
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
                return _principal(session, user)
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
    raise _refuse(*ended)


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
) -> None:
    """Allow or refuse an action; a refusal is audited and raises ``AccessDeniedError``."""
    if principal.can(permission):
        return
    deny(store, principal, permission, target=target, source=source)


def deny(
    store: Store,
    principal: Principal,
    permission: Permission | str,
    *,
    target: str = "",
    source: str = "",
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
    err.message_vi = "Bạn không có quyền truy cập nội dung này"
    raise err


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
    _check_new_password(new_password, username)
    hasher = _hasher(store)
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
            err = _refuse(
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
                _team_name(session, u.team_id),
                u.totp_secret is not None,
                u.created_at,
                u.last_login_at,
                u.locked_at is not None,
                u.disabled_reason,
            )
            for u in session.scalars(select(User).order_by(User.username))
        ]
