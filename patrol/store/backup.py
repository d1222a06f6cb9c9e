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
backup was older, and the restore is added to the (restored) audit log.

Every connection here is made with the store's own SQLite library (``patrol.store.db.sqlite``),
the one that writes the live file in WAL mode.

PostgreSQL stores are backed up with ``pg_dump``, outside this module (see ``docs/store.md``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from patrol.errors import PatrolError
from patrol.store.audit import Action, log_event
from patrol.store.db import Store, sqlite

__all__ = ["ENCRYPTED_MAGIC", "BackupInfo", "backup", "restore"]

ENCRYPTED_MAGIC = b"PATROL-BACKUP-1\n"
"""First bytes of an encrypted backup; followed by a 16-byte salt and the Fernet token."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds."""

    path: Path
    encrypted: bool
    bytes: int
    revision: str | None
    audit_rows: int


def _fernet(passphrase: str, salt: bytes):  # type: ignore[no-untyped-def]
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        msg = (
            "encrypted backups need the 'cryptography' package (pip install cryptography); "
            "nothing was written"
        )
        raise PatrolError(msg) from None
    if len(passphrase) < 8:
        msg = "the backup passphrase must have at least 8 characters"
        raise PatrolError(msg)
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
    destination.parent.mkdir(parents=True, exist_ok=True)
    fernet = _fernet(passphrase, salt := secrets.token_bytes(16)) if passphrase else None
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as tmp:
        plain = Path(tmp) / "copy.sqlite3"
        conn = sqlite.connect(live, timeout=store.settings.store.busy_timeout_s)
        try:
            conn.execute("VACUUM INTO ?", (str(plain),))
        finally:
            conn.close()
        revision, audit_rows = _check_copy(plain)
        staged = Path(tmp) / "staged"
        if fernet is not None:
            staged.write_bytes(ENCRYPTED_MAGIC + salt + fernet.encrypt(plain.read_bytes()))
        else:
            plain.rename(staged)
        with staged.open("rb") as handle:
            os.fsync(handle.fileno())
        staged.replace(destination)
    log_event(
        store,
        username=actor,
        action=Action.BACKUP,
        target=f"file:{destination.name}",
        source=source,
        detail="encrypted" if fernet else "plain",
    )
    return BackupInfo(
        destination, fernet is not None, destination.stat().st_size, revision, audit_rows
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
    plain = folder / "restore.sqlite3"
    plain.write_bytes(data)
    return plain


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
        stamp = store.now().strftime("%Y%m%dT%H%M%SZ")
        backup(store, live.parent / f"pre-restore-{stamp}.sqlite3", actor=actor, source=source)
        src = sqlite.connect(f"file:{plain}?mode=ro", uri=True)
        dst = sqlite.connect(live, timeout=store.settings.store.busy_timeout_s)
        try:
            src.backup(dst)  # all pages in one step: one write transaction on the live file
        finally:
            src.close()
            dst.close()
    store.engine.dispose()  # pooled connections may cache the old schema
    upgrade(store.engine)
    log_event(
        store,
        username=actor,
        action=Action.RESTORE,
        target=f"file:{source_file.name}",
        source=source,
        detail=f"revision={revision}",
    )
    return BackupInfo(
        source_file, plain != source_file, source_file.stat().st_size, revision, audit_rows
    )
