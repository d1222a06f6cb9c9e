"""Files and folders only their owner can read: the data folder, keys, exports, backups.

The ward's records, the keys, backups, reports and exports hold personal data and the second
factor's secrets, so everything the product writes is created for the service account alone:
folders 0700, files 0600. The mode is given when the file is created (``os.open`` with the mode,
under a 0o077 umask) rather than changed afterwards, so there is no moment in which another local
account could open it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "owner_only_umask",
    "private_folder",
    "private_open",
    "restrict",
    "write_private",
]

FOLDER_MODE = 0o700
"""Mode of every folder the product creates."""

FILE_MODE = 0o600
"""Mode of every file the product writes."""


@contextmanager
def owner_only_umask() -> Iterator[None]:
    """Run a block under umask 0o077: files created by libraries inside it are 0600 / 0700.

    For writers that open their own files (SQLite and its journals, ``VACUUM INTO``, fpdf2).
    The umask is process-wide; the block should be short.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def private_folder(path: str | Path) -> Path:
    """Create ``path`` (and missing parents) 0700; tighten an existing folder the product made.

    Returns
    -------
    Path
        The folder.

    """
    path = Path(path)
    with owner_only_umask():
        path.mkdir(parents=True, exist_ok=True)
    restrict(path, FOLDER_MODE)
    return path


def restrict(path: str | Path, mode: int = FILE_MODE) -> None:
    """Set ``path`` to ``mode`` when it grants more (only the owner's bits are kept)."""
    path = Path(path)
    current = path.stat().st_mode & 0o777
    if current & ~mode:
        path.chmod(current & mode)


@contextmanager
def private_open(path: str | Path, mode: str = "wb", **kwargs: object) -> Iterator[IO]:  # type: ignore[type-arg]
    """``open`` a file for writing, created 0600 (an existing file is tightened to 0600)."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, os.fstat(fd).st_mode & FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    with os.fdopen(fd, mode, **kwargs) as handle:  # type: ignore[call-overload]
        yield handle


def write_private(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` as a 0600 file; return the path."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with private_open(path, "wb") as handle:
        handle.write(payload)
    return Path(path)
