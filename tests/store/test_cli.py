"""``patrol users``, ``patrol backup`` / ``restore`` and ``patrol audit`` on a real store."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from patrol.cli import app
from patrol.store.db import sqlite
from patrolbase.errors import AuthError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PASSWORD = "quản trị viên phường Cát Linh"


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def run(settings_file: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--settings", str(settings_file), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_first_administrator_and_user_management(
    settings_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "en")
    from geodata.area import DEFAULT_AREA_NAME
    from patrol.store import auth
    from patrol.store.db import open_store
    from patrolbase.settings import Settings

    code, out, _ = run(
        settings_file,
        "users",
        "add",
        "quantri",
        "--role",
        "administrator",
        "--name",
        "Quản trị",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "created quantri (administrator)" in out
    secret = out.split("authenticator app):")[1].split()[0]
    assert len(secret) == 32 and "otpauth://totp/" in out
    assert PASSWORD not in out
    code, _, err = run(
        settings_file,
        "users",
        "add",
        "an",
        "--role",
        "boss",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 2 and "role 'boss' unknown" in err
    code, _, err = run(
        settings_file,
        "users",
        "add",
        "an",
        "--role",
        "analyst",
        "--password-stdin",
        stdin="12345678\n",
    )
    assert code == 2 and "common passwords" in err
    # a provincial analyst sees every ward; such an account has no ward and no team
    code, _, err = run(settings_file, "users", "add", "tinh", "--role", "analyst", "--province",
                       "--area", "Cát Linh", "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 2 and "--province" in err
    code, _, _ = run(settings_file, "users", "add", "tinh", "--role", "analyst", "--province",
                     "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert (
        code == 0
        and "tinh\tanalyst\t-\t-\tnever\tactive\t*" in run(settings_file, "users", "list")[1]
    )
    code, _, err = run(settings_file, "users", "ward", "tinh")
    assert code == 2 and "--province" in err
    assert run(settings_file, "users", "ward", "tinh", "--area", "Cát Linh")[0] == 0
    assert "\tactive\tCát Linh" in run(settings_file, "users", "list")[1]
    assert run(settings_file, "users", "ward", "tinh", "--province")[0] == 0
    monkeypatch.setenv("PATROL_LANG", "vi")
    listed = run(settings_file, "users", "list")[1]
    assert "tinh\tCán bộ phân tích\t-\t-\tchưa đăng nhập\tđang dùng\tmọi phường, xã" in listed
    monkeypatch.setenv("PATROL_LANG", "en")
    # lock the administrator with failed logins, then unlock from the command line
    store = open_store(Settings.from_file(settings_file))
    for _ in range(5):
        with pytest.raises(AuthError, match=r"(wrong|locked)"):
            auth.login(store, "quantri", "not it at all")
    code, out, _ = run(settings_file, "users", "list")
    ward = DEFAULT_AREA_NAME  # an account works for the embedded area unless told otherwise
    assert code == 0 and f"quantri\tadministrator\t-\ttotp\tnever\tlocked\t{ward}" in out
    assert run(settings_file, "users", "unlock", "quantri")[0] == 0
    code_now = pyotp.TOTP(secret).now()
    assert (
        auth.login(store, "quantri", PASSWORD, totp_code=code_now).principal.username == "quantri"
    )
    store.close()
    code, out, _ = run(settings_file, "users", "disable", "quantri")
    assert code == 0
    assert "disabled (administrator)" in run(settings_file, "users", "list")[1]
    code, out, _ = run(settings_file, "audit", "verify")
    assert code == 0 and "intact" in out


def test_backup_restore_and_tamper_detection(settings_file: Path, tmp_path: Path) -> None:
    run(
        settings_file,
        "users",
        "add",
        "an",
        "--role",
        "analyst",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    copy = tmp_path / "sao-luu.bak"
    code, out, _ = run(
        settings_file,
        "backup",
        str(copy),
        "--encrypt",
        "--passphrase-stdin",
        stdin="một cụm mật khẩu\n",
    )
    assert code == 0 and "encrypted" in out
    run(
        settings_file,
        "users",
        "add",
        "binh",
        "--role",
        "analyst",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    code, out, _ = run(
        settings_file,
        "restore",
        str(copy),
        "--yes",
        "--passphrase-stdin",
        stdin="một cụm mật khẩu\n",
    )
    assert code == 0 and "restored" in out
    listed = run(settings_file, "users", "list")[1]
    assert "an\t" in listed and "binh" not in listed
    # someone edits the audit log behind the product's back
    db = tmp_path / "data" / "patrol.sqlite3"
    conn = sqlite.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET username = 'someone else' WHERE id = 1")
    conn.commit()
    conn.close()
    code, _, err = run(settings_file, "audit", "verify")
    assert code == 1 and "TAMPERED: row 1 was changed" in err
    out_csv = tmp_path / "audit.csv"
    code, out, _ = run(settings_file, "audit", "export", str(out_csv))
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    # header, the user added before the backup, the three rows written since it (the backup,
    # binh added, the pre-restore copy) kept across the restore, the restore
    assert code == 0 and len(lines) == 6
    assert ",someone else,user_add," in lines[1] and ",restore," in lines[5]
    assert all("kept across restore" in line for line in lines[2:5])
    assert ",user_add,user:binh," in lines[3]


def test_backup_is_encrypted_by_default_with_a_manifest(
    settings_file: Path, tmp_path: Path
) -> None:
    import json

    from patrol.store.backup import ENCRYPTED_MAGIC

    run(settings_file, "users", "add", "an", "--role", "analyst", "--password-stdin",
        stdin=PASSWORD + "\n")  # fmt: skip
    copy = tmp_path / "sao-luu.bak"
    code, out, _ = run(
        settings_file, "backup", str(copy), "--passphrase-stdin", stdin="một cụm mật khẩu\n"
    )
    assert code == 0 and "encrypted" in out
    assert copy.read_bytes().startswith(ENCRYPTED_MAGIC)
    manifest = json.loads((tmp_path / "sao-luu.bak.manifest.json").read_text(encoding="utf-8"))
    assert manifest["encrypted"] is True and manifest["audit_rows"] == 1
    head = manifest["audit_head"]
    assert head["id"] == 1 and len(head["hash"]) == 64 and head["hash"] in out
    db = tmp_path / "data" / "patrol.sqlite3"
    conn = sqlite.connect(db)
    assert conn.execute("SELECT hash FROM audit_log WHERE id = 1").fetchone()[0] == head["hash"]
    conn.close()
    # a weak passphrase is refused, and a plain copy must be asked for
    code, _, err = run(settings_file, "backup", str(tmp_path / "b2.bak"), "--passphrase-stdin",
                       stdin="12345678\n")  # fmt: skip
    assert code == 2 and "Cụm mật khẩu sao lưu không dùng được" in err
    assert not (tmp_path / "b2.bak").exists()
    code, out, _ = run(settings_file, "backup", str(tmp_path / "b3.sqlite3"), "--plain")
    assert code == 0 and "plain" in out
    assert (tmp_path / "b3.sqlite3").read_bytes().startswith(b"SQLite format 3")


def test_a_vietnamese_user_is_answered_in_vietnamese(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    code, out, _ = run(
        settings_file,
        "users",
        "add",
        "chihuy",
        "--role",
        "commander",
        "--name",
        "Trần Văn Chỉ",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "Đã tạo tài khoản chihuy (Chỉ huy)" in out
    assert "Mã bí mật xác thực hai lớp (chỉ hiện một lần" in out
    assert "created" not in out and "TOTP secret" not in out
