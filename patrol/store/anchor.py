"""The audit anchor: the chain's head, signed, appended to a file beside the database.

After every commit that adds audit rows, one line ``{"kind": "head", "id": N, "hash": H, "mac":
M}`` is appended (``O_APPEND``, 0600) to ``audit-anchor.jsonl`` in the database's folder, ``M``
being an HMAC under the store's key. A key-less attacker who cuts rows from the end of the log (and
sets the head row back) or puts back an older copy of the whole database leaves a signed line
naming a row the database no longer has, or has with another hash; they cannot write a line
themselves. A restore writes a ``reset`` line: the lines before it describe a history the restore
replaced (its audit rows are kept, see ``patrol.store.backup``).

What the file cannot show: the anchor and the database cut back together by someone who can write
both (keep the printed head of the monthly report and the backup manifest), and anything done by
someone holding the key file.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from patrol.files import private_open
from patrol.store.keys import KeyStore

__all__ = ["ANCHOR_FILENAME", "Anchor", "AnchorReading", "append_anchor", "read_anchor"]

ANCHOR_FILENAME = "audit-anchor.jsonl"
"""Name of the anchor file in the database's folder."""

_PURPOSE = "audit-anchor"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    """One signed line: the chain's head after a commit (``kind`` ``head``) or a ``reset``."""

    line: int
    kind: str
    id: int
    hash: str


@dataclass(frozen=True)
class AnchorReading:
    """What ``read_anchor`` found: the valid lines since the last reset, or the first bad line."""

    exists: bool
    anchors: list[Anchor]
    bad_line: int | None
    problem: str


def _payload(kind: str, row_id: int, digest: str, at: str) -> bytes:
    return json.dumps([kind, row_id, digest, at], separators=(",", ":")).encode("utf-8")


def append_anchor(
    folder: Path, keys: KeyStore, row_id: int, digest: str, *, kind: str = "head"
) -> None:
    """Append one signed line; a failure is logged (the commit it follows stands)."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    mac = keys.mac(_PURPOSE, _payload(kind, row_id, digest, at))
    line = json.dumps({"kind": kind, "id": row_id, "hash": digest, "at": at, "mac": mac})
    path = folder / ANCHOR_FILENAME
    try:
        # A write cut by a crash leaves a last line without its newline: end it first, so the
        # new line stays whole.
        if path.exists() and path.stat().st_size:
            with path.open("rb") as tail:
                tail.seek(-1, os.SEEK_END)
                if tail.read(1) != b"\n":
                    line = "\n" + line
        with private_open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        log.error("audit anchor %s not written: %s", path, exc)


def read_anchor(folder: Path, keys: KeyStore) -> AnchorReading:
    """Read and check every line; keep those after the last ``reset``.

    A line that is not JSON (a write cut by a crash) is skipped: it can prove nothing either
    way. A line whose signature is wrong is reported as ``bad_line``.
    """
    path = folder / ANCHOR_FILENAME
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return AnchorReading(False, [], None, "")
    anchors: list[Anchor] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        try:
            item = json.loads(raw)
        except ValueError:
            continue  # empty, or torn by a crash
        try:
            kind, row_id, digest = str(item["kind"]), int(item["id"]), str(item["hash"])
            ok = keys.mac_ok(_PURPOSE, _payload(kind, row_id, digest, str(item["at"])), item["mac"])
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            return AnchorReading(True, anchors, number, f"line {number} of {path} was altered")
        if kind == "reset":
            anchors = []
        anchors.append(Anchor(number, kind, row_id, digest))
    return AnchorReading(True, anchors, None, "")
