"""The audit log: append-only, hash-chained, exportable without formula injection."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from patrol.store.audit import (
    Action,
    _row_hash,
    export_audit_csv,
    list_audit,
    log_event,
    verify_chain,
)
from patrol.store.db import Store, sqlite
from patrol.store.models import AuditRow


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


def test_recomputed_hash_still_breaks_the_link(store: Store) -> None:
    """Rewriting a row and its own hash is caught by the next row's link."""
    _fill(store)
    with store.transaction() as session:
        row = session.get(AuditRow, 2)
        assert row is not None
        fields = (row.at, row.username, row.action, row.target, row.source, row.outcome)
        prev = row.prev_hash
    forged = _row_hash(2, *fields, "nothing happened", prev)
    _tamper(
        store,
        "UPDATE audit_log SET detail = 'nothing happened', hash = :h WHERE id = 2",
        {"h": forged},
    )
    report = verify_chain(store)
    assert not report.ok and report.first_bad_id == 3


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
