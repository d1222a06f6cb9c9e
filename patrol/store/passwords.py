"""Passwords: length, the shipped list of common ones, and Argon2id hashes with the store's cost."""

from __future__ import annotations

from importlib import resources

from argon2 import PasswordHasher, Type

from patrol.store.db import Store
from patrolbase.errors import PatrolError

MIN_PASSWORD = 8
MAX_PASSWORD = 128


def _common_passwords() -> frozenset[str]:
    text = resources.files("patrol.store").joinpath("common-passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problems(password: str, *, username: str = "") -> list[tuple[str, str]]:
    """List what is wrong with a new password, as ``(english, vietnamese)`` pairs; empty when fine.

    Examples
    --------
    >>> [en for en, _ in password_problems("password1")]
    ['it is on the list of common passwords; choose a longer phrase of your own']
    >>> password_problems("ngõ Văn Chương đêm mưa")
    []

    """
    problems: list[tuple[str, str]] = []
    if len(password) < MIN_PASSWORD:
        problems.append(
            (
                f"it has {len(password)} characters; use at least {MIN_PASSWORD}",
                f"mật khẩu có {len(password)} ký tự; cần ít nhất {MIN_PASSWORD} ký tự",
            )
        )
    if len(password) > MAX_PASSWORD:
        problems.append(
            (
                f"it has {len(password)} characters; use at most {MAX_PASSWORD}",
                f"mật khẩu dài {len(password)} ký tự; tối đa {MAX_PASSWORD} ký tự",
            )
        )
    folded = password.strip().lower()
    if folded in _common_passwords():
        problems.append(
            (
                "it is on the list of common passwords; choose a longer phrase of your own",
                "mật khẩu nằm trong danh sách mật khẩu phổ biến; hãy chọn một cụm từ dài hơn",
            )
        )
    if username and folded == username.strip().lower():
        problems.append(
            ("it is the user name; choose something else", "mật khẩu trùng tên đăng nhập")
        )
    return problems


def password_hasher(store: Store) -> PasswordHasher:
    cfg = store.settings.store
    return PasswordHasher(
        time_cost=cfg.argon2_passes,
        memory_cost=cfg.argon2_memory_kib,
        parallelism=1,
        type=Type.ID,
    )


def check_new_password(password: str, username: str) -> None:
    problems = password_problems(password, username=username)
    if problems:
        msg = f"password for {username!r} refused: " + "; ".join(en for en, _ in problems)
        err = PatrolError(msg)
        err.message_vi = f"Mật khẩu của {username} không hợp lệ: " + "; ".join(
            vi for _, vi in problems
        )
        raise err
