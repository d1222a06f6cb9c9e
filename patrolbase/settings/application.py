"""The application's own sections: the ward's database and the export server."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from patrolbase.settings._base import FROZEN


class StoreSettings(BaseModel):
    """Where the ward's records are kept."""

    model_config = FROZEN

    database_url: str | None = None
    """SQLAlchemy URL; ``None`` uses a SQLite file in the user's data folder."""
    data_dir: Path | None = None
    """The user's data folder; ``None`` uses the platform default."""
    sqlite_journal: Literal["auto", "wal", "delete"] = "auto"
    """SQLite journal: ``wal`` (readers never block the writer), ``delete`` (rollback journal) or
    ``auto``: WAL when the SQLite library carries the fix of the WAL-reset corruption bug
    (3.51.3+, 3.50.7+, 3.44.6+), the rollback journal otherwise. Both use ``synchronous=FULL``."""
    busy_timeout_s: float = Field(default=30.0, gt=0, le=600)
    """How long a writer waits for another writer's lock before giving up."""
    session_idle_min: int = Field(default=30, ge=1, le=120)
    """A login session ends after this many minutes without activity."""
    session_max_h: float = Field(default=12.0, gt=0, le=24)
    """A login session ends this many hours after login, active or not."""
    lockout_failures: int = Field(default=5, ge=3, le=20)
    """Failed logins within ``lockout_window_min`` that lock the account until an admin unlocks."""
    lockout_window_min: int = Field(default=15, ge=1, le=1440)
    """Window in which failed logins are counted."""
    throttle_failures: int = Field(default=20, ge=5, le=1000)
    """Failed logins from one address, or for one user name (known or not), within
    ``throttle_window_min`` after which further attempts are refused at once, without checking
    the password or writing an audit row each (one row records the throttling)."""
    throttle_window_min: int = Field(default=10, ge=1, le=1440)
    """Window of ``throttle_failures``."""
    inactive_days: int = Field(default=90, ge=7, le=365)
    """Accounts not used for this many days are disabled (an administrator re-enables them)."""
    argon2_memory_kib: int = Field(default=19456, ge=19456, le=4 * 1024 * 1024)
    """Argon2id memory per password hash, KiB (at least 19 MiB, OWASP's minimum for 2 passes)."""
    argon2_passes: int = Field(default=2, ge=2, le=20)
    """Argon2id passes (time cost)."""
    max_upload_mb: float = Field(default=50.0, gt=0, le=2048)
    """Largest upload accepted, as sent and (for XLSX, a zip) once unpacked: stops zip bombs."""
    isolate_upload_mb: float = Field(default=1.0, ge=0, le=2048)
    """Uploads larger than this are read in a child process with a memory cap (0: all)."""
    upload_memory_mb: int = Field(default=2048, ge=768, le=65536)
    """Address space of that child process, MB (the readers' libraries alone take ~550 MB)."""
    key_dir: Path | None = None
    """Folder of the store's key file (audit chain, second-factor secrets); ``None`` uses
    ``keys/`` inside the data folder. Put it on another disk to keep it apart from the database."""


class ExportSettings(BaseModel):
    """Where phones on the ward's network fetch the routes (``patrol serve-exports``)."""

    model_config = FROZEN

    address: str | None = None
    """This computer's address on the ward network, put into the QR codes' links (``192.168.1.20``
    or a host name); ``None``: found when the app starts (the first private IPv4 address of a
    network interface), else ``127.0.0.1``."""
    port: int = Field(default=8765, ge=1, le=65535)
    """TCP port of the download server."""
