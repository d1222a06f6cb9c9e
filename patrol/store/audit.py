"""The append-only audit log: who did what, when (UTC), from where, and how it ended.

Each row carries an HMAC-SHA256, under the store's key (``patrol.store.keys``, a file outside the
database), of its own content and of the row before it (``prev_hash``). Someone who can write to
the database but has not the key cannot make a valid hash: editing any field of a row, deleting a
row from the middle or recomputing the chain is found by ``verify_chain``, which names the first
bad row. Row ids are consecutive (1, 2, 3...) and the single ``audit_head`` row names the last id
and hash. After each commit the head is also appended, signed, to the anchor file beside the
database (``patrol.store.anchor``): rows cut from the end (with the head row set back) or an older
copy of the database put back leave a signed line naming a row that is gone. Writers lock the head
row for the length of their transaction, so rows are chained in commit order even with several
processes. Database triggers refuse UPDATE and DELETE on the table; ``verify_chain`` reports a
dropped or disabled trigger. The product never deletes audit rows (kept at least a year: forever).

Not detected: changes made by someone holding the key file (they can recompute everything), and
the database and the anchor file cut back together by someone who can write both (compare the head
printed in the monthly report and the backup manifest).

An event that belongs to a change is written in the change's own transaction (``record``), so the
row exists exactly when the change does; a refusal or a failure is written on its own
(``log_event``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from patrol.store.anchor import ANCHOR_FILENAME, append_anchor, read_anchor
from patrol.store.db import Store
from patrol.store.keys import KeyStore
from patrol.store.models import AuditHead, AuditRow
from patrol.store.sanitize import write_csv

__all__ = [
    "GENESIS_HASH",
    "Action",
    "AuditEntry",
    "ChainReport",
    "audit_head",
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
    RECORD_UPLOAD = "record_upload"
    CAMPAIGN_SAVE = "campaign_save"
    CAMPAIGN_MARK = "campaign_mark"
    EXPORT = "export"
    VIEW = "view"
    USER_ADD = "user_add"
    USER_CHANGE = "user_change"
    PASSWORD_CHANGE = "password_change"
    TOTP_RESET = "totp_reset"
    UNLOCK = "unlock"
    BACKUP = "backup"
    RESTORE = "restore"
    AUDIT_KEY = "audit_key"


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
    """Result of ``verify_chain``: ``ok`` when the rows, head, triggers and anchor agree.

    ``problem`` is English, ``problem_vi`` the Vietnamese text to show.
    """

    ok: bool
    rows: int
    first_bad_id: int | None
    problem: str
    problem_vi: str = ""

    def __bool__(self) -> bool:
        """Truth of ``ok``."""
        return self.ok


def _row_hash(
    keys: KeyStore,
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
    return keys.mac("audit-chain", payload.encode("utf-8"))


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
    keys = store.require_keys()
    # FOR UPDATE serialises writers on PostgreSQL; SQLite's BEGIN IMMEDIATE already has.
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    at = store.now().astimezone(UTC)
    row_id = head.last_id + 1
    action = str(action)
    digest = _row_hash(
        keys, row_id, at, username, action, target, source, outcome, detail, head.last_hash
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
    folder = store.data_dir
    hooks = session.info.setdefault("after_commit", {})
    hooks["audit_anchor"] = lambda: append_anchor(folder, keys, row_id, digest)
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


def _fail(rows: int, bad_id: int | None, en: str, vi: str) -> ChainReport:
    return ChainReport(False, rows, bad_id, en, vi)


def _trigger_problem(session: Session) -> tuple[str, str] | None:
    """Return a missing or disabled append-only trigger, as (English, Vietnamese), or None."""
    found: dict[str, str]
    if session.get_bind().dialect.name == "postgresql":
        found = dict(
            session.execute(
                text(
                    "SELECT tgname, tgenabled FROM pg_trigger "
                    "WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
                )
            ).all()
        )
        working = {name for name, state in found.items() if state in {"O", "A"}}
    else:
        found = dict(
            session.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                )
            ).all()
        )
        working = {name for name, sql in found.items() if "RAISE(ABORT" in (sql or "")}
    for op in ("update", "delete"):
        name = f"audit_log_no_{op}"
        if name not in working:
            return (
                f"the trigger {name} that refuses {op.upper()} on the log was dropped or disabled",
                f"Trình kích hoạt {name} (chặn sửa/xóa nhật ký) đã bị xóa hoặc tắt",
            )
    return None


def verify_chain(store: Store, *, anchor: bool = True) -> ChainReport:
    """Check the log (see ``_verify``); a dropped trigger is named after a bad row, if any.

    ``anchor=False`` skips the anchor file: for a backup copy, whose store's anchor is elsewhere.
    """
    report, trigger = _verify(store, anchor=anchor)
    if trigger is None:
        return report
    if report.ok:
        return _fail(report.rows, None, *trigger)
    return ChainReport(
        False,
        report.rows,
        report.first_bad_id,
        f"{report.problem}; {trigger[0]}",
        f"{report.problem_vi}; {trigger[1]}",
    )


def _verify(store: Store, *, anchor: bool) -> tuple[ChainReport, tuple[str, str] | None]:
    """Check the whole log: every row's keyed hash and link, the head, the triggers, the anchor.

    Returns
    -------
    tuple[ChainReport, tuple[str, str] | None]
        The report of the rows, head and anchor: ``ok`` False with the first bad row's id (when
        a row is to blame) and what is wrong:
        the key file is missing or wrong, a row was edited, removed or inserted (also with every
        hash recomputed without the key), rows were cut from the end, an append-only trigger was
        dropped, or the anchor file is missing, altered or names a row the log no longer has;
        and a dropped or disabled trigger as (English, Vietnamese), or ``None``.

    """
    keys = store.keys
    with store.read() as session:
        count = session.scalar(select(AuditRow.id).order_by(AuditRow.id.desc()).limit(1)) or 0
        if keys is None:
            problem = store.key_problem
            en = str(problem) if problem else "the store's key file is missing"
            vi = (problem.message_vi if problem else None) or en
            return _fail(count, None, f"cannot check: {en}", f"Không kiểm tra được: {vi}"), None
        trigger = _trigger_problem(session)
        return _walk(store, keys, session, anchor=anchor), trigger


def _walk(store: Store, keys: KeyStore, session: Session, *, anchor: bool) -> ChainReport:
    """Every row's keyed hash and link, the head, then the anchor."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    hashes: dict[int, str] = {}
    head = session.get(AuditHead, 1)
    for row in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars():
        count += 1
        if row.id != expected_id:
            return _fail(
                count,
                expected_id,
                f"row {expected_id} is missing",
                f"Dòng {expected_id} của nhật ký đã bị xóa",
            )
        if row.prev_hash != expected_prev:
            return _fail(
                count,
                row.id,
                f"row {row.id} does not follow row {row.id - 1}",
                f"Dòng {row.id} không nối tiếp dòng {row.id - 1}: nhật ký đã bị sửa",
            )
        digest = _row_hash(
            keys,
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
            return _fail(
                count,
                row.id,
                f"row {row.id} was changed",
                f"Dòng {row.id} của nhật ký đã bị sửa",
            )
        hashes[row.id] = row.hash
        expected_prev = row.hash
        expected_id += 1
    last = expected_id - 1
    if head is None or head.last_id != last or head.last_hash != expected_prev:
        return _fail(
            count,
            expected_id,
            f"rows after {last} were removed",
            f"Các dòng sau dòng {last} của nhật ký đã bị xóa",
        )
    if not anchor:
        return ChainReport(True, count, None, "")
    return _check_anchor(store, keys, hashes, count)


def _check_anchor(store: Store, keys: KeyStore, hashes: dict[int, str], count: int) -> ChainReport:
    folder = store.data_dir
    path = folder / ANCHOR_FILENAME
    reading = read_anchor(folder, keys)
    if not reading.exists:
        if count == 0:
            return ChainReport(True, 0, None, "")
        return _fail(
            count,
            None,
            f"the anchor file {path} is missing",
            f"Không tìm thấy tệp neo nhật ký {path}: tệp đã bị xóa hoặc di chuyển",
        )
    if reading.bad_line is not None:
        return _fail(
            count,
            None,
            reading.problem,
            f"Dòng {reading.bad_line} của tệp neo nhật ký {path} đã bị sửa",
        )
    heads = sorted((a for a in reading.anchors if a.kind == "head"), key=lambda a: a.id)
    for anchor in heads:
        if anchor.id <= count and hashes.get(anchor.id) != anchor.hash:
            return _fail(
                count,
                anchor.id,
                f"row {anchor.id} differs from the anchor file: the log was rewritten",
                f"Dòng {anchor.id} khác với tệp neo nhật ký: nhật ký đã bị viết lại",
            )
    highest = heads[-1].id if heads else 0
    if highest > count:
        return _fail(
            count,
            count + 1,
            f"rows after {count} were removed (the anchor file names row {highest})",
            f"Các dòng sau dòng {count} của nhật ký đã bị xóa "
            f"(tệp neo ghi nhận đến dòng {highest})",
        )
    return ChainReport(True, count, None, "")


def audit_head(store: Store) -> tuple[int, str]:
    """Return the last audit row's id and hash (0 and the genesis hash for an empty log)."""
    with store.read() as session:
        head = session.get(AuditHead, 1)
        return (head.last_id, head.last_hash) if head is not None else (0, GENESIS_HASH)


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
    with store.read() as session:
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
    with store.read() as session:
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
