"""Fixtures of the store tests.

A fresh store for each test with a clock the test moves by hand: a SQLite file in a temporary
folder and, when a PostgreSQL server is available, a new database on it (``any_store``, so the
same tests run on both). PostgreSQL is used when ``PATROL_TEST_PG_URL`` names a server (any
database on it; ``bash scripts/postgres.sh`` starts one and prints the URL) or when the socket
of ``scripts/postgres.sh``'s default cluster exists; otherwise its cases are skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from patrol.store.db import DB_FILENAME, Store, open_store
from patrolbase.settings import Settings

_DEFAULT_PG = "postgresql+psycopg://postgres@/patrol_test?host=/tmp/patrol-pg&port=54329"


def postgres_url() -> str | None:
    """URL of the test PostgreSQL server, or ``None`` when there is none."""
    url = os.environ.get("PATROL_TEST_PG_URL")
    if url:
        return url
    if Path("/tmp/patrol-pg/.s.PGSQL.54329").exists():
        return _DEFAULT_PG
    return None


@dataclass
class FakeClock:
    """A clock that stands still until the test advances it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 15, 0, 0, 123456, tzinfo=UTC))


@pytest.fixture
def store_settings(tmp_path: Path) -> Settings:
    return Settings().replace(store={"data_dir": str(tmp_path / "data")})


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate a SQLite store file once; each test starts from a copy of it."""
    folder = tmp_path_factory.mktemp("template")
    open_store(Settings().replace(store={"data_dir": str(folder)})).close()
    return folder / DB_FILENAME


def _fresh_sqlite(settings: Settings, template: Path, clock: FakeClock) -> Store:
    folder = Path(settings.store.data_dir or "")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / DB_FILENAME)  # a closed file: a plain copy is whole
    shutil.copytree(template.parent / "keys", folder / "keys")  # the key the template was made with
    return open_store(settings, clock=clock, migrate=False)


@pytest.fixture
def store(store_settings: Settings, clock: FakeClock, migrated_sqlite: Path) -> Iterator[Store]:
    opened = _fresh_sqlite(store_settings, migrated_sqlite, clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def pg_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a database made for this test run on the PostgreSQL server, schema migrated."""
    base = postgres_url()
    if base is None:
        why = "no PostgreSQL server (run scripts/postgres.sh or set PATROL_TEST_PG_URL)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI: {why}; the PostgreSQL cases may not be skipped")
        pytest.skip(why)
    import psycopg

    url = make_url(base)
    name = f"patrol_t_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI: PostgreSQL at {base} cannot be used: {exc}")
        pytest.skip(f"PostgreSQL at {base} cannot be used: {exc}")
    test_url = url.set(database=name).render_as_string(hide_password=False)
    folder = tmp_path_factory.mktemp("pg-keys")
    open_store(Settings().replace(store={"data_dir": str(folder)}), url=test_url).close()
    yield test_url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_postgres(url: str) -> None:
    """Empty every table of the test database, as a fresh store is (the audit chain too)."""
    from sqlalchemy import create_engine

    from patrol.store.models import Base

    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # TRUNCATE fires no row trigger: the test resets what the product may never touch.
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        # No key fingerprint: the test's store makes its own key at its first start.
        conn.exec_driver_sql(
            f"INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '{'0' * 64}')"
        )
    engine.dispose()


@pytest.fixture
def pg_empty_url(pg_database: str) -> str:
    """URL of the test PostgreSQL database, emptied for this test."""
    empty_postgres(pg_database)
    return pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(
    request: pytest.FixtureRequest, store_settings: Settings, clock: FakeClock
) -> Iterator[Store]:
    """Open a fresh store on each database the machine has."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_empty_url")
        opened = open_store(store_settings, url=url, clock=clock, migrate=False)
    else:
        opened = _fresh_sqlite(store_settings, request.getfixturevalue("migrated_sqlite"), clock)
    yield opened
    opened.close()
