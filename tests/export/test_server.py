"""The download server: only signed requests, only the named team, never a public folder."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from patrol.export import ExportServer, PlanExport, link_for, make_server, publish, sign
from patrolbase.errors import SettingsError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

SECRET = b"ward-secret-for-tests-0123456789"
DURING_SHIFT = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 03:00 ward time, shift ends 05:00


@pytest.fixture(scope="module")
def published(plan: PlanExport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("private") / "exports"
    publish(plan, root, formats=("gpx", "pdf", "html"))
    return root


@pytest.fixture
def server(published: Path) -> Iterator[ExportServer]:
    srv = make_server(published, SECRET, host="127.0.0.1", port=0, clock=lambda: DURING_SHIFT)
    srv.start_background()
    yield srv
    srv.shutdown()
    srv.server_close()


def _base(server: ExportServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_team_link_serves_that_team_only(
    plan: PlanExport, server: ExportServer, published: Path
) -> None:
    base = _base(server)
    for team in plan.teams:
        status, body, headers = _get(link_for(plan, team, base_url=base, secret=SECRET, fmt="gpx"))
        assert status == 200 and headers["Content-Type"] == "application/gpx+xml"
        expected = published.glob(f"*/v3/{team.lower()}/*.gpx")
        assert body == next(expected).read_bytes()
        assert f"<name>{team} 01.".encode() in body
        assert headers["Cache-Control"] == "no-store"
    # The team page lists exactly the published formats of that team.
    status, page, _ = _get(link_for(plan, "T1", base_url=base, secret=SECRET))
    assert status == 200 and b"t1.gpx" in page and b"t1.pdf" in page and b"t2" not in page
    status, pdf, headers = _get(link_for(plan, "T2", base_url=base, secret=SECRET, fmt="pdf"))
    assert (
        status == 200 and pdf.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    )
    # Published but not for this format: not found (no fallback to another file).
    status, _, _ = _get(link_for(plan, "T1", base_url=base, secret=SECRET, fmt="kml"))
    assert status == 404


def test_refusals_are_403_and_logged(
    plan: PlanExport, server: ExportServer, caplog: pytest.LogCaptureFixture
) -> None:
    base = _base(server)
    good = link_for(plan, "T1", base_url=base, secret=SECRET, fmt="gpx")
    token = good.split("/")[-2]
    t2 = link_for(plan, "T2", base_url=base, secret=SECRET).split("/")[-1]
    # A T1 token with T2's signature, a flipped character, a token of another secret, an
    # expired token, and no token at all.
    forged = ".".join(token.split(".")[:2] + t2.split(".")[2:])
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    other = sign(plan.plan_id, 3, "T1", plan.expires_at, b"another-ward-secret-0123456789ab")
    expired = sign(plan.plan_id, 3, "T1", DURING_SHIFT - timedelta(minutes=1), SECRET)
    with caplog.at_level(logging.WARNING, logger="patrol.export.server"):
        for bad in (forged, flipped, other, expired, "nothing"):
            status, body, _ = _get(f"{base}/r/{bad}/gpx")
            assert status == 403 and b"gpx" not in body
    refusals = [r for r in caplog.records if r.getMessage().startswith("refused")]
    assert len(refusals) == 5
    assert any("expired" in r.getMessage() for r in refusals)
    assert any("signature" in r.getMessage() for r in refusals)


def test_paths_outside_the_signed_folder_unreachable(
    plan: PlanExport, server: ExportServer
) -> None:
    base = _base(server)
    token = link_for(plan, "T1", base_url=base, secret=SECRET).split("/")[-1]
    for path in (
        f"/r/{token}/../../t2/gpx",
        f"/r/{token}/gpx/../../x",
        "/",
        "/static/x.gpx",
        f"/{plan.plan_id}/v3/t2/",
        f"/r/{token}/%2e%2e",
    ):
        status, body, _ = _get(base + path)
        assert status in (403, 404) and not body.startswith(b"<?xml")


def test_never_publish_under_a_static_folder(plan: PlanExport, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="static"):
        publish(plan, tmp_path / "dashboard" / "static" / "exports")
    with pytest.raises(SettingsError, match="static"):
        make_server(tmp_path / "static", SECRET, port=0)
    assert not (tmp_path / "dashboard").exists()


def test_repository_static_folders_hold_no_export() -> None:
    repo = Path(__file__).resolve().parents[2]
    suffixes = {".gpx", ".kml", ".geojson", ".pdf"}
    for static in (repo / "dashboard" / "static", repo / "static"):
        if static.is_dir():
            assert not [p for p in static.rglob("*") if p.suffix in suffixes]


def test_tokens_never_reach_the_log(
    plan: PlanExport, server: ExportServer, caplog: pytest.LogCaptureFixture
) -> None:
    base = _base(server)
    good = link_for(plan, "T1", base_url=base, secret=SECRET, fmt="gpx")
    token = good.split("/")[-2]
    expired = sign(plan.plan_id, 3, "T1", DURING_SHIFT - timedelta(minutes=1), SECRET)
    with caplog.at_level(logging.DEBUG, logger="patrol.export.server"):
        assert _get(good)[0] == 200
        assert _get(f"{base}/r/{expired}/gpx")[0] == 403
        assert _get(f"{base}/r/{token}")[0] == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/r/#" in logged and "refused" in logged  # the requests are logged, by tag
    for secret_part in (token, expired, token[:12], expired[:12]):
        assert secret_part not in logged


def test_idle_connections_cost_a_bounded_number_of_threads(
    plan: PlanExport, published: Path
) -> None:
    """Hold hundreds of silent connections: the pool stays its size, more get 503 at once.

    The silent ones are closed by the server (timeout); once the attack stops, a real link is
    served again.
    """
    import socket
    import threading
    import time

    # The silent ones must still hold the pool when the extra one comes: opening 300
    # connections took over a second on a loaded CI machine, so the timeout leaves room.
    srv = make_server(
        published, SECRET, host="127.0.0.1", port=0, clock=lambda: DURING_SHIFT, workers=4,
        timeout_s=6.0,
    )  # fmt: skip
    srv.start_background()
    before = threading.active_count()
    idle: list[socket.socket] = []
    try:
        for _ in range(300):
            idle.append(socket.create_connection(("127.0.0.1", srv.server_address[1]), timeout=20))
        # one more: refused at once with 503, not queued behind the silent ones
        extra = socket.create_connection(("127.0.0.1", srv.server_address[1]), timeout=5)
        answer = extra.recv(200)
        extra.close()
        assert answer.startswith(b"HTTP/1.0 503")
        assert threading.active_count() <= before + 4  # the pool's threads, no more
        # the silent connections are closed by the server (each read ends with b"")
        for conn in idle[:8]:
            assert conn.recv(10) == b""
        for conn in idle:  # the attack stops
            conn.close()
        link = link_for(plan, "T1", base_url=_base(srv), secret=SECRET, fmt="gpx")
        status = 0
        for _ in range(300):  # slots free as the last silent connections time out
            status = _get(link)[0]
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200
    finally:
        for conn in idle:
            conn.close()
        srv.shutdown()
        srv.server_close()
