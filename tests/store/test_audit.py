"""The audit log: append-only, hash-chained, exportable without formula injection."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from patrol.store.anchor import ANCHOR_FILENAME
from patrol.store.audit import (
    GENESIS_HASH,
    Action,
    export_audit_csv,
    list_audit,
    log_event,
    verify_chain,
)
from patrol.store.db import Store, open_store, sqlite
from patrol.store.keys import StoreKeyError
from patrol.store.models import AuditRow
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


@pytest.fixture
def settings_file(tmp_path: Path, store_settings: Settings) -> Path:
    """Write a settings file naming the test store's data folder, for the command line."""
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{store_settings.store.data_dir}"\n', encoding="utf-8")
    return path


def _cli(settings_file: Path, *args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from patrol.cli import app

    result = CliRunner().invoke(app, ["--settings", str(settings_file), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test of this module runs on SQLite and, when available, PostgreSQL."""
    return any_store


def _fill(store: Store, count: int = 6) -> None:
    for i in range(count):
        log_event(
            store,
            username=f"user{i}",
            action=Action.EXPORT,
            target=f"plan:{i}",
            source="10.0.0.1",
            detail=f"gpx team T{i}",
        )


def _tamper(store: Store, statement: str, params: dict[str, object] | None = None) -> None:
    """Run ``statement`` around the product's guards, as someone editing the database would."""
    if store.sqlite_path is not None:
        conn = sqlite.connect(store.sqlite_path)
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        with conn:
            conn.execute(text(statement).text, params or {})
        conn.close()
        return
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        connection.execute(text(statement), params or {})
        connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


def test_chain_of_an_untouched_log_verifies(store: Store, clock) -> None:
    assert verify_chain(store).ok and verify_chain(store).rows == 0
    _fill(store)
    report = verify_chain(store)
    assert report.ok and report.rows == 6
    newest = list_audit(store, limit=2)
    assert [e.target for e in newest] == ["plan:5", "plan:4"]
    assert newest[0].at == clock.now and newest[0].at.tzinfo is not None


def test_updates_and_deletes_refused_by_the_database(store: Store) -> None:
    _fill(store, 2)
    for statement in ("UPDATE audit_log SET outcome = 'ok'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), store.transaction() as session:
            session.execute(text(statement))
    assert verify_chain(store).rows == 2


@pytest.mark.parametrize(
    ("statement", "bad_id", "says"),
    [
        ("UPDATE audit_log SET outcome = 'denied' WHERE id = 3", 3, "changed"),
        ("UPDATE audit_log SET username = 'someone' WHERE id = 1", 1, "changed"),
        ("UPDATE audit_log SET at = '2020-01-01 00:00:00' WHERE id = 6", 6, "changed"),
        ("DELETE FROM audit_log WHERE id = 4", 4, "missing"),
        ("DELETE FROM audit_log WHERE id >= 5", 5, "removed"),
    ],
)
def test_chain_detects_edited_or_deleted_rows(
    store: Store, statement: str, bad_id: int, says: str
) -> None:
    _fill(store)
    _tamper(store, statement)
    report = verify_chain(store)
    assert not report.ok and report.first_bad_id == bad_id and says in report.problem


def _plain_hash(row: dict[str, object], prev_hash: str) -> str:
    """Return what an attacker without the key computes: the row's plain SHA-256 (old chain)."""
    at = row["at"]
    assert isinstance(at, datetime)
    fields = [row["id"], at.isoformat(timespec="microseconds"), row["username"], row["action"]]
    fields += [row["target"], row["source"], row["outcome"], row["detail"], prev_hash]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _forge(store: Store, row_id: int, **changes: str) -> None:
    """Rewrite a row as an attacker with write access to the database but not the key would.

    Drop (or disable) the append-only triggers, change the row, recompute every hash from that
    row to the end and the head row, put the triggers back.
    """
    with store.transaction() as session:
        rows = [
            {
                c: getattr(r, c)
                for c in (
                    "id",
                    "at",
                    "username",
                    "action",
                    "target",
                    "source",
                    "outcome",
                    "detail",
                    "prev_hash",
                    "hash",
                )
            }
            for r in session.scalars(select(AuditRow).order_by(AuditRow.id))
        ]
    prev = rows[row_id - 2]["hash"] if row_id > 1 else GENESIS_HASH
    statements: list[tuple[str, dict[str, object]]] = []
    for row in rows[row_id - 1 :]:
        if row["id"] == row_id:
            row.update(changes)
        digest = _plain_hash(row, str(prev))
        sets = ", ".join(f"{k} = :{k}" for k in changes) if row["id"] == row_id else ""
        params: dict[str, object] = {"i": row["id"], "p": prev, "h": digest}
        if sets:
            params.update(changes)
        statements.append(
            (
                "UPDATE audit_log SET prev_hash = :p, hash = :h"
                + (f", {sets}" if sets else "")
                + " WHERE id = :i",
                params,
            )
        )
        prev = digest
    statements.append(
        ("UPDATE audit_head SET last_id = :i, last_hash = :h", {"i": rows[-1]["id"], "h": prev})
    )
    _tamper_many(store, statements, restore_triggers=True)


def _tamper_many(
    store: Store,
    statements: list[tuple[str, dict[str, object]]],
    *,
    restore_triggers: bool,
) -> None:
    if store.sqlite_path is not None:
        conn = sqlite.connect(store.sqlite_path)
        saved = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall()
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        with conn:
            for statement, params in statements:
                conn.execute(statement, params)
        if restore_triggers:
            for (sql,) in saved:
                conn.execute(sql)
        conn.close()
        return
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for statement, params in statements:
            connection.execute(text(statement), params)
        if restore_triggers:
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


def test_recomputed_chain_and_head_are_found(store: Store, settings_file: Path) -> None:
    """Find the attacker's forgery, with every later hash and the head recomputed.

    Triggers dropped, a row edited, the chain recomputed, the triggers put back: without the key
    the hashes cannot be right.
    """
    _fill(store)
    _forge(store, 3, username="someone else", detail="nothing happened")
    report = verify_chain(store)
    assert not report.ok and report.first_bad_id == 3 and "changed" in report.problem
    assert "Dòng 3" in report.problem_vi
    if store.sqlite_path is not None:  # and the command says so, naming the row
        code, _, err = _cli(settings_file, "audit", "verify")
        assert code == 1 and "dòng / row 3" in err and "row 3 was changed" in err


def test_dropped_trigger_is_reported(store: Store) -> None:
    _fill(store, 3)
    _tamper_many(store, [], restore_triggers=False)
    report = verify_chain(store)
    assert not report.ok and "audit_log_no_update" in report.problem
    assert report.first_bad_id is None and "Trình kích hoạt" in report.problem_vi


def test_cut_tail_with_head_set_back_is_found_by_the_anchor(store: Store) -> None:
    _fill(store)
    with store.transaction() as session:
        row4 = session.get(AuditRow, 4)
        assert row4 is not None
        hash4 = row4.hash
    _tamper_many(
        store,
        [
            ("DELETE FROM audit_log WHERE id >= 5", {}),
            ("UPDATE audit_head SET last_id = 4, last_hash = :h", {"h": hash4}),
        ],
        restore_triggers=True,
    )
    report = verify_chain(store)
    assert (
        not report.ok and report.first_bad_id == 5 and "anchor file names row 6" in report.problem
    )


def test_older_copy_of_the_database_put_back_is_found(store: Store) -> None:
    if store.sqlite_path is None:
        pytest.skip("copies a SQLite file")
    _fill(store, 3)
    path = store.sqlite_path
    store.close()
    old = path.read_bytes()
    _fill(store, 3)
    store.close()
    path.write_bytes(old)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    # life goes on: row 4 is written again, with another content
    log_event(store, username="an", action=Action.LOGIN, source="10.0.0.2")
    report = verify_chain(store)
    assert not report.ok and report.first_bad_id == 4 and "anchor" in report.problem


def test_altered_or_missing_anchor_file_is_reported(store: Store) -> None:
    _fill(store, 3)
    anchor = store.data_dir / ANCHOR_FILENAME
    assert anchor.stat().st_mode & 0o777 == 0o600
    lines = anchor.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    item = json.loads(lines[1])
    item["id"] = 2 if item["id"] != 2 else 1
    anchor.write_text("\n".join([lines[0], json.dumps(item), lines[2]]) + "\n", encoding="utf-8")
    report = verify_chain(store)
    assert not report.ok and "line 2" in report.problem
    anchor.unlink()
    report = verify_chain(store)
    assert not report.ok and "anchor file" in report.problem and "missing" in report.problem


def test_an_anchor_line_cut_by_a_crash_is_not_a_forgery(store: Store) -> None:
    _fill(store, 2)
    anchor = store.data_dir / ANCHOR_FILENAME
    with anchor.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "head", "id": 3, "ha')  # the process died mid-write
    _fill(store, 2)  # the next commits append whole lines after it
    report = verify_chain(store)
    assert report.ok and report.rows == 4
    assert anchor.read_text(encoding="utf-8").count("\n") == 5


def test_missing_key_file_is_reported_and_nothing_is_written(
    store: Store, store_settings: Settings, clock
) -> None:
    _fill(store, 2)
    assert store.keys is not None
    key_file = store.keys.path
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    key_file.unlink()
    url = store.engine.url.render_as_string(hide_password=False)
    reopened = open_store(store_settings, url=url, clock=clock, migrate=False)
    try:
        assert reopened.keys is None and not key_file.exists()  # no new key made
        report = verify_chain(reopened)
        assert not report.ok and str(key_file) in report.problem and "missing" in report.problem
        assert str(key_file) in report.problem_vi
        with pytest.raises(StoreKeyError, match="missing"):
            log_event(reopened, username="an", action=Action.EXPORT)
    finally:
        reopened.close()


def test_export_neutralises_formulas(store: Store, tmp_path: Path) -> None:
    log_event(
        store,
        username="an",
        action=Action.UPLOAD,
        target='=HYPERLINK("http://x","y")',
        detail="+cmd|' /C calc'!A0",
    )
    log_event(store, username="an", action=Action.UPLOAD, target="@SUM(1)", detail="-2+3")
    out = tmp_path / "audit.csv"
    assert export_audit_csv(store, out) == 2
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["target"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["detail"].startswith("'+cmd")
    assert rows[1]["target"] == "'@SUM(1)" and rows[1]["detail"] == "'-2+3"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
