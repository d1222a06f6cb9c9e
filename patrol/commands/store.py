"""``patrol users ...``, ``patrol backup``, ``patrol restore``, ``patrol audit ...``.

The first administrator is created here (``patrol users add quantri --role administrator``).
Passwords are asked without echo (or read from standard input with ``--password-stdin``) and
never printed or logged; a TOTP secret is printed once, with a QR code for the authenticator app.
Whoever runs these commands has the store's file in hand, so they act as the machine's
administrator; each action is audited as ``cli:<login name>``. Registered in ``patrol.cli`` by
importing this module; the store loads only when a command runs.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from patrol.cli import app, load_settings, run_guarded
from patrolbase.errors import PatrolError

if TYPE_CHECKING:
    from patrol.store.db import Store

__all__ = ["audit_app", "backup_command", "restore_command", "users_app"]

users_app = typer.Typer(
    help="Local accounts: add, list, unlock, disable, reset.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The audit log: verify its hash chain, export it.", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")

_ROLES = "commander, patrol_leader, analyst or administrator"


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _store() -> Store:
    from patrol.store.db import open_store

    return run_guarded(lambda: open_store(load_settings()))


def _secret(prompt: str, *, from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def _show_totp(secret: str, uri: str) -> None:
    from patrol.cli import cli_language

    if cli_language() == "vi":
        typer.echo("Mã bí mật xác thực hai lớp (chỉ hiện một lần; thêm vào ứng dụng xác thực):")
    else:
        typer.echo("TOTP secret (shown once; add it to the authenticator app):")
    typer.echo(f"  {secret}")
    typer.echo(f"  {uri}")
    try:
        import segno

        segno.make(uri, error="m").terminal(compact=True)
    except ImportError:  # pragma: no cover - segno is a dependency
        pass


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ -).")],
    role: Annotated[str, typer.Option("--role", help=f"Role: {_ROLES}.")],
    name: Annotated[str, typer.Option("--name", help="Full name shown in the app.")] = "",
    team: Annotated[
        str | None, typer.Option("--team", help="Tổ của tổ trưởng tuần tra (Tổ 1, T1...).")
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Phường/xã của tài khoản: chỉ xem và sửa dữ liệu của phường đó (mặc định: "
            "khu vực có sẵn). The account's ward (default: the embedded area).",
        ),
    ] = None,
    province: Annotated[
        bool,
        typer.Option(
            "--province",
            help="Tài khoản cấp tỉnh: xem dữ liệu mọi phường (cán bộ phân tích của tỉnh). "
            "Every ward of the store.",
        ),
    ] = False,
    totp: Annotated[
        bool, typer.Option("--totp", help="Give a second factor to a role that does not need it.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account; commanders and administrators get a TOTP secret to enrol."""
    from patrol.commands.teams import area_name, guarded
    from patrol.store import auth, roster

    if province and (area is not None or team is not None):

        def refuse() -> None:
            err = PatrolError("--province: an account of every ward has no --area and no --team")
            err.message_vi = "--province: tài khoản cấp tỉnh không gắn với --area hay --team"
            raise err

        run_guarded(refuse)
    store = _store()
    team_id = None
    if team is not None:
        team_id = guarded(lambda: roster.find_team(store, area=area_name(area), name=team))
    password = _secret("Password", from_stdin=password_stdin)
    made = run_guarded(
        lambda: auth.create_user(
            store,
            username,
            password,
            role=role,
            display_name=name,
            team_id=team_id,
            area=None if province else area_name(area),
            with_totp=totp or None,
            actor=_actor(),
            source="cli",
        )
    )
    from patrol.cli import cli_language

    who, role = made.principal.username, made.principal.role
    if cli_language() == "vi":
        typer.echo(f"Đã tạo tài khoản {who} ({role.label_vi})")
    else:
        typer.echo(f"created {who} ({role.value})")
    if made.principal.role.value == "patrol_leader" and team_id is None:
        typer.echo(
            f"Lưu ý: tài khoản tổ trưởng chưa gắn với tổ nào; gắn bằng: patrol users team "
            f"{made.principal.username} --team 'Tổ 1' (note: no team yet; link it with "
            "`patrol users team`)."
        )
    if made.totp_secret and made.totp_uri:
        _show_totp(made.totp_secret, made.totp_uri)
    store.close()


@users_app.command("team")
def users_team(
    username: Annotated[str, typer.Argument(help="Tài khoản tổ trưởng tuần tra.")],
    team: Annotated[str, typer.Option("--team", help="Tổ: Tổ 1, T1...")],
    area: Annotated[str | None, typer.Option("--area", help="Area of --team.")] = None,
) -> None:
    """Gắn tài khoản tổ trưởng với một tổ. Link a patrol leader's account to a team."""
    from patrol.commands.teams import area_name, guarded
    from patrol.personnel import team_code, team_label
    from patrol.store import roster

    store = _store()
    guarded(lambda: roster.link_leader(store, username=username, area=area_name(area), team=team,
                                       actor=_actor(), source="cli"))  # fmt: skip
    typer.echo(f"{username} là tổ trưởng của {team_label(team_code(team))}.")
    store.close()


@users_app.command("list")
def users_list() -> None:
    """Liệt kê tài khoản. List accounts: role, team, second factor, last login, state, ward."""
    from patrol.cli import cli_language
    from patrol.store import auth

    vi = cli_language() == "vi"
    store = _store()
    for u in auth.list_users(store):
        if u.locked:
            state = "bị khóa" if vi else "locked"
        elif u.disabled_reason:
            state = f"{'vô hiệu hóa' if vi else 'disabled'} ({u.disabled_reason})"
        else:
            state = "đang dùng" if vi else "active"
        never = "chưa đăng nhập" if vi else "never"
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else never
        role = u.role.label_vi if vi else u.role.value
        every_ward = "mọi phường, xã" if vi else "*"
        typer.echo(
            f"{u.username}\t{role}\t{u.team or '-'}\t"
            f"{'totp' if u.has_totp else '-'}\t{last}\t{state}\t{u.ward or every_ward}"
        )
    store.close()


@users_app.command("unlock")
def users_unlock(username: Annotated[str, typer.Argument()]) -> None:
    """Unlock an account locked after failed logins."""
    from patrol.store import auth

    store = _store()
    run_guarded(lambda: auth.unlock_user(store, username, actor=_actor(), source="cli"))
    typer.echo(f"unlocked {username}")
    store.close()


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account (its sessions end)."""
    from patrol.store import auth

    store = _store()
    run_guarded(lambda: auth.set_user_enabled(store, username, False, actor=_actor(), source="cli"))
    typer.echo(f"disabled {username}")
    store.close()


@users_app.command("ward")
def users_ward(
    username: Annotated[str, typer.Argument()],
    area: Annotated[
        str | None, typer.Option("--area", help="Phường/xã mới của tài khoản / the new ward.")
    ] = None,
    province: Annotated[
        bool, typer.Option("--province", help="Mọi phường, xã / every ward of the store.")
    ] = False,
) -> None:
    """Chuyển tài khoản sang phường khác. Move an account to another ward (its sessions end)."""
    from patrol.store import accounts

    def move() -> None:
        if province == (area is not None):
            err = PatrolError("give --area NAME or --province")
            err.message_vi = "hãy nêu --area TÊN_PHƯỜNG hoặc --province"
            raise err
        accounts.set_ward(store, username, area, actor=_actor(), source="cli")

    store = _store()
    run_guarded(move)
    typer.echo(f"{username}: {area or 'mọi phường, xã'}")
    store.close()


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Enable a disabled account again."""
    from patrol.store import auth

    store = _store()
    run_guarded(lambda: auth.set_user_enabled(store, username, True, actor=_actor(), source="cli"))
    typer.echo(f"enabled {username}")
    store.close()


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument()],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password for an account (its sessions end)."""
    from patrol.store import auth

    store = _store()
    password = _secret("New password", from_stdin=password_stdin)
    run_guarded(lambda: auth.set_password(store, username, password, actor=_actor(), source="cli"))
    typer.echo(f"password of {username} changed")
    store.close()


@users_app.command("totp-reset")
def users_totp_reset(username: Annotated[str, typer.Argument()]) -> None:
    """Give an account a new TOTP secret (a lost phone)."""
    from patrol.store import auth

    store = _store()
    secret, uri = run_guarded(
        lambda: auth.reset_totp(store, username, actor=_actor(), source="cli")
    )
    _show_totp(secret, uri)
    store.close()


@users_app.command("sweep")
def users_sweep() -> None:
    """Disable every account unused for the configured number of days (90 by default)."""
    from patrol.store import auth

    store = _store()
    names = run_guarded(lambda: auth.disable_inactive_accounts(store, actor=_actor()))
    typer.echo(f"disabled {len(names)} unused account(s){': ' if names else ''}{', '.join(names)}")
    store.close()


@app.command("backup")
def backup_command(
    destination: Annotated[Path, typer.Argument(help="File to write the copy to.")],
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Encrypt (the default; kept for scripts).")
    ] = True,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="Write an unencrypted copy (anyone with the file reads it)."),
    ] = False,
    passphrase_stdin: Annotated[bool, typer.Option("--passphrase-stdin")] = False,
) -> None:
    """Write a consistent copy of the store while the app runs; encrypted unless --plain."""
    from patrol.store.backup import backup

    store = _store()
    passphrase = None if plain else _secret("Backup passphrase", from_stdin=passphrase_stdin)
    info = run_guarded(
        lambda: backup(store, destination, passphrase=passphrase, actor=_actor(), source="cli")
    )
    kind = "encrypted" if info.encrypted else "plain"
    typer.echo(
        f"wrote {info.path} ({kind}, {info.bytes} bytes, schema {info.revision}, "
        f"{info.audit_rows} audit rows)"
    )
    head_id, head_hash = info.audit_head
    typer.echo(
        f"đầu chuỗi nhật ký / audit head: dòng / row {head_id}, {head_hash}\n"
        f"manifest: {info.manifest} (giữ riêng với bản sao lưu / keep apart from the backup)"
    )
    store.close()


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="Backup file made by `patrol backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    passphrase_stdin: Annotated[bool, typer.Option("--passphrase-stdin")] = False,
) -> None:
    """Replace the store's content with a backup (the current content is kept beside it)."""
    from patrol.store.backup import ENCRYPTED_MAGIC, restore

    if not yes:
        typer.confirm(f"Replace the store's content with {source}?", abort=True)
    store = _store()
    encrypted = source.is_file() and source.read_bytes()[: len(ENCRYPTED_MAGIC)] == ENCRYPTED_MAGIC
    passphrase = (
        _secret("Backup passphrase", from_stdin=passphrase_stdin, confirm=False)
        if encrypted
        else None
    )
    info = run_guarded(
        lambda: restore(store, source, passphrase=passphrase, actor=_actor(), source="cli")
    )
    typer.echo(f"restored {info.path} (schema {info.revision}, {info.audit_rows} audit rows)")
    store.close()


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; exit 1 when a row was changed or removed."""
    from patrol.store.audit import verify_chain

    store = _store()
    report = verify_chain(store)
    store.close()
    if report.ok:
        typer.echo(
            f"Nhật ký hệ thống nguyên vẹn: {report.rows} dòng\naudit log intact: {report.rows} rows"
        )
        return
    where = f" (dòng / row {report.first_bad_id})" if report.first_bad_id is not None else ""
    typer.echo(
        f"NHẬT KÝ HỆ THỐNG KHÔNG NGUYÊN VẸN{where}: {report.problem_vi}\n"
        f"AUDIT LOG TAMPERED: {report.problem} (after {report.rows} rows read)",
        err=True,
    )
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    destination: Annotated[Path, typer.Argument(help="CSV file to write.")],
) -> None:
    """Export the audit log to CSV (cells safe to open in a spreadsheet)."""
    from patrol.store.audit import Action, export_audit_csv, log_event

    store = _store()
    count = export_audit_csv(store, destination)
    log_event(
        store,
        username=_actor(),
        action=Action.EXPORT,
        target=f"file:{destination.name}",
        source="cli",
        detail=f"audit rows={count}",
    )
    typer.echo(f"wrote {count} rows to {destination}")
    store.close()
