"""How long a second user's page waits while a large incident upload runs.

A 400,000-row incident CSV (about 45 MB) is uploaded through ``repo.upload_incident_file`` in a
separate process; meanwhile this process plays another logged-in user's page runs, each one
``auth.authenticate`` (the session check of every page) plus ``plans.list_plans``,
``audit.list_audit`` and ``repo.load_facilities`` (reads of the store), and prints how long they
took: median and maximum while the upload ran, and the upload's own time. Reads run in deferred
transactions (``Store.read``) and the session is marked active only when the store is free, so
in WAL mode a page does not wait for the upload's write lock. Writes of other users (a login, a
saved plan) still wait for it: the upload is one transaction (all rows or none).

Usage: ``python bench/bench_busy_store.py [--rows 400000] [--journal auto|wal|delete]``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

from geodata.io import write_incidents
from patrol.store import auth, plans, repo, wards
from patrol.store.audit import list_audit
from patrol.store.db import open_store, sqlite_journal_mode
from patrolbase.settings import Settings

PASSWORD = "một đêm dài ở Cát Linh"
AREA = "Văn Miếu - Quốc Tử Giám"


def _upload(settings_json: str, path: str, done: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    settings = Settings.model_validate_json(settings_json)
    store = open_store(settings)
    analyst = auth.login(store, "phantich", PASSWORD).principal
    started = time.perf_counter()
    repo.upload_incident_file(store, analyst, Path(path), area=AREA)
    done.put(time.perf_counter() - started)
    store.close()


def main() -> None:
    """Run the benchmark and print its figures."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_store import synthetic_incidents

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--journal", choices=["auto", "wal", "delete"], default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().replace(
            store={"data_dir": tmp, "sqlite_journal": args.journal, "max_upload_mb": 512}
        )
        store = open_store(settings)
        auth.create_user(store, "phantich", PASSWORD, role="analyst")
        auth.create_user(store, "an", PASSWORD, role="analyst", with_totp=False)
        chief = auth.create_user(store, "chihuy", PASSWORD, role="commander").principal
        wards.ensure_area(store, AREA)
        csv = write_incidents(
            synthetic_incidents(args.rows, seed=5, prefix="VV"), Path(tmp) / "vu-viec.csv"
        )
        size_mb = csv.stat().st_size / 2**20
        token = auth.login(store, "an", PASSWORD).token
        done: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
        proc = multiprocessing.get_context("spawn").Process(
            target=_upload, args=(settings.model_dump_json(), str(csv), done)
        )
        proc.start()
        waits: list[float] = []
        while proc.is_alive():
            started = time.perf_counter()
            user = auth.authenticate(store, token)
            plans.list_plans(store, chief)
            list_audit(store, limit=50)
            repo.load_facilities(store, user, area=AREA)
            waits.append(time.perf_counter() - started)
            time.sleep(0.2)
        proc.join()
        upload_s = done.get(timeout=5) if not done.empty() else float("nan")
        store.close()
    print(
        f"journal: {sqlite_journal_mode(settings)}; upload of {args.rows:,} rows ({size_mb:.1f} MB)"
    )
    print(f"upload time: {upload_s:.1f} s")
    if waits:
        print(
            f"second user's page runs during the upload: {len(waits)}, median "
            f"{statistics.median(waits) * 1000:.0f} ms, max {max(waits) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
