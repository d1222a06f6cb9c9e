"""The store's key file and the upgrade of a store made before it (revision 0001 to 0002)."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text

from patrol.store import auth
from patrol.store.audit import GENESIS_HASH, list_audit, verify_chain
from patrol.store.db import DB_FILENAME, open_store
from patrol.store.keys import StoreKeyError, read_key
from patrol.store.migrate import current_revision, upgrade
from patrolbase.settings import Settings

PASSWORD = "mật khẩu của chỉ huy phường"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _plain(row: list[object], prev: str) -> str:
    payload = json.dumps([*row, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _store_of_revision_0001(folder: Path, *, break_row: int | None = None) -> Settings:
    """Make the file an older product left: plain SHA-256 chain, a clear TOTP secret, no key."""
    settings = Settings().replace(store={"data_dir": str(folder)})
    store = open_store(settings, migrate=False)
    upgrade(store.engine, revision="0001")
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    prev = GENESIS_HASH
    with store.engine.begin() as conn:
        for i in range(1, 5):
            fields = [i, at.isoformat(timespec="microseconds"), f"u{i}", "login", "", "cli", "ok"]
            detail = f"row {i}"
            digest = _plain([*fields, detail], prev)
            if i == break_row:
                detail = "edited later"
            conn.execute(
                text(
                    "INSERT INTO audit_log VALUES "
                    "(:i, :at, :u, 'login', '', 'cli', 'ok', :d, :p, :h)"
                ),
                {"i": i, "at": at.replace(tzinfo=None), "u": f"u{i}", "d": detail, "p": prev,
                 "h": digest},
            )  # fmt: skip
            prev = digest
        conn.execute(text("UPDATE audit_head SET last_id = 4, last_hash = :h"), {"h": prev})
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role, password_hash, totp_secret, "
                "created_at, password_changed_at) VALUES ('chihuy', 'Chỉ huy', 'commander', "
                ":ph, :s, :at, :at)"
            ),
            {
                "ph": auth.password_hasher(store).hash(PASSWORD),
                "s": SECRET,
                "at": at.replace(tzinfo=None),
            },
        )
    assert store.keys is not None
    key_dir = store.keys.path.parent
    store.close()
    shutil.rmtree(key_dir)  # the older product had no key file
    return settings


def test_upgrade_keys_the_chain_and_encrypts_secrets(tmp_path: Path) -> None:
    settings = _store_of_revision_0001(tmp_path / "data")
    store = open_store(settings)
    try:
        assert current_revision(store.engine) == "0007"  # the head
        assert store.keys is not None and store.keys.path.stat().st_mode & 0o777 == 0o600
        report = verify_chain(store)
        assert report.ok and report.rows == 5
        note = list_audit(store, limit=1)[0]
        assert note.action == "audit_key" and "intact before" in note.detail
        with store.engine.connect() as conn:
            stored = conn.execute(text("SELECT totp_secret FROM users")).scalar_one()
            key_id = conn.execute(text("SELECT key_id FROM audit_head")).scalar_one()
        assert stored.startswith("fernet:") and SECRET not in stored
        assert key_id == store.keys.key_id
        assert store.keys.decrypt(stored) == SECRET
        code = pyotp.TOTP(SECRET).now()
        assert auth.login(store, "chihuy", PASSWORD, totp_code=code).principal.username == "chihuy"
        assert verify_chain(store).ok
    finally:
        store.close()


def test_upgrade_records_a_chain_broken_before(tmp_path: Path) -> None:
    settings = _store_of_revision_0001(tmp_path / "data", break_row=2)
    store = open_store(settings)
    try:
        note = list_audit(store, limit=1)[0]
        assert note.outcome == "fail" and "BROKEN before: row 2 was changed" in note.detail
    finally:
        store.close()


@pytest.mark.slow
def test_key_of_another_store_is_refused(tmp_path: Path) -> None:
    first = open_store(Settings().replace(store={"data_dir": str(tmp_path / "a")}))
    second = open_store(Settings().replace(store={"data_dir": str(tmp_path / "b")}))
    assert first.keys is not None and second.keys is not None
    first_key = first.keys.path
    first.close()
    second.close()
    shutil.copyfile(second.keys.path, first_key)
    reopened = open_store(Settings().replace(store={"data_dir": str(tmp_path / "a")}))
    try:
        assert reopened.keys is None
        with pytest.raises(StoreKeyError, match="another store"):
            reopened.require_keys()
    finally:
        reopened.close()


def test_damaged_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "store.key"
    path.write_text("patrol-store-key-1 not base64!\n", encoding="ascii")
    with pytest.raises(StoreKeyError, match="damaged") as err:
        read_key(path)
    assert str(path) in (err.value.message_vi or "")


def test_new_store_files_are_for_the_owner_only(tmp_path: Path) -> None:
    store = open_store(Settings().replace(store={"data_dir": str(tmp_path / "data")}))
    store.close()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "data" / DB_FILENAME).stat().st_mode & 0o777 == 0o600
