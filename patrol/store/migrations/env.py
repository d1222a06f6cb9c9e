"""Alembic environment: runs online against the engine ``patrol.store.migrate`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from patrol.store.db import sqlite
from patrol.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or "sqlite://"
# A SQLite URL is opened with the store's own library (pysqlite3 when installed), like the store.
engine = config.attributes.get("engine") or create_engine(
    url, **({"module": sqlite} if url.startswith("sqlite") else {})
)

with engine.begin() as connection:
    # render_as_batch: SQLite alters tables by copying them; Alembic does that in batch mode.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
