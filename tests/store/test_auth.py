"""Accounts: password rules, hashing, lockout, TOTP, sessions, inactivity, permissions."""

from __future__ import annotations

import logging

import pyotp
import pytest
from sqlalchemy import select, text

from patrol.store import auth
from patrol.store.audit import list_audit, verify_chain
from patrol.store.auth import Permission, Role
from patrol.store.db import Store
from patrol.store.models import Base, User
from patrolbase.errors import AccessDeniedError, AuthError, PatrolError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PASSWORD = "đêm mưa ngõ Văn Chương"  # spaces and Vietnamese letters allowed


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test of this module runs on SQLite and, when available, PostgreSQL."""
    return any_store


def _totp(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def test_password_rules() -> None:
    assert auth.password_problems("correct horse battery staple") == []
    assert auth.password_problems("a" * 64 + " " + "b" * 20) == []
    short = auth.password_problems("abc1234")
    assert len(short) == 1 and "at least 8" in short[0][0] and "ít nhất 8" in short[0][1]
    assert "common" in auth.password_problems("Password1")[0][0]  # compared in lower case
    assert "common" in auth.password_problems("matkhau123")[0][0]
    assert "user name" in auth.password_problems("nguyenvanan", username="NguyenVanAn")[0][0]
    assert auth.password_problems("x" * 129)


def test_password_stored_only_as_argon2id(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    with store.transaction() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    if store.sqlite_path is not None:  # the file itself, free pages and journal included
        assert PASSWORD.encode() not in store.sqlite_path.read_bytes()
    with store.transaction() as session:  # every cell of every table
        for table in Base.metadata.sorted_tables:
            for row in session.execute(table.select()):
                assert PASSWORD not in " ".join(map(str, row))
    assert PASSWORD not in caplog.text
    auth.login(store, "an", PASSWORD)
    assert PASSWORD not in caplog.text
    with store.transaction() as session:
        dump = " ".join(str(r) for r in session.execute(text("SELECT * FROM audit_log")))
    assert PASSWORD not in dump


def test_weak_password_and_bad_names_refused(store: Store) -> None:
    with pytest.raises(PatrolError, match="common passwords") as err:
        auth.create_user(store, "an", "password123", role=Role.ANALYST)
    assert "phổ biến" in (err.value.message_vi or "")
    with pytest.raises(PatrolError, match="user name"):
        auth.create_user(store, "an'; DROP TABLE users;--", PASSWORD, role=Role.ANALYST)
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    with pytest.raises(PatrolError, match="exists already"):
        auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)


def test_login_logout_and_new_token_each_time(store: Store) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST, display_name="Nguyễn Văn An")
    first = auth.login(store, "an", PASSWORD, source="10.0.0.5")
    second = auth.login(store, "an", PASSWORD)
    assert first.token != second.token and len(first.token) >= 40
    who = auth.authenticate(store, first.token)
    assert who.username == "an" and who.role is Role.ANALYST and who.display_name == "Nguyễn Văn An"
    auth.logout(store, first.token)
    with pytest.raises(AuthError) as err:
        auth.authenticate(store, first.token)
    assert err.value.reason == "ended"
    assert auth.authenticate(store, second.token).username == "an"
    with store.transaction() as session:  # the token itself is never stored
        tokens = session.execute(text("SELECT token_sha256 FROM sessions")).scalars().all()
    assert first.token not in tokens and len(tokens) == 2


def test_wrong_password_and_unknown_user_say_the_same(store: Store) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    with pytest.raises(AuthError) as wrong:
        auth.login(store, "an", "not the password")
    with pytest.raises(AuthError) as unknown:
        auth.login(store, "binh", "not the password")
    assert str(wrong.value) == str(unknown.value)
    assert wrong.value.reason == unknown.value.reason == "bad_credentials"
    outcomes = [(e.username, e.action, e.outcome) for e in list_audit(store, action="login")]
    assert outcomes == [("binh", "login", "fail"), ("an", "login", "fail")]


def test_lockout_after_five_failures_until_unlocked(store: Store, clock) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    for attempt in range(4):
        with pytest.raises(AuthError) as err:
            auth.login(store, "an", f"wrong guess {attempt}")
        assert err.value.reason == "bad_credentials"
        clock.advance(minutes=3)
    with pytest.raises(AuthError) as err:
        auth.login(store, "an", "wrong guess 5")
    assert err.value.reason == "locked" and "khóa" in (err.value.message_vi or "")
    # the right password no longer helps, even much later
    clock.advance(days=2)
    with pytest.raises(AuthError) as err:
        auth.login(store, "an", PASSWORD)
    assert err.value.reason == "locked"
    auth.unlock_user(store, "an", actor="admin")
    assert auth.login(store, "an", PASSWORD).principal.username == "an"


def test_failures_spread_over_more_than_15_minutes_do_not_lock(store: Store, clock) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    for attempt in range(8):
        with pytest.raises(AuthError) as err:
            auth.login(store, "an", f"wrong guess {attempt}")
        assert err.value.reason == "bad_credentials"
        clock.advance(minutes=4)  # never 5 failures within 15 minutes
    assert auth.login(store, "an", PASSWORD)


def test_totp_required_for_commander_and_codes_used_once(store: Store, clock) -> None:
    made = auth.create_user(store, "chihuy", PASSWORD, role=Role.COMMANDER)
    assert made.totp_secret and made.totp_uri and made.totp_uri.startswith("otpauth://totp/")
    with pytest.raises(AuthError) as err:
        auth.login(store, "chihuy", PASSWORD)
    assert err.value.reason == "bad_credentials"
    with pytest.raises(AuthError) as err:
        auth.login(
            store,
            "chihuy",
            PASSWORD,
            totp_code="000000" if _totp(made.totp_secret, clock) != "000000" else "111111",
        )
    assert err.value.reason == "bad_credentials"
    code = _totp(made.totp_secret, clock)
    assert auth.login(store, "chihuy", PASSWORD, totp_code=code).principal.role is Role.COMMANDER
    with pytest.raises(AuthError):  # replayed code
        auth.login(store, "chihuy", PASSWORD, totp_code=code)
    clock.advance(seconds=30)
    assert auth.login(store, "chihuy", PASSWORD, totp_code=_totp(made.totp_secret, clock))
    # a right code with a wrong password is still a failure
    clock.advance(seconds=30)
    with pytest.raises(AuthError) as err:
        auth.login(store, "chihuy", "wrong password", totp_code=_totp(made.totp_secret, clock))
    assert err.value.reason == "bad_credentials"


def _failure(store: Store, username: str, password: str, code: str | None) -> AuthError:
    with pytest.raises(AuthError) as err:
        auth.login(store, username, password, totp_code=code, source="10.0.0.9")
    return err.value


def test_right_password_without_the_right_code_is_an_ordinary_failure(store: Store, clock) -> None:
    """Answer a right password with a missing or wrong code as a wrong password (no oracle).

    It counts toward the lockout: five lock the account.
    """
    made = auth.create_user(store, "chihuy", PASSWORD, role=Role.COMMANDER)
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    assert made.totp_secret
    wrong_code = "000000" if _totp(made.totp_secret, clock) != "000000" else "111111"
    wrong_password = _failure(store, "an", "not the password", None)
    answers = [
        _failure(store, "chihuy", PASSWORD, None),
        _failure(store, "chihuy", PASSWORD, wrong_code),
        _failure(store, "chihuy", PASSWORD, ""),
        _failure(store, "chihuy", PASSWORD, "12"),
    ]
    for answer in answers:
        assert (answer.reason, str(answer), answer.message_vi) == (
            wrong_password.reason,
            str(wrong_password),
            wrong_password.message_vi,
        )
    rows = [e for e in list_audit(store, username="chihuy", action="login")]
    assert len(rows) == 4 and all(e.outcome == "fail" for e in rows)
    fifth = _failure(store, "chihuy", PASSWORD, wrong_code)
    assert fifth.reason == "locked"
    # locked: even the right password with the right code is refused now
    clock.advance(seconds=30)
    locked = _failure(store, "chihuy", PASSWORD, _totp(made.totp_secret, clock))
    assert locked.reason == "locked"


def test_totp_secrets_are_stored_encrypted(store: Store, clock) -> None:
    made = auth.create_user(store, "chihuy", PASSWORD, role=Role.COMMANDER)
    secret = auth.reset_totp(store, "chihuy", actor="quantri")[0]
    assert made.totp_secret and secret != made.totp_secret
    with store.transaction() as session:
        stored = session.scalars(select(User.totp_secret)).one()
    assert stored is not None and stored.startswith("fernet:")
    assert secret not in stored and made.totp_secret not in stored
    if store.sqlite_path is not None:
        assert secret.encode() not in store.sqlite_path.read_bytes()
    assert auth.login(store, "chihuy", PASSWORD, totp_code=_totp(secret, clock))


def test_totp_optional_for_others(store: Store, clock) -> None:
    plain = auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    assert plain.totp_secret is None
    careful = auth.create_user(store, "binh", PASSWORD, role=Role.ANALYST, with_totp=True)
    assert careful.totp_secret
    with pytest.raises(AuthError):
        auth.login(store, "binh", PASSWORD)
    assert auth.login(store, "binh", PASSWORD, totp_code=_totp(careful.totp_secret, clock))


def test_idle_timeout_and_maximum_age(store: Store, clock) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    token = auth.login(store, "an", PASSWORD).token
    clock.advance(minutes=29)
    assert auth.authenticate(store, token)
    clock.advance(minutes=31)  # 31 idle minutes
    with pytest.raises(AuthError) as err:
        auth.authenticate(store, token)
    assert err.value.reason == "expired" and "hết hạn" in (err.value.message_vi or "")
    # active all along: still ends at 12 hours
    token = auth.login(store, "an", PASSWORD).token
    for _ in range(35):  # active every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert auth.authenticate(store, token)
    clock.advance(minutes=25)  # 12 h 05 min after login, 25 min idle
    with pytest.raises(AuthError) as err:
        auth.authenticate(store, token)
    assert err.value.reason == "expired"
    reasons = [e.detail for e in list_audit(store, action="session_end")]
    assert reasons == ["max_age", "idle"]


def test_unused_account_disabled_after_90_days(store: Store, clock) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    auth.create_user(store, "binh", PASSWORD, role=Role.ANALYST)
    clock.advance(days=60)
    auth.login(store, "binh", PASSWORD)
    clock.advance(days=31)
    with pytest.raises(AuthError) as err:
        auth.login(store, "an", PASSWORD)
    assert err.value.reason == "disabled"
    assert auth.login(store, "binh", PASSWORD)  # used 31 days ago
    clock.advance(days=91)
    assert auth.disable_inactive_accounts(store) == ["binh"]
    auth.set_user_enabled(store, "an", True, actor="admin")
    assert auth.login(store, "an", PASSWORD)


def test_password_change_ends_sessions(store: Store) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    token = auth.login(store, "an", PASSWORD).token
    with pytest.raises(AuthError):
        auth.set_password(store, "an", "a new long passphrase", actor="an", old_password="nope")
    auth.set_password(store, "an", "a new long passphrase", actor="an", old_password=PASSWORD)
    with pytest.raises(AuthError):
        auth.authenticate(store, token)
    with pytest.raises(AuthError):
        auth.login(store, "an", PASSWORD)
    assert auth.login(store, "an", "a new long passphrase")


def test_permissions_by_role_and_refusals_audited(store: Store, clock) -> None:
    leader = auth.create_user(store, "totruong", PASSWORD, role=Role.PATROL_LEADER).principal
    analyst = auth.create_user(store, "an", PASSWORD, role=Role.ANALYST).principal
    admin = auth.create_user(store, "quantri", PASSWORD, role=Role.ADMINISTRATOR).principal
    assert leader.can(Permission.ROUTE_VIEW_OWN) and not leader.can(Permission.ROUTE_VIEW_ALL)
    assert not leader.can(Permission.INCIDENT_VIEW)
    assert analyst.can(Permission.HOTSPOT_REVIEW) and not analyst.can(Permission.PLAN_APPROVE)
    assert admin.can(Permission.USER_MANAGE) and not admin.can(Permission.PLAN_EDIT)
    assert all(not analyst.can(p) for p in (Permission.USER_MANAGE, Permission.BACKUP))
    auth.require(store, analyst, Permission.INCIDENT_VIEW)
    with pytest.raises(AccessDeniedError) as err:
        auth.require(
            store, leader, Permission.INCIDENT_VIEW, target="page:incidents", source="10.0.0.9"
        )
    assert "không có quyền" in (err.value.message_vi or "")
    denied = list_audit(store, username="totruong")
    assert [(d.outcome, d.target, d.source) for d in denied] == [
        ("denied", "page:incidents", "10.0.0.9")
    ]
    assert verify_chain(store).ok
    assert {r for r in Role} == set(auth.ROLE_PERMISSIONS)
    assert Role.PATROL_LEADER.label_vi == "Tổ trưởng tuần tra"


def test_login_floods_are_throttled_per_address_and_per_name(store: Store, clock) -> None:
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    limit = store.settings.store.throttle_failures
    for k in range(limit):  # a flood of unknown names from one address
        with pytest.raises(AuthError) as err:
            auth.login(store, f"khach{k}", "đoán bừa mật khẩu", source="10.0.0.66")
        assert err.value.reason == "bad_credentials"
    rows_before = len(list_audit(store, action="login"))
    for _ in range(5):  # even the right password is not checked from there now
        with pytest.raises(AuthError) as err:
            auth.login(store, "an", PASSWORD, source="10.0.0.66")
        assert err.value.reason == "throttled" and "thử lại sau" in err.value.message_vi
    noted = list_audit(store, action="login")[
        : len(list_audit(store, action="login")) - rows_before
    ]
    assert [(e.source, e.detail) for e in noted] == [("10.0.0.66", "throttled")]  # one row
    # another address is not held back; after the window the address may try again
    assert auth.login(store, "an", PASSWORD, source="10.0.0.7")
    clock.advance(minutes=store.settings.store.throttle_window_min + 1)
    assert auth.login(store, "an", PASSWORD, source="10.0.0.66")


def test_one_name_tried_from_many_addresses_is_throttled(store: Store) -> None:
    limit = store.settings.store.throttle_failures
    for k in range(limit):
        with pytest.raises(AuthError):
            auth.login(store, "khongco", f"thử lần {k}", source=f"10.0.1.{k}")
    with pytest.raises(AuthError) as err:
        auth.login(store, "khongco", "thử nữa", source="10.0.2.1")
    assert err.value.reason == "throttled"
