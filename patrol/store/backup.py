"""Backup and restore of the SQLite store while the app runs; optionally encrypted.

A backup is a consistent copy made by SQLite itself (``VACUUM INTO``: one read transaction, so
writers carry on and the copy holds exactly the transactions committed before it started), never
a file copy, which could catch a half-written page or miss the WAL. The copy is checked with
``PRAGMA integrity_check`` before it is kept. With a passphrase the file is encrypted with
Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package) under a key derived by
scrypt; without the package, asking for encryption is an error, never a silent plain copy.

``restore`` checks the backup (decrypts it, integrity, schema revision no newer than the
product's), keeps a copy of the current store beside it (``pre-restore-<time>.sqlite3``), then
writes the backup into the live database with SQLite's online backup API, in one step: other
connections see the old content or the new, never a mix. The schema is then upgraded if the
backup was older. The audit log is not taken back in time: every audit row written since the
backup was made is appended again to the restored log (its original row number and time in the
detail), followed by the restore itself, and the anchor file gets a signed ``reset`` line. When the
backup's log is not the beginning of the current one (a new store on a new machine given the old
key file), every current row is kept that way. A backup made with another key file is refused,
nothing touched.

Backups, the pre-restore copy and the restore's temporary files are created 0600. Beside each
backup, ``<file>.manifest.json`` (0600) records when it was made, its size, schema, number of
audit rows, the audit chain's head (last row id and HMAC) and the key's fingerprint: kept apart
from the store, it anchors the log at that moment (a later log must still hold that row with
that hash; ``patrol audit verify`` checks the live anchor file the same way). An encrypted
backup's passphrase follows the rules of a login password (at least 8 characters, not on the list
of common passwords).

Every connection here is made with the store's own SQLite library (``patrol.store.db.sqlite``),
the one that writes the live file in WAL mode.

PostgreSQL stores are backed up with ``pg_dump``, outside this module (see ``docs/store.md``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from patrol.files import owner_only_umask, private_folder, restrict, write_private
from patrol.store.anchor import append_anchor
from patrol.store.audit import Action, log_event, record
from patrol.store.auth import password_problems
from patrol.store.db import Store, sqlite
from patrol.store.models import AuditHead, AuditRow
from patrolbase.errors import PatrolError

__all__ = ["ENCRYPTED_MAGIC", "BackupInfo", "backup", "restore"]

ENCRYPTED_MAGIC = b"PATROL-BACKUP-1\n"
"""First bytes of an encrypted backup; followed by a 16-byte salt and the Fernet token."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds; ``audit_head`` is the last audit row's id and hash in it."""

    path: Path
    encrypted: bool
    bytes: int
    revision: str | None
    audit_rows: int
    audit_head: tuple[int, str] = (0, "")
    manifest: Path | None = None


def _fernet(passphrase: str, salt: bytes):  # type: ignore[no-untyped-def]
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        msg = (
            "encrypted backups need the 'cryptography' package (pip install cryptography); "
            "nothing was written"
        )
        raise PatrolError(msg) from None
    problems = password_problems(passphrase)
    if problems:
        msg = "the backup passphrase is refused: " + "; ".join(en for en, _ in problems)
        error = PatrolError(msg)
        error.message_vi = "Cụm mật khẩu sao lưu không dùng được: " + "; ".join(
            vi for _, vi in problems
        )
        raise error
    key = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, **_SCRYPT)  # type: ignore[arg-type]
    return Fernet(base64.urlsafe_b64encode(key))


def _require_sqlite(store: Store) -> Path:
    path = store.sqlite_path
    if path is None:
        msg = (
            f"backup of a {store.engine.dialect.name} store: use pg_dump / pg_restore "
            "(see docs/store.md); `patrol backup` copies SQLite stores"
        )
        raise PatrolError(msg)
    return path


def _check_copy(path: Path) -> tuple[str | None, int]:
    """Integrity and schema revision of a plain SQLite copy; raise when it is not sound."""
    if path.read_bytes()[:16] != _SQLITE_MAGIC:
        msg = f"{path}: not a SQLite database (nor an encrypted patrol backup)"
        raise PatrolError(msg)
    conn = sqlite.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite.DatabaseError as exc:
            check = [(str(exc),)]
        if check != [("ok",)]:
            msg = f"{path}: the copy is damaged ({check[:3]}); use an older backup"
            raise PatrolError(msg)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rows = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        except sqlite.DatabaseError:
            msg = f"{path}: a SQLite file, but not a patrol store (no schema revision)"
            raise PatrolError(msg) from None
    finally:
        conn.close()
    return (revision[0] if revision else None), int(rows)


def backup(
    store: Store,
    destination: str | Path,
    *,
    passphrase: str | None = None,
    actor: str = "system",
    source: str = "",
) -> BackupInfo:
    """Write a consistent copy of the live store to ``destination``.

    Parameters
    ----------
    store
        The open store (SQLite).
    destination
        File to write; an existing file is replaced only once the new copy is complete.
    passphrase
        Encrypt the copy with this passphrase (needs ``cryptography``).
    actor, source
        Who asked, for the audit log.

    Returns
    -------
    BackupInfo
        Where the copy is and what it holds.

    """
    live = _require_sqlite(store)
    destination = Path(destination)
    if not destination.parent.exists():
        private_folder(destination.parent)
    fernet = _fernet(passphrase, salt := secrets.token_bytes(16)) if passphrase else None
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as tmp:
        plain = Path(tmp) / "copy.sqlite3"
        conn = sqlite.connect(live, timeout=store.settings.store.busy_timeout_s)
        try:
            with owner_only_umask():  # SQLite creates the copy: 0600 from the start
                conn.execute("VACUUM INTO ?", (str(plain),))
        finally:
            conn.close()
        restrict(plain)
        revision, audit_rows = _check_copy(plain)
        head_id, head_hash, key_id = _audit_head_of(plain)
        staged = Path(tmp) / "staged"
        if fernet is not None:
            write_private(staged, ENCRYPTED_MAGIC + salt + fernet.encrypt(plain.read_bytes()))
        else:
            plain.rename(staged)
        with staged.open("rb") as handle:
            os.fsync(handle.fileno())
        staged.replace(destination)
    manifest = write_private(
        destination.with_name(destination.name + ".manifest.json"),
        json.dumps(
            {
                "file": destination.name,
                "made_at": store.now().isoformat(timespec="seconds"),
                "encrypted": fernet is not None,
                "bytes": destination.stat().st_size,
                "schema": revision,
                "audit_rows": audit_rows,
                "audit_head": {"id": head_id, "hash": head_hash},
                "key_id": key_id,
            },
            indent=1,
        )
        + "\n",
    )
    log_event(
        store,
        username=actor,
        action=Action.BACKUP,
        target=f"file:{destination.name}",
        source=source,
        detail=("encrypted" if fernet else "plain") + f"; audit head {head_id} {head_hash[:16]}",
    )
    return BackupInfo(
        destination,
        fernet is not None,
        destination.stat().st_size,
        revision,
        audit_rows,
        (head_id, head_hash),
        manifest,
    )


def _plain_copy(source_file: Path, passphrase: str | None, folder: Path) -> Path:
    raw = source_file.read_bytes()
    if not raw.startswith(ENCRYPTED_MAGIC):
        return source_file
    if not passphrase:
        msg = f"{source_file}: the backup is encrypted; give its passphrase"
        raise PatrolError(msg)
    from cryptography.fernet import InvalidToken

    start = len(ENCRYPTED_MAGIC)
    fernet = _fernet(passphrase, raw[start : start + 16])
    try:
        data = fernet.decrypt(raw[start + 16 :])
    except InvalidToken:
        msg = f"{source_file}: wrong passphrase, or the file was altered"
        raise PatrolError(msg) from None
    return write_private(folder / "restore.sqlite3", data)


def _audit_head_of(plain: Path) -> tuple[int, str, str | None]:
    """Last audit row id and hash of a backup copy, and its key fingerprint (if it has one)."""
    conn = sqlite.connect(f"file:{plain}?mode=ro", uri=True)
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_head)")}
        query = "SELECT last_id, last_hash" + (", key_id" if "key_id" in columns else ", NULL")
        last_id, last_hash, key_id = conn.execute(
            query + " FROM audit_head WHERE id = 1"
        ).fetchone()
    finally:
        conn.close()
    return int(last_id), str(last_hash), key_id


def _check_same_history(
    store: Store, source_file: Path, plain: Path, head: tuple[int, str, str | None], key_id: str
) -> bool:
    """Refuse a backup made with another key; say whether its log begins the live one.

    ``False`` (another history, such as a new store on a new machine given the old key file):
    every live audit row is then kept across the restore, not only those after the backup's.
    """
    last_id, _, backup_key = head
    if backup_key is not None and backup_key != key_id:
        msg = (
            f"{source_file}: made by a store with another key file; restore that store's key "
            "file first. Nothing was restored"
        )
        error = PatrolError(msg)
        error.message_vi = (
            f"{source_file}: bản sao lưu của kho dữ liệu dùng tệp khóa khác; khôi phục tệp khóa "
            "của kho đó trước. Chưa khôi phục gì"
        )
        raise error
    if last_id == 0:
        return True
    fields = "id, username, action, target, source, outcome, detail"
    conn = sqlite.connect(f"file:{plain}?mode=ro", uri=True)
    try:
        theirs = conn.execute(f"SELECT {fields} FROM audit_log WHERE id = ?", (last_id,)).fetchone()
    finally:
        conn.close()
    with store.read() as session:
        row = session.get(AuditRow, last_id)
        ours: tuple[object, ...] | None = None
        if row is not None:
            ours = (
                row.id,
                row.username,
                row.action,
                row.target,
                row.source,
                row.outcome,
                row.detail,
            )
    return theirs is not None and tuple(theirs) == ours


def _rows_after(store: Store, last_id: int) -> list[AuditRow]:
    with store.transaction() as session:
        return list(
            session.scalars(select(AuditRow).where(AuditRow.id > last_id).order_by(AuditRow.id))
        )


def restore(
    store: Store,
    source_file: str | Path,
    *,
    passphrase: str | None = None,
    actor: str = "system",
    source: str = "",
) -> BackupInfo:
    """Replace the live store's content with a backup's, keeping a copy of the current one.

    Raises
    ------
    PatrolError
        The file is not a sound backup, is encrypted with another passphrase, or comes from a
        newer version of the product; the live store was not touched.

    """
    from patrol.store.migrate import head_revision, is_known_revision, upgrade

    live = _require_sqlite(store)
    source_file = Path(source_file)
    if not source_file.is_file():
        msg = f"{source_file}: no such backup file"
        raise PatrolError(msg)
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=".restore-") as tmp:
        plain = _plain_copy(source_file, passphrase, Path(tmp))
        revision, audit_rows = _check_copy(plain)
        if revision is not None and not is_known_revision(revision):
            msg = (
                f"{source_file}: made by a newer version of the product (schema {revision}, "
                f"this one knows {head_revision()}); upgrade the product first"
            )
            raise PatrolError(msg)
        keys = store.require_keys()
        backup_head = _audit_head_of(plain)
        shared = _check_same_history(store, source_file, plain, backup_head, keys.key_id)
        stamp = store.now().strftime("%Y%m%dT%H%M%SZ")
        backup(store, live.parent / f"pre-restore-{stamp}.sqlite3", actor=actor, source=source)
        later = _rows_after(store, backup_head[0] if shared else 0)
        src = sqlite.connect(f"file:{plain}?mode=ro", uri=True)
        dst = sqlite.connect(live, timeout=store.settings.store.busy_timeout_s)
        try:
            src.backup(dst)  # all pages in one step: one write transaction on the live file
        finally:
            src.close()
            dst.close()
    store.engine.dispose()  # pooled connections may cache the old schema
    upgrade(store.engine, keys=keys)
    with store.transaction() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        # The anchor's earlier lines describe the history the restore replaces.
        append_anchor(store.data_dir, keys, head.last_id, head.last_hash, kind="reset")
        for row in later:
            record(
                session,
                store,
                username=row.username,
                action=row.action,
                target=row.target,
                source=row.source,
                outcome=row.outcome,
                detail=f"[kept across restore{'' if shared else ', other history'}: row "
                f"{row.id} of {row.at.isoformat(timespec='seconds')}] {row.detail}",
            )
        record(
            session,
            store,
            username=actor,
            action=Action.RESTORE,
            target=f"file:{source_file.name}",
            source=source,
            detail=f"revision={revision}; {len(later)} later audit rows kept",
        )
    return BackupInfo(
        source_file, plain != source_file, source_file.stat().st_size, revision, audit_rows
    )
