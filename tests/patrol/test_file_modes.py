"""Every file the product writes is its owner's alone: files 0600, the folders it makes 0700.

The writers set the modes themselves, so the test runs them under the permissive umask 0o022 a
service might have (the ``patrol`` command and ``scripts/start.sh`` also set 0o077 for whatever a
library writes on its own).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from patrol.store import auth
from patrol.store.audit import Action, export_audit_csv, log_event
from patrol.store.backup import backup, restore
from patrol.store.db import open_store
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

HERE = Path(__file__).parent
SAMPLE_PLAN = HERE.parent / "export" / "data" / "sample-plan.json"
PASSWORD = "mật khẩu dài của quản trị viên"


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if not p.is_symlink()
    }


def test_every_written_file_is_for_the_owner_only(loose_umask: None, tmp_path: Path) -> None:
    from geodata.area import load_area
    from geodata.incidents import generate_demo_incidents
    from geodata.review import monthly_review
    from patrol.export import publish, read_plan, write_exports
    from patrol.export.links import load_secret
    from patrol.report import write_html, write_pdf, write_tables

    root = tmp_path / "product"
    root.mkdir(mode=0o700)
    # the store: data folder, database (and its WAL), key folder and file, anchor
    store = open_store(Settings().replace(store={"data_dir": str(root / "data")}))
    auth.create_user(store, "quantri", PASSWORD, role="administrator")
    log_event(store, username="quantri", action=Action.EXPORT, target="plan:1")
    # audit CSV, plain and encrypted backups, a restore (and its pre-restore copy)
    export_audit_csv(store, root / "audit.csv")
    plain = backup(store, root / "backups" / "plain.sqlite3")
    backup(store, root / "backups" / "sealed.bak", passphrase="một cụm mật khẩu sao lưu")
    restore(store, plain.path)
    store.close()
    # route exports: every format into a new folder, a zip, the link server's files and secret
    plan = read_plan(SAMPLE_PLAN)
    write_exports(plan, root / "routes")
    write_exports(plan, root / "routes-zip" / "all.zip")
    secret = load_secret(root / "server" / "secret.key")
    publish(plan, root / "published", secret=secret, base_url="http://127.0.0.1:8765")
    # the monthly report: PDF, HTML, tables
    area = load_area()
    incidents = generate_demo_incidents(
        area.facilities, area.bbox, start="2026-09-01", end="2026-10-31", seed=4, per_month=30
    )
    review = monthly_review(
        incidents, month="2026-10", bbox=area.bbox, facilities=area.facilities,
        area_name=area.name, crs=area.crs, today=date(2026, 11, 23),
    )  # fmt: skip
    write_pdf(review, root / "reports" / "review.pdf")
    write_html(review, root / "reports" / "review.html")
    write_tables(review, root / "reports" / "tables")

    modes = _modes(root)
    expected = {
        "data/patrol.sqlite3",
        "data/keys/store.key",
        "data/audit-anchor.jsonl",
        "audit.csv",
        "backups/plain.sqlite3",
        "backups/sealed.bak",
        "routes-zip/all.zip",
        "server/secret.key",
        "reports/review.pdf",
        "reports/review.html",
        "reports/tables/review-2026-10.xlsx",
    }
    assert expected <= set(modes), sorted(expected - set(modes))
    assert any(name.startswith("data/pre-restore-") for name in modes)
    assert any(name.startswith("routes/") and name.endswith(".gpx") for name in modes)
    assert any(name.startswith("published/") and name.endswith(".pdf") for name in modes)
    assert any(name.startswith("reports/tables/") and name.endswith(".csv") for name in modes)
    loose = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert loose == {}
