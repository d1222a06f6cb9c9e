"""The engine: pragmas, journal choice by SQLite version, migrations at start."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from patrol.store.db import (
    DB_FILENAME,
    SQLITE_VERSION,
    Store,
    open_store,
    sqlite,
    sqlite_journal_mode,
    sqlite_wal_reset_fixed,
)
from patrol.store.migrate import current_revision, head_revision
from patrolbase.errors import SettingsError
from patrolbase.settings import Settings


@pytest.mark.parametrize(
    ("version", "fixed"),
    [
        ("3.40.1", False),
        ("3.44.5", False),
        ("3.44.6", True),
        ("3.45.3", False),
        ("3.50.6", False),
        ("3.50.7", True),
        ("3.51.2", False),
        ("3.51.3", True),
        ("3.52.0", True),
        ("4.0.0", True),
    ],
)
def test_wal_reset_fix_versions(version: str, fixed: bool) -> None:
    assert sqlite_wal_reset_fixed(version) is fixed


def test_auto_journal_follows_the_library() -> None:
    settings = Settings()
    assert sqlite_journal_mode(settings, version="3.40.1") == "delete"
    assert sqlite_journal_mode(settings, version="3.51.3") == "wal"
    forced = settings.replace(store={"sqlite_journal": "wal"})
    assert sqlite_journal_mode(forced, version="3.40.1") == "wal"
    with pytest.raises(SettingsError, match="sqlite_journal"):
        settings.replace(store={"sqlite_journal": "memory"})


def test_store_uses_a_sqlite_with_the_wal_reset_fix_and_wal_by_default(tmp_path: Path) -> None:
    if sys.platform == "linux" and platform.machine() == "x86_64":
        # pysqlite3 is a dependency here: its bundled SQLite, not the system's, runs the store
        assert sqlite.__name__ == "pysqlite3.dbapi2"
        assert sqlite_wal_reset_fixed(SQLITE_VERSION)
    store = open_store(Settings().replace(store={"data_dir": str(tmp_path)}))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT sqlite_version()")).scalar() == SQLITE_VERSION
        journal = conn.execute(text("PRAGMA journal_mode")).scalar()
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    assert journal == ("wal" if sqlite_wal_reset_fixed(SQLITE_VERSION) else "delete")
    assert store.engine.dialect.dbapi is sqlite
    store.close()


def test_store_file_pragmas_and_schema(store: Store, store_settings: Settings) -> None:
    assert store.sqlite_path == Path(store_settings.store.data_dir or "") / DB_FILENAME
    assert store.sqlite_path.exists()
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        journal = conn.execute(text("PRAGMA journal_mode")).scalar()
    assert journal == sqlite_journal_mode(store_settings, version=sqlite.sqlite_version)
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "areas",
        "facilities",
        "facility_changes",
        "incidents",
        "people",
        "teams",
        "roster_entries",
        "plans",
        "plan_versions",
        "exports",
        "users",
        "sessions",
        "audit_log",
        "audit_head",
    } <= tables


def test_wal_mode_when_asked(tmp_path: Path) -> None:
    settings = Settings().replace(store={"data_dir": str(tmp_path), "sqlite_journal": "wal"})
    store = open_store(settings)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()


def test_reopening_keeps_data_and_does_not_migrate_twice(store_settings: Settings) -> None:
    first = open_store(store_settings)
    with first.transaction() as session:
        session.execute(
            text(
                "INSERT INTO areas (name, source, created_at) "
                "VALUES ('Văn Miếu', 'osm', '2026-11-23 00:00:00')"
            )
        )
    first.close()
    second = open_store(store_settings)
    with second.transaction() as session:
        assert session.execute(text("SELECT name FROM areas")).scalars().all() == ["Văn Miếu"]
    second.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.transaction() as session:
        session.execute(text("INSERT INTO teams (area_id, name) VALUES (999, 'T1')"))
