"""Engine and transactions of the ward's store.

SQLite is the embedded default: one file in the user's data folder, ``synchronous=FULL`` (NORMAL
can lose a committed write on power loss), foreign keys on, and a busy timeout so that several
processes queue for the write lock instead of failing. Every transaction starts with
``BEGIN IMMEDIATE``: it takes the write lock at once, so two writers never deadlock on a lock
upgrade and the audit chain sees its rows in commit order.

WAL mode is used when the SQLite library carries the fix of the WAL-reset bug (a race between
two checkpoints that can corrupt the database or lose committed writes, present from 3.7.0 to
3.51.2; fixed in 3.51.3 and back-ported to 3.44.6 and 3.50.7). With an older library ``auto``
falls back to the rollback journal (``journal_mode=DELETE``), which the bug does not touch and is
as durable, at the cost of readers waiting for a writer. ``StoreSettings.sqlite_journal`` can force
either.

The SQLite library is ``pysqlite3`` (a DB-API module bundling a recent SQLite, 3.53 in 0.6.1, with
the fix) when it is installed: a project dependency on Linux x86-64, where Python's own
``sqlite3`` often links an older system library (3.40.1 on Debian 12). Elsewhere the standard
``sqlite3`` module is used. ``sqlite`` below is that module: everything that opens the store's
file (the engine, backups, integrity checks, tests, benchmarks) goes through it, so one library
with one set of file-format and locking rules touches the file.

The schema is brought up to date by Alembic (``patrol/store/migrations``) when the store opens.
A ``database_url`` in the settings points at another database (PostgreSQL); the same code runs
on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from patrol.files import FILE_MODE, owner_only_umask, private_folder, restrict
from patrol.store.anchor import append_anchor
from patrol.store.keys import KeyStore, StoreKeyError, create_key, key_path, read_key
from patrol.store.wards import scope_sessions
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import sqlite3 as sqlite  # pysqlite3 has the same API
else:
    try:
        from pysqlite3 import dbapi2 as sqlite
    except ImportError:  # not Linux x86-64: the standard module (and its system library)
        import sqlite3 as sqlite

__all__ = [
    "DB_FILENAME",
    "SQLITE_VERSION",
    "Store",
    "database_url",
    "default_data_dir",
    "is_busy",
    "open_store",
    "sqlite",
    "sqlite_journal_mode",
    "sqlite_wal_reset_fixed",
    "utc_now",
]

SQLITE_VERSION: str = sqlite.sqlite_version
"""Version of the SQLite library the store uses (``sqlite.sqlite_version``)."""

log = logging.getLogger(__name__)

DB_FILENAME = "patrol.sqlite3"
"""Name of the SQLite file inside the data folder."""

_APP_DIR = "patrol-planner"


def utc_now() -> datetime:
    """Return the current time in UTC, tz-aware (the default clock of a ``Store``)."""
    return datetime.now(UTC)


def sqlite_wal_reset_fixed(version: str = SQLITE_VERSION) -> bool:
    """Whether a SQLite library version carries the fix of the WAL-reset corruption bug.

    Parameters
    ----------
    version
        ``major.minor.patch`` as ``sqlite.sqlite_version`` gives it; by default the
        library the store uses.

    Returns
    -------
    bool
        True for 3.51.3 and later, and for the back-ports 3.50.7+ and 3.44.6+ of their series.

    Examples
    --------
    >>> sqlite_wal_reset_fixed("3.40.1"), sqlite_wal_reset_fixed("3.44.6")
    (False, True)

    """
    parts = tuple(int(p) for p in version.split(".")[:3])
    major, minor, patch = (*parts, 0, 0)[:3]
    if (major, minor, patch) >= (3, 51, 3):
        return True
    if (major, minor) == (3, 50):
        return patch >= 7
    if (major, minor) == (3, 44):
        return patch >= 6
    return False


def sqlite_journal_mode(settings: Settings, *, version: str = SQLITE_VERSION) -> str:
    """Return the SQLite journal mode of the store under ``settings``: ``"wal"`` or ``"delete"``."""
    choice = settings.store.sqlite_journal
    if choice != "auto":
        return choice
    return "wal" if sqlite_wal_reset_fixed(version) else "delete"


def default_data_dir(settings: Settings) -> Path:
    """Return the user's data folder: ``store.data_dir`` or the platform's (``~/.local/share``)."""
    if settings.store.data_dir is not None:
        return Path(settings.store.data_dir)
    import platformdirs  # only when no folder is configured

    return Path(platformdirs.user_data_dir(_APP_DIR, appauthor=False))


def database_url(settings: Settings) -> str:
    """Return the SQLAlchemy URL of the store: ``store.database_url`` or the SQLite file."""
    if settings.store.database_url:
        return settings.store.database_url
    return f"sqlite:///{default_data_dir(settings) / DB_FILENAME}"


@dataclass
class Store:
    """An open store: the engine, the settings it was opened with and the clock it uses.

    Repository, auth and audit functions take a ``Store`` as their first argument. ``clock``
    returns tz-aware UTC times; tests pass a controllable one.
    """

    engine: Engine
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    keys: KeyStore | None = None
    """The store's key (``patrol.store.keys``); ``None`` when its file is missing or wrong."""
    key_problem: StoreKeyError | None = None
    """Why ``keys`` is ``None``."""
    ward_id: int | None = None
    """The ward whose records alone this store reads and writes (``for_ward``); ``None``: all."""
    _factory: sessionmaker[Session] = field(init=False, repr=False)
    _reader: Engine = field(init=False, repr=False)
    _wards: dict[int, Store] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = self.engine.execution_options(patrol_read=True)
        if self.ward_id is not None:
            scope_sessions(self._factory, self.ward_id, postgres=not self.is_sqlite)

    def for_ward(self, ward_id: int | None) -> Store:
        """Return this store seeing ward ``ward_id``'s records only (``patrol.store.wards``).

        ``None`` gives the store itself: every ward. One scoped store is kept per ward.
        """
        if ward_id is None or ward_id == self.ward_id:
            return self
        if ward_id not in self._wards:
            self._wards[ward_id] = replace(self, ward_id=ward_id)
        return self._wards[ward_id]

    @property
    def is_sqlite(self) -> bool:
        """True when the store is a SQLite file."""
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or ``None`` for another database."""
        if not self.is_sqlite:
            return None
        database = self.engine.url.database
        return Path(database) if database else None

    @property
    def data_dir(self) -> Path:
        """The folder beside the database: the SQLite file's, else the data folder."""
        path = self.sqlite_path
        if path is None or str(path) == ":memory:":
            return default_data_dir(self.settings)
        return path.parent

    def require_keys(self) -> KeyStore:
        """Return the store's key; raise ``StoreKeyError`` (what to restore) when it is missing."""
        if self.keys is None:
            raise self.key_problem or StoreKeyError(
                "the store has no key", message_vi="Kho dữ liệu chưa có tệp khóa"
            )
        return self.keys

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole on any exception.

        Callables left in ``session.info["after_commit"]`` (a dict, so a later one of the same
        name replaces an earlier one) run once the commit has succeeded (the audit anchor).
        """
        with self._factory() as session:
            with session.begin():
                yield session
            hooks = session.info.pop("after_commit", {})
        for hook in hooks.values():
            hook()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Open a transaction that only reads; it is rolled back when the block ends.

        On SQLite it starts with a deferred ``BEGIN``: in WAL mode it neither waits for a writer
        (a long upload) nor makes one wait. Nothing may be written in it.
        """
        with self._factory(bind=self._reader) as session:
            yield session  # closing the session rolls the transaction back (objects stay loaded)

    @contextmanager
    def quick_write(self, timeout_s: float = 0.5) -> Iterator[Session]:
        """Open a write transaction that waits at most ``timeout_s`` for the lock (SQLite).

        For writes that may be skipped when the store is busy (marking a session active while an
        upload holds the lock): the caller catches ``is_busy`` errors.
        """
        with self._factory(
            bind=self.engine.execution_options(patrol_busy_ms=int(timeout_s * 1000))
        ) as session:
            with session.begin():
                yield session
            hooks = session.info.pop("after_commit", {})
        for hook in hooks.values():
            hook()

    def now(self) -> datetime:
        """Return the store clock's current UTC time."""
        return self.clock()

    def close(self) -> None:
        """Release every pooled connection (the file stays as it is)."""
        self.engine.dispose()


def open_store(
    settings: Settings | None = None,
    *,
    url: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    migrate: bool = True,
) -> Store:
    """Open (and create or upgrade) the store.

    Parameters
    ----------
    settings
        Settings; ``store.database_url`` / ``store.data_dir`` say where the store is.
    url
        Overrides the URL from the settings (tests, ``patrol restore``).
    clock
        Source of the current UTC time.
    migrate
        Run the Alembic migrations to the newest revision first (on by default).

    Returns
    -------
    Store
        The open store; call ``close()`` when done.

    """
    settings = settings or Settings()
    url = url or database_url(settings)
    engine = _make_engine(url, settings)
    store = Store(engine, settings, clock)
    store.keys, store.key_problem = _load_keys(store)
    if migrate:
        from patrol.store.migrate import current_revision, upgrade  # Alembic only here

        before = current_revision(engine)
        upgrade(engine, keys=store.keys)
        if before == "0001" and store.keys is not None:
            _anchor_head(store)  # the chain was keyed just now: anchor its head at once
    _check_key_id(store)
    return store


def _anchor_head(store: Store) -> None:
    assert store.keys is not None
    with store.engine.connect() as conn:
        head = conn.execute(text("SELECT last_id, last_hash FROM audit_head WHERE id = 1")).one()
    if head.last_id:
        append_anchor(store.data_dir, store.keys, head.last_id, head.last_hash)


def _stored_key_id(engine: Engine) -> str | None:
    """Return the key fingerprint the database remembers; ``None`` when it has none yet."""
    if "audit_head" not in inspect(engine).get_table_names():
        return None
    columns = {c["name"] for c in inspect(engine).get_columns("audit_head")}
    if "key_id" not in columns:
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT key_id FROM audit_head WHERE id = 1")).scalar()


def _load_keys(store: Store) -> tuple[KeyStore | None, StoreKeyError | None]:
    """Read the key file; make it at the first start of a store that has none yet."""
    path = key_path(store.settings, store.data_dir)
    if not path.exists() and _stored_key_id(store.engine) is None:
        try:
            return create_key(path), None
        except FileExistsError:  # another process made it a moment ago: use that one
            pass
    try:
        return read_key(path), None
    except StoreKeyError as exc:
        log.error("%s", exc)
        return None, exc


def _check_key_id(store: Store) -> None:
    """Remember the key's fingerprint in the database; refuse a key of another store."""
    keys = store.keys
    if keys is None or "audit_head" not in inspect(store.engine).get_table_names():
        return
    stored = _stored_key_id(store.engine)
    if stored is None:
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_head SET key_id = :k WHERE id = 1 AND key_id IS NULL"),
                {"k": keys.key_id},
            )
    elif stored != keys.key_id:
        msg = f"key file {keys.path} belongs to another store: restore this store's key file"
        store.keys, store.key_problem = (
            None,
            StoreKeyError(
                msg,
                message_vi=f"Tệp khóa {keys.path} không phải của kho dữ liệu này: "
                "khôi phục đúng tệp khóa từ bản sao lưu khóa",
            ),
        )
        log.error("%s", msg)


def _make_engine(url: str, settings: Settings) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database
    if database and database != ":memory:":
        # The folder 0700 and the file 0600 before SQLite opens it: its journal, WAL and
        # shared-memory files take the database file's mode.
        private_folder(Path(database).parent)
        with owner_only_umask():
            Path(database).touch(mode=FILE_MODE, exist_ok=True)
        restrict(database, FILE_MODE)
    mode = sqlite_journal_mode(settings)
    if mode == "wal" and not sqlite_wal_reset_fixed():
        log.warning(
            "SQLite %s lacks the WAL-reset corruption fix (3.51.3+, 3.50.7+, 3.44.6+); "
            "WAL was forced by store.sqlite_journal",
            SQLITE_VERSION,
        )
    timeout_s = settings.store.busy_timeout_s
    # isolation_level=None: the driver leaves transactions to us (BEGIN IMMEDIATE below).
    engine = create_engine(
        url, module=sqlite, connect_args={"timeout": timeout_s, "isolation_level": None}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        cursor.execute(f"PRAGMA journal_mode = {mode}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA cache_size = -65536")  # 64 MiB: big uploads touch many index pages
        cursor.close()

    default_busy_ms = int(timeout_s * 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        # Set on every transaction: a pooled connection keeps what the last one set.
        busy_ms = int(options.get("patrol_busy_ms", default_busy_ms))
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {busy_ms}")
        if options.get("patrol_read"):
            conn.exec_driver_sql("BEGIN")  # deferred: a reader never takes the write lock
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_busy(exc: BaseException) -> bool:
    """Whether a database error says the store is busy (SQLite: locked by another writer)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text
