"""Signed links: one plan version, one team, until the shift ends; QR codes; map-app links."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from patrol.export import (
    PlanExport,
    link_for,
    load_secret,
    map_app_links,
    qr_png,
    qr_svg,
    sign,
    verify,
)
from patrolbase.errors import AccessDeniedError, PlanFileError

SECRET = b"ward-secret-for-tests-0123456789"
DURING_SHIFT = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 03:00 ward time


def test_round_trip_names_plan_version_team(plan: PlanExport) -> None:
    token = sign(plan.plan_id, plan.version, "T1", plan.expires_at, SECRET)
    claims = verify(token, SECRET, now=DURING_SHIFT)
    assert (claims.plan_id, claims.version, claims.team) == (plan.plan_id, 3, "T1")
    assert claims.expires_at == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 05:00 UTC+7


def test_expired_at_the_shift_end(plan: PlanExport) -> None:
    token = sign(plan.plan_id, plan.version, "T1", plan.expires_at, SECRET)
    verify(token, SECRET, now=plan.expires_at - timedelta(seconds=1))
    with pytest.raises(AccessDeniedError, match="expired"):
        verify(token, SECRET, now=plan.expires_at)


def _retarget(token: str, **changes: object) -> str:
    prefix, body, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return f"{prefix}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{mac}"


@pytest.mark.parametrize(
    "changes", [{"t": "T2"}, {"v": 4}, {"p": "another-plan"}, {"e": 2_000_000_000}]
)
def test_tampered_token_refused(plan: PlanExport, changes: dict[str, object]) -> None:
    token = sign(plan.plan_id, plan.version, "T1", plan.expires_at, SECRET)
    with pytest.raises(AccessDeniedError, match="signature"):
        verify(_retarget(token, **changes), SECRET, now=DURING_SHIFT)


def test_other_secret_and_garbage_refused(plan: PlanExport) -> None:
    token = sign(plan.plan_id, plan.version, "T1", plan.expires_at, SECRET)
    with pytest.raises(AccessDeniedError):
        verify(token, b"another-ward-secret-0123456789ab", now=DURING_SHIFT)
    for bad in ("", "v1.abc", "v2.a.b", token[:-2] + "xx", token + "x"):
        with pytest.raises(AccessDeniedError):
            verify(bad, SECRET, now=DURING_SHIFT)
    with pytest.raises(AccessDeniedError, match="at least 16"):
        sign("p", 1, "T1", plan.expires_at, b"short")


def test_link_for_a_team(plan: PlanExport) -> None:
    url = link_for(plan, "T2", base_url="http://10.0.0.5:8765/", secret=SECRET, fmt="gpx")
    assert url.startswith("http://10.0.0.5:8765/r/v1.") and url.endswith("/gpx")
    assert verify(url.split("/")[-2], SECRET, now=DURING_SHIFT).team == "T2"
    with pytest.raises(PlanFileError):
        link_for(plan, "T9", base_url="http://x", secret=SECRET)


def test_secret_file_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "link-secret"
    first = load_secret(path)
    assert len(first) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert load_secret(path) == first


def test_qr_codes(plan: PlanExport) -> None:
    url = link_for(plan, "T1", base_url="http://192.168.1.20:8765", secret=SECRET)
    png = qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "</svg>" in svg
    import segno

    # The code holds the whole link at error level M (a QR code holds ~3 KB at most).
    code = segno.make(url, error="m", micro=False)
    assert code.error == "M" and code.version <= 10


def test_map_app_links_cover_the_loop_in_order(plan: PlanExport) -> None:
    route = plan.route("T1")
    links = map_app_links(route, max_waypoints=3)
    places = [(route.depot.lat, route.depot.lon)] + [(s.lat, s.lon) for s in route.stops]
    places.append(places[0])
    visited: list[tuple[float, float]] = []
    for url in links.google:
        query = parse_qs(urlparse(url).query)
        waypoints = query.get("waypoints", [""])[0].split("|") if "waypoints" in query else []
        assert len(waypoints) <= 3
        leg = [query["origin"][0], *waypoints, query["destination"][0]]
        coords = [tuple(float(v) for v in p.split(",")) for p in leg]
        if visited:
            assert coords[0] == visited[-1]  # legs share their ends
            coords = coords[1:]
        visited.extend(coords)  # type: ignore[arg-type]
    assert visited == [(round(a, 6), round(b, 6)) for a, b in places]
    # OsmAnd and Organic Maps: a start and a finish per link, one hop each.
    assert len(links.osmand) == len(links.organic) == len(places) - 1
    first = parse_qs(urlparse(links.osmand[0]).query)
    assert first["start"] == [f"{places[0][0]:.6f},{places[0][1]:.6f}"]
    assert first["finish"] == [f"{places[1][0]:.6f},{places[1][1]:.6f}"]
    assert links.organic[0].startswith("om://route?sll=")
