"""A page keeps answering while another process holds the write lock (a long upload).

Reads run in deferred transactions (``Store.read``): in WAL mode they neither wait for the
writer nor block it. Marking a session active is skipped when the store is busy, not waited for.
The store's busy timeout is 2 s here: a read that waited for the lock would fail with
"database is locked".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from patrol.store import auth, plans
from patrol.store.audit import list_audit
from patrol.store.auth import Role
from patrol.store.db import open_store, sqlite, sqlite_journal_mode
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PASSWORD = "một đêm dài ở Cát Linh"


def test_pages_answer_while_an_upload_holds_the_write_lock(tmp_path: Path, clock) -> None:
    settings = Settings().replace(store={"data_dir": str(tmp_path), "busy_timeout_s": 2})
    if sqlite_journal_mode(settings) != "wal":
        pytest.skip("readers wait for writers in the rollback journal (no fixed SQLite here)")
    store = open_store(settings, clock=clock)
    auth.create_user(store, "an", PASSWORD, role=Role.ANALYST)
    commander = auth.create_user(store, "chihuy", PASSWORD, role=Role.COMMANDER).principal
    token = auth.login(store, "an", PASSWORD, source="10.0.0.5").token
    writer = sqlite.connect(store.sqlite_path, timeout=1, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # as a long upload does for the length of its insert
        writer.execute(
            "INSERT INTO areas (name, source, created_at) VALUES ('X', '', '2026-01-01')"
        )
        clock.advance(minutes=5)  # the session is due to be marked active
        user = auth.authenticate(store, token, source="10.0.0.5")
        assert user.username == "an"
        assert plans.list_plans(store, commander) == []
        assert list_audit(store, limit=5)
        assert auth.list_users(store)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    # once the writer is done the session is marked active again, and it is still the same one
    clock.advance(minutes=2)
    assert auth.authenticate(store, token).username == "an"
    store.close()
