"""Signed download links, their QR codes, and links to phone map apps.

A link names one plan version and one team and expires at the end of the shift. Its token is
``v1.<payload>.<signature>``: the payload is compact JSON (plan id, version, team, expiry as a
Unix time) in base64url, the signature HMAC-SHA256 over ``v1.<payload>`` with a secret kept on
the ward's server. The signature is checked in constant time before anything of the payload is
believed, so a token cannot be guessed or edited into another team's. A QR code holds a link to
the file, never the route itself (a QR code holds about 3 KB at most).

Map apps: Google Maps direction links take only a few waypoints, so the loop is split into legs
that share their ends; OsmAnd and Organic Maps links take a start and a finish only, so they get
one link per hop from stop to stop.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlencode

import segno

from patrol.export._common import PlanExport, TeamRoute
from patrol.files import private_folder
from patrolbase.errors import AccessDeniedError

__all__ = [
    "LinkClaims",
    "MapLinks",
    "link_for",
    "load_secret",
    "map_app_links",
    "qr_png",
    "qr_svg",
    "sign",
    "verify",
]

_PREFIX = "v1"
_MIN_SECRET_BYTES = 16


@dataclass(frozen=True)
class LinkClaims:
    """What a valid token grants: one team's exports of one plan version, until ``expires_at``."""

    plan_id: str
    version: int
    team: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: bytes | str) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if len(key) < _MIN_SECRET_BYTES:
        msg = f"link secret is {len(key)} bytes; use at least {_MIN_SECRET_BYTES} random bytes"
        raise AccessDeniedError(msg)
    return key


def _mac(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest())


def sign(plan_id: str, version: int, team: str, expires_at: datetime, secret: bytes | str) -> str:
    """Make a token for one team's exports of one plan version, valid until ``expires_at``.

    Parameters
    ----------
    plan_id, version, team
        What the token names; nothing else can be fetched with it.
    expires_at
        Timezone-aware end of validity (the shift end: ``PlanExport.expires_at``).
    secret
        The server-side secret (at least 16 bytes; ``load_secret`` makes one).

    Returns
    -------
    str
        ``v1.<payload>.<signature>``, URL-safe.

    """
    if expires_at.tzinfo is None:
        msg = "expires_at must carry its time zone (use PlanExport.expires_at)"
        raise AccessDeniedError(msg)
    payload = {"p": plan_id, "v": int(version), "t": team, "e": int(expires_at.timestamp())}
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    signed = f"{_PREFIX}.{body}"
    return f"{signed}.{_mac(_key(secret), signed)}"


def verify(token: str, secret: bytes | str, *, now: datetime | None = None) -> LinkClaims:
    """Check a token's signature (constant time) and expiry; return what it grants.

    Raises
    ------
    AccessDeniedError
        Malformed, tampered (signature mismatch) or expired token. The message says which,
        never what a valid token would be.

    """
    key = _key(secret)
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != _PREFIX:
        msg = "link token is malformed"
        raise AccessDeniedError(msg)
    expected = _mac(key, f"{parts[0]}.{parts[1]}")
    if not hmac.compare_digest(expected.encode("ascii"), parts[2].encode("ascii", "replace")):
        msg = "link token signature does not match: the link was altered or made elsewhere"
        raise AccessDeniedError(msg)
    try:
        payload = json.loads(_unb64(parts[1]))
        claims = LinkClaims(
            plan_id=str(payload["p"]),
            version=int(payload["v"]),
            team=str(payload["t"]),
            expires_at=datetime.fromtimestamp(int(payload["e"]), tz=UTC),
        )
    except (ValueError, KeyError, TypeError) as exc:
        msg = f"link token payload is unreadable ({type(exc).__name__})"
        raise AccessDeniedError(msg) from None
    current = now or datetime.now(UTC)
    if current >= claims.expires_at:
        msg = f"link expired at {claims.expires_at:%Y-%m-%d %H:%M} UTC (end of the shift)"
        err = AccessDeniedError(msg)
        err.message_vi = "Đường dẫn đã hết hạn (hết ca trực)"
        raise err
    return claims


def link_for(
    plan: PlanExport,
    team: str,
    *,
    base_url: str,
    secret: bytes | str,
    fmt: str | None = None,
) -> str:
    """Return the signed download link of ``team``'s exports, expiring at the shift end.

    ``base_url`` is the ward-network address of the download server (``http://10.0.0.5:8765``);
    ``fmt`` (``gpx``, ``pdf``...) links one file, ``None`` the team's page listing them all.
    """
    plan.route(team)  # unknown team: PlanFileError naming the plan's teams
    token = sign(plan.plan_id, plan.version, team, plan.expires_at, secret)
    url = f"{base_url.rstrip('/')}/r/{token}"
    return f"{url}/{fmt}" if fmt else url


def load_secret(path: str | Path) -> bytes:
    """Return the server secret kept in ``path``; create it (32 random bytes, owner-only)."""
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        return _key(data)
    if not path.parent.exists():
        private_folder(path.parent)
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return data


def qr_png(url: str, *, scale: int = 6) -> bytes:
    """PNG of a QR code holding ``url`` (error correction M, quiet zone kept)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, *, scale: int = 4) -> str:
    """SVG text of a QR code holding ``url``, for pages that inline it."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode("utf-8")


@dataclass(frozen=True)
class MapLinks:
    """Links that open the loop in phone map apps, in driving order."""

    google: tuple[str, ...]
    """Google Maps directions, one per leg of at most ``max_waypoints`` stops between its ends."""
    osmand: tuple[str, ...]
    """OsmAnd navigation, one per hop (start and finish only)."""
    organic: tuple[str, ...]
    """Organic Maps routes (``om://route``), one per hop (start and finish only)."""
    geo: tuple[str, ...] = ()
    """``geo:`` URIs of each hop's end (RFC 5870): the phone's own map app opens them offline."""


def map_app_links(route: TeamRoute, *, max_waypoints: int = 3) -> MapLinks:
    """Links to Google Maps, OsmAnd and Organic Maps along ``route``'s stops and back.

    Parameters
    ----------
    route
        A team's route; its depot opens and closes the loop.
    max_waypoints
        Waypoints per Google Maps link between origin and destination (its phone apps honour
        only a few).

    """
    places = [(route.depot.lat, route.depot.lon, route.depot.name)]
    places += [(s.lat, s.lon, s.title()) for s in route.stops]
    places.append(places[0])
    google = []
    step = max_waypoints + 1
    for first in range(0, len(places) - 1, step):
        leg = places[first : first + step + 1]
        query = {
            "api": "1",
            "origin": f"{leg[0][0]:.6f},{leg[0][1]:.6f}",
            "destination": f"{leg[-1][0]:.6f},{leg[-1][1]:.6f}",
            "travelmode": "two-wheeler" if route.vehicle == "motorbike" else "driving",
        }
        if len(leg) > 2:
            query["waypoints"] = "|".join(f"{lat:.6f},{lon:.6f}" for lat, lon, _ in leg[1:-1])
        google.append("https://www.google.com/maps/dir/?" + urlencode(query, safe=",|"))
    osmand, organic, geo = [], [], []
    profile = {"foot": "pedestrian", "car": "car"}.get(route.vehicle, "car")
    om_type = "pedestrian" if route.vehicle == "foot" else "vehicle"
    for (lat1, lon1, name1), (lat2, lon2, name2) in pairwise(places):
        osmand.append(
            f"https://osmand.net/map/?start={lat1:.6f},{lon1:.6f}&finish={lat2:.6f},{lon2:.6f}"
            f"&profile={profile}"
        )
        organic.append(
            f"om://route?sll={lat1:.6f},{lon1:.6f}&saddr={quote(name1)}"
            f"&dll={lat2:.6f},{lon2:.6f}&daddr={quote(name2)}&type={om_type}"
        )
        geo.append(f"geo:{lat2:.6f},{lon2:.6f}?q={lat2:.6f},{lon2:.6f}({quote(name2)})")
    return MapLinks(tuple(google), tuple(osmand), tuple(organic), tuple(geo))
