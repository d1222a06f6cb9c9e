"""Durability of the store.

Several writer processes lose nothing; a writer killed (SIGKILL) at random
moments leaves every transaction whole or absent and the file sound; backups taken while
writers run restore to the same content.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from patrol.store.audit import Action, list_audit, log_event, record, verify_chain
from patrol.store.backup import ENCRYPTED_MAGIC, backup, restore
from patrol.store.db import Store, open_store, sqlite
from patrol.store.models import Incident, Upload
from patrol.store.wards import ensure_area
from patrolbase.errors import PatrolError
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

_FORK = multiprocessing.get_context("fork")  # children start at once, modules already loaded


def _write_batches(settings: Settings, name: str, batches: int, rows: int, fd: int) -> None:
    """Write ``batches`` transactions as a separate process would, reporting each commit.

    Each batch is made like an upload (an ``uploads`` row saying ``rows``, that many incidents,
    an audit row); its number goes to ``fd`` after the commit.
    """
    store = open_store(settings, migrate=False)
    base = datetime(2026, 1, 1, 22, 0)
    for batch in range(batches):
        with store.transaction() as session:
            upload = Upload(
                area_id=1,
                kind="incidents",
                filename=f"{name}-{batch}",
                rows=rows,
                username=name,
                at=store.now(),
            )
            session.add(upload)
            session.flush()
            session.execute(
                insert(Incident),
                [
                    {
                        "area_id": 1,
                        "incident_id": f"{name}-{batch}-{i}",
                        "time": base + timedelta(minutes=i),
                        "type": "theft",
                        "lat": 21.03,
                        "lon": 105.83,
                        "facility_id": "",
                        "description": "x" * 200,
                        "demo": True,
                        "upload_id": upload.id,
                    }
                    for i in range(rows)
                ],
            )
            record(
                session,
                store,
                username=name,
                action=Action.UPLOAD,
                target=f"file:{name}-{batch}",
                detail=f"rows={rows}",
            )
        os.write(fd, f"{batch}\n".encode())
    store.close()


def _settings(
    tmp_path: Path, journal: str, request: pytest.FixtureRequest | None = None
) -> Settings:
    """SQLite in ``journal`` mode, or (``journal="postgresql"``) the emptied test database."""
    if journal == "postgresql":
        assert request is not None
        url = request.getfixturevalue("pg_empty_url")
        return Settings().replace(store={"database_url": url, "data_dir": str(tmp_path / "pg")})
    return Settings().replace(
        store={"data_dir": str(tmp_path / journal), "sqlite_journal": journal}
    )


class _Writer:
    """A forked writer process and the batch numbers it reported committed."""

    def __init__(self, settings: Settings, name: str, batches: int, rows: int) -> None:
        self._read, write = os.pipe()
        self.proc = _FORK.Process(
            target=_write_batches, args=(settings, name, batches, rows, write)
        )
        self.proc.start()
        os.close(write)
        self._buffer = b""

    def wait_first_commit(self) -> None:
        while b"\n" not in self._buffer:
            chunk = os.read(self._read, 64)
            assert chunk, "the writer died before its first commit"
            self._buffer += chunk

    def finish(self, *, kill: bool = False) -> list[str]:
        if kill:
            self.proc.kill()
        self.proc.join(timeout=120)
        while chunk := os.read(self._read, 4096):
            self._buffer += chunk
        os.close(self._read)
        return self._buffer.decode().split()


def _whole(store: Store) -> dict[str, int]:
    """Check every upload is whole; return committed batches per upload file name."""
    with store.transaction() as session:
        bad = session.execute(
            text(
                "SELECT u.filename, u.rows, count(i.id) FROM uploads u "
                "LEFT JOIN incidents i ON i.upload_id = u.id GROUP BY u.id "
                "HAVING count(i.id) != u.rows"
            )
        ).all()
        assert bad == []
        names = session.execute(text("SELECT filename FROM uploads")).scalars().all()
        audited = (
            session.execute(text("SELECT target FROM audit_log WHERE action = 'upload'"))
            .scalars()
            .all()
        )
    assert sorted(f"file:{n}" for n in names) == sorted(audited)  # audit row iff the upload
    return {n: 1 for n in names}


def _integrity(path: Path) -> str:
    conn = sqlite.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("journal", ["wal", "delete", "postgresql"])
def test_concurrent_writer_processes_lose_nothing(
    tmp_path: Path, journal: str, request: pytest.FixtureRequest
) -> None:
    settings = _settings(tmp_path, journal, request)
    store = open_store(settings)
    ensure_area(store, "A")
    writers = [_Writer(settings, f"w{k}", 10, 40) for k in range(4)]
    for writer in writers:
        assert writer.finish() == [str(b) for b in range(10)]
        assert writer.proc.exitcode == 0
    assert len(_whole(store)) == 40
    with store.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 40 * 40
    report = verify_chain(store)
    assert report.ok and report.rows == 40
    if store.sqlite_path is not None:
        assert _integrity(store.sqlite_path) == "ok"
    store.close()


@pytest.mark.parametrize("journal", ["wal", "delete", "postgresql"])
def test_sigkill_mid_write_leaves_whole_transactions(
    tmp_path: Path, journal: str, request: pytest.FixtureRequest
) -> None:
    settings = _settings(tmp_path, journal, request)
    store = open_store(settings)
    ensure_area(store, "A")
    store.close()
    rng = random.Random(20261123)
    committed: set[str] = set()
    kills = 8
    for attempt in range(kills):
        writer = _Writer(settings, f"k{attempt}", 10_000, 300)
        # after the first commit, kill at a random moment of a later transaction
        writer.wait_first_commit()
        time.sleep(rng.uniform(0.0, 0.3))
        done = writer.finish(kill=True)
        committed |= {f"k{attempt}-{b}" for b in done}
        assert writer.proc.exitcode == -signal.SIGKILL
    store = open_store(settings)
    stored = _whole(store)
    assert committed <= set(stored)  # every reported commit survived
    assert len(stored) - len(committed) <= kills  # at most the batch in flight (commit, no print)
    assert verify_chain(store).ok
    if store.sqlite_path is not None:
        assert _integrity(store.sqlite_path) == "ok"
    store.close()


def _content(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables = ("areas", "uploads", "incidents", "audit_log", "users")
    with store.transaction() as session:
        return {
            t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in tables
        }


@pytest.mark.parametrize("passphrase", [None, "cụm mật khẩu sao lưu"])
def test_backup_restores_same_content(tmp_path: Path, passphrase: str | None) -> None:
    settings = _settings(tmp_path, "wal")
    store = open_store(settings)
    ensure_area(store, "A")
    _Writer(settings, "w", 8, 50).finish()
    at_backup = _content(store)
    info = backup(store, tmp_path / "bk" / "patrol.bak", passphrase=passphrase, actor="admin")
    assert info.encrypted is (passphrase is not None)
    raw = info.path.read_bytes()
    assert raw.startswith(ENCRYPTED_MAGIC) if passphrase else raw.startswith(b"SQLite format 3")
    if passphrase:
        assert b"xxxxxxxxxx" not in raw  # descriptions are not readable in the file
    # more work after the backup, then restore
    _Writer(settings, "later", 3, 50).finish()
    assert _content(store) != at_backup
    if passphrase:
        with pytest.raises(PatrolError, match="passphrase"):
            restore(store, info.path, passphrase="not the passphrase", actor="admin")
    before = _content(store)["audit_log"]
    restore(store, info.path, passphrase=passphrase, actor="admin")
    after = _content(store)
    assert {t: after[t] for t in after if t != "audit_log"} == {
        t: at_backup[t] for t in at_backup if t != "audit_log"
    }
    # the restored log is the one at backup time, then every row written since (the pre-restore
    # copy's included), appended again, then the restore itself: no history is lost
    start = len(at_backup["audit_log"])
    assert after["audit_log"][:start] == at_backup["audit_log"]
    kept, last = after["audit_log"][start:-1], after["audit_log"][-1]
    since = before[start:]
    assert [r[2:5] for r in kept[: len(since)]] == [r[2:5] for r in since]
    assert [r[3] for r in kept[len(since) :]] == ["backup"]  # the pre-restore copy
    assert all(
        f"kept across restore: row {r[0]} " in k[7]
        for r, k in zip(since, kept[: len(since)], strict=True)
    )
    assert last[3] == "restore" and f"{len(since) + 1} later audit rows kept" in last[7]
    assert verify_chain(store).ok
    assert list(store.sqlite_path.parent.glob("pre-restore-*.sqlite3"))  # type: ignore[union-attr]
    store.close()


def test_restore_refuses_a_backup_of_another_store(tmp_path: Path) -> None:
    ours = open_store(_settings(tmp_path / "ours", "wal"))
    theirs = open_store(_settings(tmp_path / "theirs", "wal"))
    ensure_area(theirs, "B")
    info = backup(theirs, tmp_path / "theirs.bak")
    theirs.close()
    ensure_area(ours, "A")
    with pytest.raises(PatrolError, match="another key file") as err:
        restore(ours, info.path)
    assert "tệp khóa khác" in (err.value.message_vi or "")
    assert verify_chain(ours).ok and not list((tmp_path / "ours").rglob("pre-restore-*"))
    ours.close()


def test_restore_onto_a_new_store_given_the_old_key_file(tmp_path: Path) -> None:
    """Disaster recovery: a new machine, the old key file put back first, then the backup."""
    old = open_store(_settings(tmp_path / "old", "wal"))
    ensure_area(old, "A")
    log_event(old, username="an", action=Action.EXPORT, target="plan:1")
    info = backup(old, tmp_path / "old.bak")
    assert old.keys is not None
    key_file = old.keys.path
    old.close()
    new_keys = tmp_path / "new-keys"
    new_keys.mkdir(mode=0o700)
    (new_keys / "store.key").write_bytes(key_file.read_bytes())
    settings = Settings().replace(
        store={"data_dir": str(tmp_path / "new"), "key_dir": str(new_keys)}
    )
    new = open_store(settings)
    assert new.keys is not None and new.keys.key_id == old.keys.key_id
    restore(new, info.path, actor="admin")
    rows = [(e.action, e.detail) for e in list_audit(new)][::-1]
    assert rows[0][0] == "export" and rows[-1][0] == "restore"
    assert any("other history" in detail for _, detail in rows)  # the new store's own rows
    assert verify_chain(new).ok
    new.close()


def test_weak_backup_passphrase_is_refused(store: Store, tmp_path: Path) -> None:
    for weak in ("12345678", "short"):
        with pytest.raises(PatrolError, match="passphrase is refused"):
            backup(store, tmp_path / "b.bak", passphrase=weak)
    assert not (tmp_path / "b.bak").exists()


def test_live_backup_while_writing_is_consistent(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "wal")
    store = open_store(settings)
    ensure_area(store, "A")
    writer = _Writer(settings, "w", 60, 200)
    writer.wait_first_commit()
    copies = [backup(store, tmp_path / f"live-{k}.sqlite3") for k in range(3)]
    assert len(writer.finish()) == 60
    for info in copies:
        keys = str(tmp_path / "wal" / "keys")  # a copy is checked with its store's key
        copy_store = open_store(
            Settings().replace(store={"data_dir": str(tmp_path / "x"), "key_dir": keys}),
            url=f"sqlite:///{info.path}",
        )
        assert len(_whole(copy_store)) >= 1
        assert verify_chain(copy_store, anchor=False).ok  # the anchor is the live store's
        copy_store.close()


def test_restore_refuses_what_is_not_a_backup(store: Store, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(PatrolError):
        restore(store, junk)
    other = tmp_path / "other.sqlite3"
    conn = sqlite.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(PatrolError, match="not a patrol store"):
        restore(store, other)
    with pytest.raises(PatrolError, match="no such backup"):
        restore(store, tmp_path / "missing.bak")


def test_restore_refuses_a_backup_from_a_newer_product(store: Store, tmp_path: Path) -> None:
    info = backup(store, tmp_path / "new.sqlite3")
    conn = sqlite.connect(info.path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    ensure_area(store, "still here")
    with pytest.raises(PatrolError, match="newer version of the product"):
        restore(store, info.path)
    with store.transaction() as session:
        assert session.execute(text("SELECT name FROM areas")).scalars().all() == ["still here"]
