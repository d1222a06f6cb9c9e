"""Fixtures of the dashboard tests.

The default area and its inputs, loaded once; a ward's store with one account per role, and the
app logged in as one of them (``app_as``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from streamlit.testing.v1 import AppTest

from patrol.store import auth, roster
from patrol.store.db import Store, open_store
from patrolbase.settings import Settings

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PASSWORD = "đêm tuần tra phường số {n}"  # a passphrase of the kind the rules ask for
ROLES = ("commander", "patrol_leader", "analyst", "administrator")
USERNAMES = {
    "commander": "chihuy",
    "patrol_leader": "totruong1",
    "analyst": "phantich",
    "administrator": "quantri",
}


@pytest.fixture(scope="session")
def inputs() -> Any:
    """Load the inputs of the default area (Văn Miếu - Cát Linh), demonstration incidents."""
    from patrol.pipeline import load_inputs

    return load_inputs(Settings())


@pytest.fixture(scope="session")
def base(inputs: Any) -> Any:
    """Base-map layers of the default area."""
    from dashboard import mapview

    return mapview.base_layers(inputs.area)


@dataclass
class Account:
    """A test account: its name, password and TOTP secret (``None`` without a second factor)."""

    username: str
    password: str
    secret: str | None
    last_step: int = -1


@dataclass
class Ward:
    """A ward's fresh store, its settings file and one account per role.

    The store is in a temporary folder and the settings file points the dashboard at it; the
    patrol leader leads team ``T1``. Calling it, ``ward(role, page)``, returns the app logged in
    as that role through the real login form (``app_as``).
    """

    folder: Path
    settings_path: Path
    store: Store
    accounts: dict[str, Account] = field(default_factory=dict)

    @classmethod
    def create(cls, folder: Path, *, accounts: bool = True) -> Ward:
        """Open a store in ``folder`` with one account per role (or none)."""
        folder.mkdir(parents=True, exist_ok=True)
        settings_path = folder / "settings.toml"
        settings_path.write_text(
            f'[store]\ndata_dir = "{(folder / "data").as_posix()}"\n', encoding="utf-8"
        )
        store = open_store(Settings.from_file(settings_path))
        ward = cls(folder, settings_path, store)
        for n, role in enumerate(ROLES if accounts else (), start=1):
            team_id = None
            if role == "patrol_leader":
                from geodata.area import DEFAULT_AREA_NAME

                commander = auth.login(
                    store,
                    USERNAMES["commander"],
                    ward.accounts["commander"].password,
                    totp_code=ward.code("commander"),
                ).principal
                team_id = roster.add_team(store, commander, area=DEFAULT_AREA_NAME, name="T1")
            ward.add(USERNAMES[role], PASSWORD.format(n=n), role=role, team_id=team_id)
        return ward

    def add(self, username: str, password: str, *, role: str, team_id: int | None = None) -> None:
        """Create an account and remember its password and secret."""
        made = auth.create_user(
            self.store, username, password, role=role, team_id=team_id,
            display_name=f"Cán bộ {username}", actor="test-setup",
        )  # fmt: skip
        self.accounts[role] = Account(username, password, made.totp_secret)

    def code(self, role: str) -> str:
        """Return a TOTP code of the role's account not used before (a code is accepted once)."""
        account = self.accounts[role]
        assert account.secret is not None
        totp = pyotp.TOTP(account.secret)
        now = datetime.now(UTC)
        for ahead in (0, 1):  # the store accepts one step of clock drift
            at = now + timedelta(seconds=ahead * totp.interval)
            if totp.timecode(at) > account.last_step:
                account.last_step = totp.timecode(at)
                return totp.at(at)
        # Both codes of this moment were used: give the account a new secret (audited).
        account.secret, _ = auth.reset_totp(self.store, account.username, actor="test-setup")
        account.last_step = -1
        return self.code(role)

    def app(self) -> AppTest:
        """Return the app on this ward's store, run once (the login form)."""
        at = AppTest.from_file(APP, default_timeout=180)
        previous = os.environ.get("PATROL_SETTINGS")
        os.environ["PATROL_SETTINGS"] = str(self.settings_path)
        try:
            at.run()  # the session reads its settings on the first run
        finally:
            if previous is None:
                os.environ.pop("PATROL_SETTINGS", None)
            else:
                os.environ["PATROL_SETTINGS"] = previous
        assert not at.exception, [e.value for e in at.exception]
        return at

    def login(self, at: AppTest, username: str, password: str, code: str = "") -> AppTest:
        """Fill the login form and submit it."""
        at.text_input(key="login_username").input(username)
        at.text_input(key="login_password").input(password)
        at.text_input(key="login_totp").input(code)
        at.button[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    def __call__(self, role: str, page: str | None = None) -> AppTest:
        account = self.accounts[role]
        at = self.app()
        code = self.code(role) if account.secret else ""
        self.login(at, account.username, account.password, code)
        shown = [w.key for w in at.text_input if w.key == "login_username"]
        assert not shown, ("the login form is still shown", [e.value for e in at.error])
        if page is not None:
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, [e.value for e in at.exception]
        return at


@pytest.fixture(scope="session")
def ward_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Ward]]:
    """Make fresh wards (for fixtures of a wider scope than one test)."""
    made: list[Ward] = []

    def make() -> Ward:
        ward = Ward.create(tmp_path_factory.mktemp("ward"))
        made.append(ward)
        return ward

    yield make
    for ward in made:
        ward.store.close()


@pytest.fixture
def ward(ward_factory: Callable[[], Ward]) -> Ward:
    """Give this test a fresh ward: a store with one account per role."""
    return ward_factory()


@pytest.fixture
def empty_ward(tmp_path: Path) -> Iterator[Ward]:
    """Give this test a store with no account at all (a first start)."""
    ward = Ward.create(tmp_path / "empty", accounts=False)
    yield ward
    ward.store.close()


@pytest.fixture
def app_as(ward: Ward) -> Callable[..., AppTest]:
    """Give ``app_as(role, page=None)``: the app logged in through its login form.

    The app runs on a fresh store with one account per role (commander, patrol_leader of T1,
    analyst, administrator) and switches to ``page``. ``app_as`` is the test's ``ward`` fixture
    (its ``store`` and ``accounts``).
    """
    return ward
