"""The ``patrol`` command.

Each subcommand is a thin wrapper over one core function; its body lives in the module of its
topic and imports heavy libraries only when run, so ``patrol --help`` stays fast. Errors the core
raises on bad input (``PatrolError``) are printed as they are, without a traceback, and the
command exits with status 2.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from patrolbase.errors import PatrolError
from patrolbase.lang import Lang
from patrolbase.settings import Settings

__all__ = ["app", "cli_language", "load_settings", "run_guarded"]

T = TypeVar("T")

app = typer.Typer(
    name="patrol",
    help="Patrol planning for ward police and the ward military command, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state: dict[str, Path | None] = {"settings": None}


@app.callback()
def _main(
    settings: Annotated[
        Path | None, typer.Option("--settings", help="TOML file of settings to override.")
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log.")] = 0,
) -> None:
    # Everything the product writes is for the service account alone (see patrol.files): the
    # writers set their modes themselves; the umask covers what a library creates on its own.
    os.umask(0o077)
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    _state["settings"] = settings


def load_settings() -> Settings:
    """Return the settings named by ``--settings``, or the defaults.

    A missing or invalid file ends the command with its message (``run_guarded``), never a
    traceback, whichever command asked.
    """
    path = _state["settings"]
    return run_guarded(lambda: Settings.from_file(path)) if path else Settings()


def cli_language() -> Lang:
    """Return ``"en"`` when the user asks for English, else ``"vi"`` (Vietnamese first).

    ``PATROL_LANG`` decides when set; otherwise the locale (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``, the first one set). Only an English locale (``en_US.UTF-8``) gives English: a
    server's ``C`` or ``POSIX`` locale says nothing of its users, who read Vietnamese.
    """
    chosen = os.environ.get("PATROL_LANG") or next(
        (os.environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(k)), ""
    )
    return "en" if chosen.lower().startswith("en") else "vi"


def run_guarded(func: Callable[[], T]) -> T:
    """Run ``func``; turn a ``PatrolError`` into its message on stderr and exit status 2.

    The message is Vietnamese when the user's language is (``cli_language``) and the error
    carries it (``message_vi``).
    """
    try:
        return func()
    except PatrolError as exc:
        if cli_language() == "vi" and exc.message_vi:
            typer.echo(f"lỗi: {exc.message_vi}", err=True)
        else:
            typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


import patrol.commands.area  # noqa: E402  (registers area)
import patrol.commands.campaign  # noqa: E402  (registers campaign)
import patrol.commands.campaign_runs  # noqa: E402  (registers campaign-done, campaign-runs)
import patrol.commands.export  # noqa: E402  (registers export, serve-exports)
import patrol.commands.plan  # noqa: E402  (registers plan)
import patrol.commands.province  # noqa: E402  (registers province-plan, province-review)
import patrol.commands.records  # noqa: E402  (registers records)
import patrol.commands.review  # noqa: E402  (registers review)
import patrol.commands.solve  # noqa: E402  (registers solve)
import patrol.commands.store  # noqa: E402  (registers users, backup, restore, audit)
import patrol.commands.teams  # noqa: E402  (registers people, teams)
import patrol.commands.village  # noqa: E402, F401  (registers village-loops)


def main() -> None:
    """Entry point for ``python -m patrol``."""
    app()


if __name__ == "__main__":
    main()
