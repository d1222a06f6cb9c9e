"""The store's key: one secret file outside the database, for the audit chain and stored secrets.

``keys/store.key`` (``[store] key_dir``, by default inside the data folder) holds 32 random bytes,
made at the first start of a new store, 0600 in a 0700 folder. Separate keys are derived from it
with HKDF-SHA256 (``cryptography``), one per use:

- ``audit-chain``: HMAC-SHA256 of every audit row (``patrol.store.audit``);
- ``audit-anchor``: HMAC of each line of the anchor file beside the database;
- ``secrets``: Fernet (AES-128-CBC + HMAC-SHA256) of the authenticator (TOTP) secrets.

The database remembers only the key's fingerprint (``audit_head.key_id``). When a store that has a
key is opened without the file, no new key is made (it would orphan every stored secret and the
whole chain): the store opens read-only for the audit check, which reports the missing file, and
everything that writes raises ``StoreKeyError`` naming the file to restore. Back the key file up
apart from the database backups: whoever holds both can rewrite the audit log unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import constant_time, hashes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from patrol.files import FILE_MODE, private_folder, restrict
from patrolbase.errors import PatrolError
from patrolbase.settings import Settings

__all__ = [
    "KEY_FILENAME",
    "SECRET_PREFIX",
    "KeyStore",
    "StoreKeyError",
    "create_key",
    "key_path",
    "read_key",
]

KEY_FILENAME = "store.key"
"""Name of the key file inside the key folder."""

SECRET_PREFIX = "fernet:"
"""Marks an encrypted value in a text column (a clear value never starts with it)."""

_HEADER = "patrol-store-key-1"


class StoreKeyError(PatrolError):
    """The store's key file is missing, unreadable or belongs to another store."""

    def __init__(self, message: str, *, message_vi: str):
        self.message_vi = message_vi
        super().__init__(message)


def key_path(settings: Settings, data_dir: Path) -> Path:
    """Return the key file of the store under ``settings`` (``data_dir``: its data folder)."""
    folder = settings.store.key_dir or data_dir / "keys"
    return Path(folder) / KEY_FILENAME


@dataclass(frozen=True)
class KeyStore:
    """The loaded key and the keys derived from it."""

    path: Path
    _master: bytes = field(repr=False)

    def _derive(self, label: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode())
        return hkdf.derive(self._master)

    @property
    def key_id(self) -> str:
        """Fingerprint of the key (stored in the database; reveals nothing of the key)."""
        return self._derive("patrol-planner/key-id").hex()[:32]

    def mac(self, purpose: str, payload: bytes) -> str:
        """HMAC-SHA256 of ``payload`` under the key for ``purpose``, as 64 hex digits."""
        signer = HMAC(self._derive(f"patrol-planner/{purpose}"), hashes.SHA256())
        signer.update(payload)
        return signer.finalize().hex()

    def mac_ok(self, purpose: str, payload: bytes, expected: str) -> bool:
        """Whether ``expected`` is the HMAC of ``payload`` (compared in constant time)."""
        return constant_time.bytes_eq(self.mac(purpose, payload).encode(), expected.encode())

    def _fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(self._derive("patrol-planner/secrets")))

    def encrypt(self, text: str) -> str:
        """Encrypt a short secret for a text column (``fernet:<token>``)."""
        return SECRET_PREFIX + self._fernet().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        """Decrypt what ``encrypt`` made; raise ``StoreKeyError`` when another key made it."""
        if not stored.startswith(SECRET_PREFIX):
            msg = "a stored secret is not encrypted; open the store once to migrate it"
            raise StoreKeyError(
                msg,
                message_vi="Một khóa bí mật trong cơ sở dữ liệu chưa được mã hóa; "
                "mở lại kho dữ liệu để chuyển đổi",
            )
        try:
            return self._fernet().decrypt(stored[len(SECRET_PREFIX) :].encode()).decode("utf-8")
        except InvalidToken:
            msg = f"a stored secret does not open with the key {self.path}: wrong key file"
            raise StoreKeyError(
                msg,
                message_vi=f"Khóa bí mật trong cơ sở dữ liệu không giải mã được bằng tệp khóa "
                f"{self.path}: tệp khóa không đúng; khôi phục tệp khóa từ bản sao lưu khóa",
            ) from None


def create_key(path: Path) -> KeyStore:
    """Make a new key file at ``path`` (0600, folder 0700); refuse to replace an existing one."""
    private_folder(path.parent)
    master = os.urandom(32)
    text = f"{_HEADER} {base64.b64encode(master).decode('ascii')}\n"
    # Written whole to a temporary name, then linked in place: the key file appears complete
    # or not at all, and never replaces another (link fails when the name exists).
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(staged, path)
    finally:
        staged.unlink(missing_ok=True)
    return KeyStore(path, master)


def read_key(path: Path) -> KeyStore:
    """Read the key file at ``path``; raise ``StoreKeyError`` when it is missing or damaged."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        msg = f"key file {path} is missing: restore it from the key backup"
        raise StoreKeyError(
            msg,
            message_vi=f"Không tìm thấy tệp khóa {path}: khôi phục tệp này từ bản sao lưu khóa "
            "(không tạo khóa mới: nhật ký hệ thống và mã xác thực sẽ không kiểm tra được)",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"key file {path} cannot be read: {exc}"
        raise StoreKeyError(msg, message_vi=f"Không đọc được tệp khóa {path}: {exc}") from None
    parts = text.split()
    try:
        if len(parts) != 2 or parts[0] != _HEADER:
            raise ValueError(parts[:1])
        master = base64.b64decode(parts[1], validate=True)
        if len(master) != 32:
            raise ValueError(len(master))
    except (ValueError, binascii.Error):
        msg = f"key file {path} is damaged: restore it from the key backup"
        raise StoreKeyError(
            msg,
            message_vi=f"Tệp khóa {path} bị hỏng: khôi phục tệp này từ bản sao lưu khóa",
        ) from None
    restrict(path, FILE_MODE)
    return KeyStore(path, master)
