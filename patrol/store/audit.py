"""The append-only audit log: who did what, when (UTC), from where, and how it ended.

Each row carries the SHA-256 of its own content and of the row before it (``prev_hash``), so
editing any field of a row, deleting a row from the middle or cutting rows from the end breaks the
chain; ``verify_chain`` walks it and names the first bad row. Row ids are consecutive (1, 2, 3...)
and the single ``audit_head`` row names the last id and hash: a deleted tail shows there. Writers
lock the head row for the length of their transaction, so rows are chained in commit order even
with several processes. Database triggers refuse UPDATE and DELETE on the table; the chain catches
whoever goes around them. The product never deletes audit rows (kept at least a year: forever).

An event that belongs to a change is written in the change's own transaction (``record``), so the
row exists exactly when the change does; a refusal or a failure is written on its own
(``log_event``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from patrol.store.db import Store
from patrol.store.models import AuditHead, AuditRow
from patrol.store.sanitize import write_csv

__all__ = [
    "GENESIS_HASH",
    "Action",
    "AuditEntry",
    "ChainReport",
    "export_audit_csv",
    "list_audit",
    "log_event",
    "record",
    "verify_chain",
]

GENESIS_HASH = "0" * 64
"""``prev_hash`` of the first row."""


class Action(StrEnum):
    """What an audit row records."""

    LOGIN = "login"
    LOGOUT = "logout"
    SESSION_END = "session_end"
    UPLOAD = "upload"
    EDIT = "edit"
    PLAN_SAVE = "plan_save"
    PLAN_APPROVE = "plan_approve"
    EXPORT = "export"
    VIEW = "view"
    USER_ADD = "user_add"
    USER_CHANGE = "user_change"
    PASSWORD_CHANGE = "password_change"
    TOTP_RESET = "totp_reset"
    UNLOCK = "unlock"
    BACKUP = "backup"
    RESTORE = "restore"


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as shown to commanders and administrators."""

    id: int
    at: datetime
    username: str
    action: str
    target: str
    source: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class ChainReport:
    """Result of ``verify_chain``: ``ok`` when every row and the head agree."""

    ok: bool
    rows: int
    first_bad_id: int | None
    problem: str

    def __bool__(self) -> bool:
        """Truth of ``ok``."""
        return self.ok


def _row_hash(
    row_id: int,
    at: datetime,
    username: str,
    action: str,
    target: str,
    source: str,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> str:
    fields = [row_id, at.isoformat(timespec="microseconds"), username, action, target, source]
    fields += [outcome, detail, prev_hash]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    store: Store,
    *,
    username: str,
    action: Action | str,
    target: str = "",
    source: str = "",
    outcome: str = "ok",
    detail: str = "",
) -> int:
    """Append one row inside ``session``'s transaction; it commits or rolls back with it.

    Parameters
    ----------
    session
        An open transaction of ``store`` (``store.transaction()``).
    store
        The store (its clock gives the time).
    username
        Who acted (``""`` for an unknown name at login, ``"system"`` for the product).
    action
        What was done (an ``Action``).
    target
        What it was done to (``plan:12``, ``user:an``, a file name).
    source
        Where from (client address, ``cli``).
    outcome
        ``ok``, ``fail`` or ``denied``.
    detail
        A short free text; never a password.

    Returns
    -------
    int
        The new row's id.

    """
    # FOR UPDATE serialises writers on PostgreSQL; SQLite's BEGIN IMMEDIATE already has.
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    at = store.now().astimezone(UTC)
    row_id = head.last_id + 1
    action = str(action)
    digest = _row_hash(
        row_id, at, username, action, target, source, outcome, detail, head.last_hash
    )
    session.add(
        AuditRow(
            id=row_id,
            at=at,
            username=username,
            action=action,
            target=target,
            source=source,
            outcome=outcome,
            detail=detail,
            prev_hash=head.last_hash,
            hash=digest,
        )
    )
    head.last_id = row_id
    head.last_hash = digest
    session.flush()
    return row_id


def log_event(
    store: Store,
    *,
    username: str,
    action: Action | str,
    target: str = "",
    source: str = "",
    outcome: str = "ok",
    detail: str = "",
) -> int:
    """Append one row in a transaction of its own (refusals, failures, reads)."""
    with store.transaction() as session:
        return record(
            session,
            store,
            username=username,
            action=action,
            target=target,
            source=source,
            outcome=outcome,
            detail=detail,
        )


def verify_chain(store: Store) -> ChainReport:
    """Walk the whole log and check every row's hash, its link and the head.

    Returns
    -------
    ChainReport
        ``ok`` False with the first bad row's id and what is wrong with it when a row was
        edited, removed or inserted, or rows were cut from the end.

    """
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    with store.transaction() as session:
        head = session.get(AuditHead, 1)
        rows = session.execute(select(AuditRow).order_by(AuditRow.id)).scalars()
        for row in rows:
            count += 1
            if row.id != expected_id:
                return ChainReport(False, count, expected_id, f"row {expected_id} is missing")
            if row.prev_hash != expected_prev:
                return ChainReport(
                    False, count, row.id, f"row {row.id} does not follow row {row.id - 1}"
                )
            digest = _row_hash(
                row.id,
                row.at,
                row.username,
                row.action,
                row.target,
                row.source,
                row.outcome,
                row.detail,
                row.prev_hash,
            )
            if digest != row.hash:
                return ChainReport(False, count, row.id, f"row {row.id} was changed")
            expected_prev = row.hash
            expected_id += 1
        if head is None or head.last_id != expected_id - 1 or head.last_hash != expected_prev:
            return ChainReport(
                False, count, expected_id, f"rows after {expected_id - 1} were removed"
            )
    return ChainReport(True, count, None, "")


def list_audit(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    username: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Newest rows first, filtered; for the audit page of commanders and administrators."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    if username is not None:
        query = query.where(AuditRow.username == username)
    if action is not None:
        query = query.where(AuditRow.action == action)
    with store.transaction() as session:
        return [
            AuditEntry(r.id, r.at, r.username, r.action, r.target, r.source, r.outcome, r.detail)
            for r in session.scalars(query)
        ]


def export_audit_csv(store: Store, path: str | Path, *, since: datetime | None = None) -> int:
    """Write the log (oldest first) to a CSV whose cells cannot run as formulas; return rows."""
    header = ["id", "time_utc", "user", "action", "target", "source", "outcome", "detail", "hash"]
    query = select(AuditRow).order_by(AuditRow.id)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    with store.transaction() as session:
        rows = (
            (
                r.id,
                r.at.isoformat(),
                r.username,
                r.action,
                r.target,
                r.source,
                r.outcome,
                r.detail,
                r.hash,
            )
            for r in session.scalars(query)
        )
        return write_csv(path, header, rows)
