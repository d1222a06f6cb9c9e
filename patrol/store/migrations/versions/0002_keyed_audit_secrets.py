"""Key the audit chain (HMAC-SHA256) and encrypt the authenticator secrets with the store's key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 18:00:00

- ``audit_head.key_id``: fingerprint of the key file (``patrol.store.keys``), so that a store whose
  key file is missing is recognised and no new key is made for it.
- The existing audit rows, chained with plain SHA-256, are first checked with that chain; then
  every row's hash is recomputed as an HMAC under the store's key (the append-only triggers are
  dropped for this and made again) and a row ``audit_key`` records the change and what the check
  found, so a log that was already broken says so for good.
- ``users.totp_secret`` (a clear base32 secret) is encrypted (``fernet:...``); the column becomes
  TEXT on PostgreSQL (SQLite does not enforce lengths).

The key is passed in by ``patrol.store.migrate.upgrade(engine, keys=...)``; a store that has audit
rows or secrets cannot be upgraded without it.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from patrol.store.keys import KeyStore
from patrol.store.models import UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GENESIS = "0" * 64

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", UTCDateTime),
    sa.column("username", sa.Text),
    sa.column("action", sa.Text),
    sa.column("target", sa.Text),
    sa.column("source", sa.Text),
    sa.column("outcome", sa.Text),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.Text),
    sa.column("hash", sa.Text),
)
_users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.Text))


def _payload(row: dict[str, object], prev_hash: str) -> bytes:
    at = row["at"]
    assert isinstance(at, datetime)
    fields = [row["id"], at.isoformat(timespec="microseconds"), row["username"], row["action"]]
    fields += [row["target"], row["source"], row["outcome"], row["detail"], prev_hash]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _triggers(create: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in ("update", "delete"):
        if not create:
            on_table = " ON audit_log" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{name}{on_table}")
        elif postgres:
            op.execute(
                f"CREATE TRIGGER audit_log_no_{name} BEFORE {name.upper()} ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER audit_log_no_{name} BEFORE {name.upper()} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {name.upper()} refused'); "
                "END"
            )


def _keys() -> KeyStore:
    config = op.get_context().config
    keys = None if config is None else config.attributes.get("keys")
    if keys is None:
        msg = (
            "revision 0002 keys the audit log and encrypts authenticator secrets: open the store "
            "with the product (patrol.store.db.open_store), which passes the key file"
        )
        raise RuntimeError(msg)
    return keys


def _legacy_check(rows: list[dict[str, object]]) -> str:
    expected_prev = _GENESIS
    for number, row in enumerate(rows, start=1):
        if row["id"] != number:
            return f"row {number} missing"
        if row["prev_hash"] != expected_prev:
            return f"row {row['id']} does not follow row {number - 1}"
        digest = hashlib.sha256(_payload(row, str(row["prev_hash"]))).hexdigest()
        if digest != row["hash"]:
            return f"row {row['id']} was changed"
        expected_prev = str(row["hash"])
    return ""


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
    bind = op.get_bind()
    # Sealed secrets are longer than 64 characters: the column becomes text on every dialect
    # (SQLite rebuilds the table in batch mode), so the schema matches the models everywhere.
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("totp_secret", type_=sa.Text(), existing_nullable=True)

    rows = [dict(r._mapping) for r in bind.execute(sa.select(_audit).order_by(_audit.c.id))]
    secrets = bind.execute(
        sa.select(_users.c.id, _users.c.totp_secret).where(_users.c.totp_secret.is_not(None))
    ).all()
    if not rows and not secrets:
        return
    keys = _keys()
    for user_id, secret in secrets:
        if not secret.startswith("fernet:"):
            sealed = keys.encrypt(secret)
            bind.execute(_users.update().where(_users.c.id == user_id).values(totp_secret=sealed))
    if not rows:
        return
    found = _legacy_check(rows)
    head = bind.execute(sa.text("SELECT last_id, last_hash FROM audit_head WHERE id = 1")).one()
    if not found and (head.last_id != len(rows) or head.last_hash != rows[-1]["hash"]):
        found = f"rows after {head.last_id} removed"
    _triggers(create=False)
    prev = _GENESIS
    for row in rows:
        digest = keys.mac("audit-chain", _payload(row, prev))
        bind.execute(
            _audit.update().where(_audit.c.id == row["id"]).values(prev_hash=prev, hash=digest)
        )
        prev = digest
    _triggers(create=True)
    note = {
        "id": len(rows) + 1,
        "at": datetime.now(UTC),
        "username": "system",
        "action": "audit_key",
        "target": "audit_log",
        "source": "migration 0002",
        "outcome": "ok" if not found else "fail",
        "detail": f"chain keyed with HMAC-SHA256; plain SHA-256 chain of rows 1-{len(rows)} "
        + ("intact before" if not found else f"BROKEN before: {found}"),
    }
    digest = keys.mac("audit-chain", _payload(note, prev))
    bind.execute(_audit.insert().values(**note, prev_hash=prev, hash=digest))
    bind.execute(
        sa.text("UPDATE audit_head SET last_id = :i, last_hash = :h WHERE id = 1"),
        {"i": note["id"], "h": digest},
    )


def downgrade() -> None:
    """Downgrade schema: the key fingerprint goes; keyed hashes and encrypted secrets stay."""
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.drop_column("key_id")
