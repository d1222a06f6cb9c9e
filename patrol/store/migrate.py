"""Bring a store's schema to the newest Alembic revision, programmatically.

The migration scripts are package data (``patrol/store/migrations``); no ``alembic.ini`` is
needed. ``open_store`` calls ``upgrade`` at start, so a newer version of the product upgrades an
older store the first time it opens it.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from patrol.store.keys import KeyStore

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "is_known_revision",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """Return an Alembic ``Config`` for the store's migrations, bound to ``engine`` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, *, revision: str = "head", keys: KeyStore | None = None) -> None:
    """Upgrade the schema behind ``engine`` to ``revision`` (the newest by default).

    ``keys``: the store's key, which revision ``0002`` needs to key the audit chain and encrypt
    the authenticator secrets of a store that has any.
    """
    cfg = alembic_config(engine)
    cfg.attributes["keys"] = keys
    command.upgrade(cfg, revision)


def head_revision() -> str:
    """Return the newest revision the product knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the package ships at least one revision
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision a database is at, ``None`` when it has no schema yet."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known_revision(revision: str) -> bool:
    """Whether the product knows ``revision`` (a store made by a newer version is unknown)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False
