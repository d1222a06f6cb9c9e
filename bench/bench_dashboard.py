"""Benchmark the dashboard in a real browser (Debian's Chromium through Playwright), offline.

Figures on the default area (Văn Miếu - Cát Linh), each from navigation or click to the moment
the page has drawn what it must show:

- cold and warm: the login page, the map after logging in (a commander, password and
  authenticator code: from the press of "Đăng nhập" until the sites are drawn; target < 3 s
  warm) and the month's hotspot review (menu until its map is drawn), for the first session
  after the server starts and for later ones, with the ratio of the first to the later ones
  (target <= 2);
- the map page against a bare one: a two-page Streamlit app drawing one folium map of the area
  with 50 markers (``bench/bare_map/app.py``, same Streamlit, streamlit-folium and Leaflet),
  from another page of the menu until the sites or markers are drawn, in turn, after one
  untimed turn and half a second on the other page before each click (target <= 1.3);
- planned shift: on "Lập kế hoạch ca" press Solve, wait for the loops on the map (target < 8 s;
  the solver's own time limit, ``--time-limit``, is part of it);
- map with 50,000 incidents: upload a 50,000-row incident log on "Dữ liệu" (validated and
  stored in the ward's database, timed apart), then open "Bản đồ" and wait for the sites and the
  incident cells (target < 5 s).

Each session logs in with its own commander account of a fresh store in a temporary folder (an
authenticator code is accepted once).

Run::

    .venv/bin/python bench/bench_dashboard.py                 # 3 repeats, 3 s solver limit
    .venv/bin/python bench/bench_dashboard.py --repeats 1 --incidents 20000
    .venv/bin/python bench/bench_dashboard.py --only map --repeats 7   # map page / bare map

The machine is shared: medians of the repeats are printed beside the targets, all in one run.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from dashboard import serve

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TYPES = ("Trộm cắp tài sản", "Cướp giật tài sản", "Cướp tài sản", "Trộm cắp tài sản (đột nhập)")


def write_incidents(path: Path, n: int, bbox: tuple[float, float, float, float]) -> None:
    """Write a ward incident log of ``n`` rows over the last 12 months, around 300 spots."""
    rng = np.random.default_rng(11)
    west, south, east, north = bbox
    spots = np.column_stack([rng.uniform(south, north, 300), rng.uniform(west, east, 300)])
    picks = spots[rng.integers(0, len(spots), n)] + rng.normal(0, 0.0006, (n, 2))
    lat = np.clip(picks[:, 0], south, north)
    lon = np.clip(picks[:, 1], west, east)
    first = datetime.now().replace(second=0, microsecond=0) - timedelta(days=365)
    minutes = rng.integers(0, 364 * 24 * 60, n)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Mã vụ việc", "Thời gian", "Loại vụ việc", "Vĩ độ", "Kinh độ"])
        for i in range(n):
            when = first + timedelta(minutes=int(minutes[i]))
            writer.writerow([f"B-{i + 1}", f"{when:%d/%m/%Y %H:%M}", TYPES[i % len(TYPES)],
                             f"{lat[i]:.6f}", f"{lon[i]:.6f}"])  # fmt: skip


REVIEW = "Rà soát điểm nóng"
SETTLE_S = 0.5
"""Pause before a timed click on the map page or the bare map: the page left behind finishes
its run (and the server its collection) first, so neither figure carries the other page."""


def bare_script(tmp: Path) -> str:
    """Copy the bare map app into ``tmp`` with the dashboard's static assets linked beside it."""
    folder = tmp / "bare_map"
    folder.mkdir(exist_ok=True)
    script = folder / "app.py"
    script.write_text((Path(__file__).parent / "bare_map" / "app.py").read_text("utf-8"), "utf-8")
    static = folder / "static"
    if not static.exists():
        static.symlink_to(serve.ROOT / "dashboard" / "static", target_is_directory=True)
    return str(script)


def menu(page: Any, title: str) -> Callable[[], None]:
    """Return the click on the menu entry ``title``."""
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click


def timed(action: Callable[[], Any], wait: Callable[[], Any]) -> float:
    """Seconds from ``action`` until ``wait`` returns."""
    began = time.perf_counter()
    action()
    wait()
    return time.perf_counter() - began


def accounts(settings: Path, n: int) -> list[tuple[str, str, str]]:
    """Create ``n`` commander accounts in the store of ``settings``: (name, password, secret)."""
    from patrol.store import auth
    from patrol.store.db import open_store
    from patrolbase.settings import Settings

    store = open_store(Settings.from_file(settings))
    made = []
    for i in range(n):
        name, password = f"chihuy{i + 1}", f"ca đêm tuần tra số {i + 1}"
        user = auth.create_user(store, name, password, role="commander", actor="bench")
        assert user.totp_secret is not None
        made.append((name, password, user.totp_secret))
    store.close()
    return made


def login(page: Any, url: str, account: tuple[str, str, str]) -> Callable[[], None]:
    """Open the login form and fill it; return the press of its button."""
    open_login(page, url)
    return fill_login(page, account)


def open_login(page: Any, url: str) -> None:
    """Open the dashboard until its login form is there."""
    page.goto(url)
    page.get_by_label("Tên đăng nhập").wait_for()


def fill_login(page: Any, account: tuple[str, str, str]) -> Callable[[], None]:
    """Fill the open login form; return the press of its button."""
    import pyotp

    name, password, secret = account
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_label("Mã xác thực", exact=False).fill(pyotp.TOTP(secret).now())
    return page.get_by_role("button", name="Đăng nhập").click


def open_page(page: Any, title: str) -> None:
    """Go to a page through the sidebar menu (a reload would log the session out)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()


def row(name: str, seconds: list[float], target: float | None) -> str:
    """One line of figures: the median, the target and verdict if any, every repeat."""
    median = statistics.median(seconds)
    verdict = "" if target is None else ("ok" if median < target else "OVER")
    shown = "" if target is None else f"< {target:.0f} s"
    each = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{name:<44} {median:7.2f} s  {shown:>7}  {verdict:<4}  [{each}]"


def _print_map(ours: list[float], bare: list[float], repeats: int | None) -> None:
    """Print the map page against the bare map (with the run's heading when ``repeats``)."""
    if repeats is not None:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"default area, {repeats} repeats (median), {os.cpu_count()} cores, "
              f"load average {load} (a shared machine slows every figure)")  # fmt: skip
    print(row("map page (menu -> sites drawn)", ours, None))
    print(row("bare map page, 50 markers (menu -> drawn)", bare, None))
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"  map page / bare map: {ratio:.2f} (target <= 1.3)")


def main() -> None:
    """Run the three measurements and print them beside their targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=3.0, help="solver seconds")
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument(
        "--only", choices=["all", "map"], default="all",
        help="map: only the map page against the bare map (quick, for work on the map)",
    )  # fmt: skip
    args = parser.parse_args()
    only_map = args.only == "map"

    from playwright.sync_api import sync_playwright

    from geodata.area import load_area

    bbox = load_area().bbox
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp_name:
        tmp = Path(tmp_name)
        log_csv = tmp / f"incidents-{args.incidents}.csv"
        if not only_map:
            write_incidents(log_csv, args.incidents, bbox)
        settings = tmp / "settings.toml"
        settings.write_text(
            f"[routing]\ntime_limit_s = {args.time_limit}\n"
            f'[store]\ndata_dir = "{(tmp / "data").as_posix()}"\n',
            encoding="utf-8",
        )
        users = iter(accounts(settings, 2 * args.repeats + 2))
        env = {"PATROL_SETTINGS": str(settings)}
        with serve.running(env=env, log=tmp / "streamlit.log") as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

            def fresh() -> Any:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(240_000)
                return page

            def drawn(page: Any, selector: str) -> Callable[[], None]:
                locator = page.frame_locator(MAP_FRAME).first.locator(selector).first
                return lambda: locator.wait_for(state="attached")

            def review_drawn(page: Any) -> Callable[[], None]:
                box = page.locator(".st-key-map-review-box").frame_locator("iframe").first
                return lambda: box.locator("path").first.wait_for(state="attached")

            # The first session after the server starts (cold), then later ones (warm): the
            # login page, the map after logging in, the month's hotspot review.
            firsts, maps, reviews, plans = [], [], [], []
            for _ in range(0 if only_map else args.repeats + 1):
                page = fresh()
                firsts.append(timed(lambda: open_login(page, app.url), lambda: None))  # noqa: B023
                press = fill_login(page, next(users))
                maps.append(timed(press, drawn(page, "path.facility")))
                nav = page.get_by_test_id("stSidebarNav").get_by_role("link", name=REVIEW)
                reviews.append(timed(nav.click, review_drawn(page)))
                page.context.close()
            for _ in range(0 if only_map else args.repeats):
                page = fresh()
                login(page, app.url, next(users))()
                drawn(page, "path.facility")()
                open_page(page, "Lập kế hoạch ca")
                button = page.get_by_role("button", name="Lập kế hoạch", exact=True)
                button.wait_for()
                plans.append(timed(button.click, drawn(page, "path.route")))
                page.context.close()
            # The map page against a bare one (one folium map of the area, 50 markers), in turn:
            # from another page of the menu until the sites (the markers) are drawn.
            ours, bare = [], []
            page = fresh()
            login(page, app.url, next(users))()
            drawn(page, "path.facility")()
            with serve.running(env=env, log=tmp / "bare.log", script=bare_script(tmp)) as plain:
                other = fresh()
                other.goto(plain.url)
                other.get_by_role("heading", name="Trang đầu").wait_for()
                # One turn first, not timed: the bare app loads its area on its first map; then
                # each timed click waits for the page before it to settle (SETTLE_S).
                for turn in range(args.repeats + 1):
                    open_page(page, "Dữ liệu")
                    page.wait_for_timeout(SETTLE_S * 1000)
                    mine = timed(menu(page, "Bản đồ"), drawn(page, "path.facility"))
                    open_page(other, "Trang đầu")
                    other.wait_for_timeout(SETTLE_S * 1000)
                    markers = other.frame_locator(MAP_FRAME).first.locator("path").nth(49)
                    theirs = timed(menu(other, "Bản đồ"),
                                   lambda: markers.wait_for(state="attached"))  # noqa: B023  # fmt: skip
                    if turn:
                        ours.append(mine)
                        bare.append(theirs)
                other.context.close()
            big: list[float] = []
            if only_map:
                browser.close()
                _print_map(ours, bare, args.repeats)
                return
            open_page(page, "Dữ liệu")
            page.get_by_role("tab", name="Vụ việc").click()
            upload = page.locator('input[type="file"]').nth(1)
            count = f"{args.incidents:,}".replace(",", ".")
            accepted = page.get_by_text(f"Đã lưu {log_csv.name}: {count} dòng")
            validate = timed(lambda: upload.set_input_files(str(log_csv)), accepted.wait_for)
            nav = page.get_by_role("link", name="Bản đồ")
            for i in range(args.repeats):
                if i:
                    open_page(page, "Dữ liệu")
                big.append(timed(nav.click, drawn(page, "path.facility")))
                drawn(page, "path.incident-cell")()  # already there with the sites
            browser.close()

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"default area, {args.repeats} repeats (median), solver limit {args.time_limit:g} s, "
        f"{os.cpu_count()} cores, load average {load} (a shared machine slows every figure)"
    )
    for name, figures in (
        ("login page", firsts),
        ("map render after login", maps),
        ("hotspot review (menu -> map drawn)", reviews),
    ):
        print(row(f"{name}, first session", figures[:1], None))
        print(row(f"{name}, later sessions", figures[1:], None))
        warm = statistics.median(figures[1:])
        print(f"  first / later: {figures[0] / warm:.2f} (target <= 2)")
    _print_map(ours, bare, None)
    print(row("planned shift (Solve -> loops drawn)", plans, 8))
    print(row(f"validate + store {args.incidents:,} incidents (upload)", [validate], None))
    print(row(f"map page with {args.incidents:,} incidents, first visit", big[:1], 5))
    if len(big) > 1:
        print(row(f"map page with {args.incidents:,} incidents, again", big[1:], 5))


if __name__ == "__main__":
    main()
