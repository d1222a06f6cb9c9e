"""Login, roles and the administrator's pages, through the dashboard itself (AppTest).

Every test runs on a fresh store with one account per role (``app_as`` / ``ward`` in
``conftest.py``) and logs in through the real login form.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from dashboard.access import MENU_KEY, PAGE_ACCESS, TOKEN_KEY
from geodata.area import DEFAULT_AREA_NAME
from patrol.store import audit, auth
from patrol.store.models import LoginSession
from patrolbase.errors import AuthError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "pages"
REFUSED = "Bạn không có quyền truy cập nội dung này"
EXPECTED = {
    "commander": [
        "map",
        "plan",
        "routes",
        "alarm",
        "review",
        "campaign",
        "village",
        "data",
        "teams",
        "audit",
        "settings",
        "help",
    ],
    "patrol_leader": ["routes", "settings", "help"],
    "analyst": ["map", "review", "data", "settings", "help"],
    "administrator": ["audit", "users", "settings", "help"],
}
# Pages of this part of the project, visited to see that they open for the roles that may.
OWN_PAGES = {"map", "data", "teams", "audit", "users", "settings", "help"}


def _errors(at: Any) -> list[str]:
    return [e.value for e in at.error]


def _form_shown(at: Any) -> bool:
    return any(w.key == "login_username" for w in at.text_input)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_only_its_pages(app_as: Any, role: str) -> None:
    at = app_as(role)
    expected = [p for p in EXPECTED[role] if (PAGES / f"{p}.py").is_file()]
    assert at.session_state[MENU_KEY] == expected
    # Typing the address of any page: the server decides, page by page.
    for page in PAGE_ACCESS:
        if not (PAGES / f"{page}.py").is_file() or (page in expected and page not in OWN_PAGES):
            continue
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        refused = any(REFUSED in e for e in _errors(at))
        assert refused == (page not in expected), (role, page)
        if refused:
            assert not at.main.title, "nothing of the refused page is drawn"
    # The sidebar names the user and the role in Vietnamese.
    label = auth.Role(role).label_vi
    assert any(label in m.value for m in at.sidebar.markdown)


def test_patrol_leader_forcing_another_page_is_refused_and_logged(app_as: Any) -> None:
    at = app_as("patrol_leader", "help")
    for page in ("plan", "map", "data", "audit", "users"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert any(REFUSED in e for e in _errors(at)), page
        assert not at.main.title and not at.get("component_instance")
    denied = [e for e in audit.list_audit(app_as.store, action="view") if e.outcome == "denied"]
    assert {e.target for e in denied} == {f"page:{p}" for p in ("plan", "map", "data", "audit",
                                                                "users")}  # fmt: skip
    assert {e.username for e in denied} == {"totruong1"}


def test_login_page_shows_the_notice_and_the_fields(ward: Any) -> None:
    at = ward.app()
    assert not at.session_state[TOKEN_KEY] if TOKEN_KEY in at.session_state else True
    assert any(auth.LOGIN_BANNER_VI in w.value for w in at.warning)
    assert {w.key for w in at.text_input} == {"login_username", "login_password", "login_totp"}
    assert (
        at.text_input(key="login_password").proto.type
        == at.text_input(key="login_password").proto.PASSWORD
    )
    at.radio(key="lang").set_value("en").run()
    assert any(auth.LOGIN_BANNER_EN in w.value for w in at.warning)
    assert at.title[0].value == "Log in"
    assert MENU_KEY not in at.session_state  # no page is declared before login


def test_first_run_without_accounts_names_the_command(empty_ward: Any) -> None:
    at = empty_ward.app()
    (command,) = [c.value for c in at.code]
    assert command.startswith(".venv/bin/patrol --settings ")  # the store this dashboard uses
    assert str(empty_ward.settings_path) in command
    assert "users add quantri --role administrator" in command
    assert any("Chưa có tài khoản nào" in i.value for i in at.info)


def test_wrong_password_and_unknown_user_get_one_message(ward: Any) -> None:
    at = ward.app()
    ward.login(at, "phantich", "không phải mật khẩu này")
    wrong_password = _errors(at)
    ward.login(at, "khongtontai", "không phải mật khẩu này")
    assert _errors(at) == wrong_password == ["Sai tên đăng nhập, mật khẩu hoặc mã xác thực."]
    assert _form_shown(at)


def test_commander_needs_the_authenticator_code(ward: Any) -> None:
    account = ward.accounts["commander"]
    at = ward.app()
    ward.login(at, account.username, account.password)
    # a right password without the code gets the common answer: no hint that it was right
    assert _errors(at) == ["Sai tên đăng nhập, mật khẩu hoặc mã xác thực."] and _form_shown(at)
    ward.login(at, account.username, account.password, "000000")
    assert _errors(at) == ["Sai tên đăng nhập, mật khẩu hoặc mã xác thực."]
    ward.login(at, account.username, account.password, ward.code("commander"))
    assert not _form_shown(at) and at.title[0].value == "Bản đồ"


def test_lockout_after_five_failures_is_shown(ward: Any) -> None:
    account = ward.accounts["analyst"]
    at = ward.app()
    for _ in range(4):
        ward.login(at, account.username, "mật khẩu sai hoàn toàn")
        assert _errors(at) == ["Sai tên đăng nhập, mật khẩu hoặc mã xác thực."]
    ward.login(at, account.username, "mật khẩu sai hoàn toàn")
    locked = "Tài khoản bị khóa do đăng nhập sai nhiều lần"
    assert any(locked in e for e in _errors(at))
    ward.login(at, account.username, account.password)  # even the right password now
    assert any(locked in e for e in _errors(at)) and _form_shown(at)
    # The administrator unlocks it on the Users page; the right password works again.
    admin = ward("administrator", "users")
    admin.selectbox(key="users_chosen").set_value(account.username).run()
    admin.button(key="users_unlock").click().run()
    assert not admin.exception
    assert any("Đã mở khóa phantich" in s.value for s in admin.success)
    ward.login(at, account.username, account.password)
    assert not _form_shown(at)


def test_idle_session_is_logged_out(app_as: Any) -> None:
    at = app_as("analyst", "help")
    assert at.title[0].value == "Hướng dẫn sử dụng"
    idle = app_as.store.settings.store.session_idle_min
    # Move the session's last activity back past the idle limit (the clock, for this session).
    with app_as.store.transaction() as db:
        for row in db.scalars(select(LoginSession)):
            row.last_seen_at -= timedelta(minutes=idle + 1)
    at.run()
    assert _form_shown(at)
    assert any("Phiên làm việc đã hết hạn" in i.value for i in at.info)
    ended = audit.list_audit(app_as.store, action="session_end")
    assert [(e.username, e.detail) for e in ended] == [("phantich", "idle")]


def test_logout_ends_the_session(app_as: Any) -> None:
    at = app_as("analyst", "help")
    token = at.session_state[TOKEN_KEY]
    at.button(key="logout").click().run()
    assert not at.exception and _form_shown(at)
    assert any("Đã đăng xuất" in s.value for s in at.success)
    with pytest.raises(AuthError):
        auth.authenticate(app_as.store, token)
    assert [e.username for e in audit.list_audit(app_as.store, action="logout")] == ["phantich"]


def test_users_page_adds_a_user_who_can_log_in(app_as: Any) -> None:
    at = app_as("administrator", "users")
    at.text_input(key="new_username").input("chihuy2")
    at.text_input(key="new_display_name").input("Trần Văn Bình")
    at.selectbox(key="new_role").set_value("commander")
    at.text_input(key="new_password").input("chỉ huy ca đêm phường")
    at.text_input(key="new_password_again").input("chỉ huy ca đêm phường")
    (submit,) = [b for b in at.button if b.label == "Tạo tài khoản"]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã tạo tài khoản chihuy2" in s.value for s in at.success)
    assert at.get("image"), "the QR code of the new secret is shown"
    secret = next(c.value for c in at.code if len(c.value) >= 16 and c.value.isalnum())
    accounts = at.dataframe[0].value.set_index("Tên đăng nhập")
    assert accounts.loc["chihuy2", "Phường/xã"] == DEFAULT_AREA_NAME  # this ward's, not all
    # Shown once: the next run no longer carries it.
    at.run()
    assert not any(c.value == secret for c in at.code)
    # The new commander logs in with the secret from the page.
    new = app_as.app()
    app_as.login(new, "chihuy2", "chỉ huy ca đêm phường", pyotp.TOTP(secret).now())
    assert not _form_shown(new) and any("Trần Văn Bình" in m.value for m in new.sidebar.markdown)
    added = audit.list_audit(app_as.store, action="user_add")
    assert (added[0].username, added[0].target) == ("quantri", "user:chihuy2")  # newest first


def test_a_user_of_another_ward_is_refused_this_wards_records_by_name(app_as: Any) -> None:
    other = "Phường Cát Linh"
    auth.create_user(app_as.store, "phantich-cl", "phân tích ở phường khác", role="analyst",
                     area=other, with_totp=False)  # fmt: skip
    at = app_as.app()
    app_as.login(at, "phantich-cl", "phân tích ở phường khác")
    at.switch_page("pages/data.py").run()
    shown = " ".join(_errors(at))
    assert f"Tài khoản phantich-cl thuộc {other}" in shown and DEFAULT_AREA_NAME in shown
    refused = [e for e in audit.list_audit(app_as.store) if e.username == "phantich-cl"]
    assert any(e.outcome == "denied" and e.target == f"area:{DEFAULT_AREA_NAME}" for e in refused)


def test_users_page_moves_an_account_between_this_ward_and_every_ward(app_as: Any) -> None:
    at = app_as("administrator", "users")
    at.selectbox(key="users_chosen").set_value("phantich").run()
    every = "Mọi phường, xã (cấp tỉnh)"
    for ward, shown in ((DEFAULT_AREA_NAME, DEFAULT_AREA_NAME), ("*", every)):
        at.selectbox(key="users_ward_phantich").set_value(ward).run()
        at.button(key="users_set_ward").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(f"phantich nay thuộc: {shown}" in s.value for s in at.success)
        table = at.dataframe[0].value.set_index("Tên đăng nhập")
        assert table.loc["phantich", "Phường/xã"] == shown
    moved = [e.detail for e in audit.list_audit(app_as.store, action="user_change")]
    assert moved[:2] == ["ward=*", f"ward={DEFAULT_AREA_NAME}"]  # newest first


def test_users_page_refuses_a_weak_password(app_as: Any) -> None:
    at = app_as("administrator", "users")
    at.text_input(key="new_username").input("phantich2")
    at.selectbox(key="new_role").set_value("analyst")
    at.text_input(key="new_password").input("password1")
    at.text_input(key="new_password_again").input("password1")
    (submit,) = [b for b in at.button if b.label == "Tạo tài khoản"]
    submit.click().run()
    assert any("mật khẩu phổ biến" in e for e in _errors(at))
    assert "phantich2" not in [u.username for u in auth.list_users(app_as.store)]


def test_disabled_account_cannot_log_in(app_as: Any) -> None:
    at = app_as("administrator", "users")
    at.selectbox(key="users_chosen").set_value("phantich").run()
    at.button(key="users_toggle").click().run()
    assert any("Đã vô hiệu hóa phantich" in s.value for s in at.success)
    account = app_as.accounts["analyst"]
    other = app_as.app()
    app_as.login(other, account.username, account.password)
    assert any("vô hiệu hóa" in e for e in _errors(other)) and _form_shown(other)


def test_audit_page_shows_the_log_and_its_chain(app_as: Any) -> None:
    at = app_as("commander", "audit")
    assert any("Chuỗi băm nguyên vẹn" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert "chihuy" in table["Người dùng"].tolist()
    assert "Đăng nhập" in table["Thao tác"].tolist()
    at.selectbox(key="audit_action").set_value("user_add").run()
    table = at.dataframe[0].value
    assert set(table["Thao tác"]) == {"Thêm người dùng"} and len(table) == 4
    at.button(key="audit_export").click().run()
    (download,) = at.get("download_button")
    assert not at.exception and download is not None


def test_next_user_of_the_tab_starts_afresh(app_as: Any) -> None:
    at = app_as("commander", "help")
    at.session_state["added_incidents"] = [{"marker": "the commander's addition"}]
    at.button(key="logout").click().run()
    account = app_as.accounts["analyst"]
    app_as.login(at, account.username, account.password)
    assert not _form_shown(at)
    assert at.session_state["added_incidents"] == [] and at.session_state["plan"] is None
    assert any("Cán bộ phân tích" in m.value for m in at.sidebar.markdown)


def test_analyst_uploads_incidents_but_may_not_touch_the_survey(app_as: Any, inputs: Any) -> None:
    from geodata.io import read_incidents

    log = Path(__file__).resolve().parents[1] / "data" / "tables" / "incidents-van-mieu.csv"
    rows = len(read_incidents(log, bbox=tuple(inputs.area.bbox)))
    at = app_as("analyst", "data")
    uploaders = {u.key for u in at.get("file_uploader")}
    assert uploaders == {"up_incidents"}  # the survey is the commander's
    at.file_uploader(key="up_incidents").set_value((log.name, log.read_bytes(), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(log.name in s.value for s in at.success)
    # The ward's own log replaces the demonstration incidents, for every user of the store.
    commander = app_as("commander", "map")
    assert commander.metric[1].label == "Vụ việc" and commander.metric[1].value == str(rows)
    assert not any("Dữ liệu minh họa" in w.value for w in commander.warning)
    uploads = [e for e in audit.list_audit(app_as.store, action="upload") if e.outcome == "ok"]
    assert [e.username for e in uploads] == ["phantich"]


def test_administrator_resets_a_password_and_the_old_session_ends(app_as: Any) -> None:
    analyst = app_as("analyst", "help")
    at = app_as("administrator", "users")
    at.selectbox(key="users_chosen").set_value("phantich").run()
    at.text_input(key="reset_password").input("mật khẩu mới của phân tích")
    (submit,) = [b for b in at.button if b.label == "Đặt lại mật khẩu"]
    submit.click().run()
    assert any("Đã đặt lại mật khẩu của phantich" in s.value for s in at.success)
    analyst.run()
    assert _form_shown(analyst)  # the analyst's open session has ended
    app_as.login(analyst, "phantich", app_as.accounts["analyst"].password)
    assert _form_shown(analyst)
    app_as.login(analyst, "phantich", "mật khẩu mới của phân tích")
    assert not _form_shown(analyst)


def test_audit_page_reports_a_tampered_row(app_as: Any) -> None:
    import sqlite3

    path = app_as.store.sqlite_path
    assert path is not None
    with sqlite3.connect(path) as db:  # someone with the file edits a row behind the product
        names = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall()
        for (name,) in names:
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("UPDATE audit_log SET username = 'ai-do' WHERE id = 2")
    at = app_as("administrator", "audit")
    assert not at.exception
    errors = _errors(at)
    assert any("Nhật ký đã bị can thiệp: từ dòng 2" in e for e in errors)
    # the reason in Vietnamese, and the dropped triggers named too
    assert any("Dòng 2 của nhật ký đã bị sửa" in e and "Trình kích hoạt" in e for e in errors)


def test_a_missing_key_file_is_named_on_the_login_page(ward: Any) -> None:
    """Without its key file the store cannot log anyone in: the page names the file."""
    assert ward.store.keys is not None
    key_file = ward.store.keys.path
    key_file.rename(key_file.with_suffix(".away"))
    account = ward.accounts["analyst"]
    at = ward.app()
    ward.login(at, account.username, account.password)
    errors = _errors(at)
    assert any("Không tìm thấy tệp khóa" in e and str(key_file) in e for e in errors), errors
    assert not at.exception and _form_shown(at)
