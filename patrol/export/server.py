"""The ward-network download server: serves one team's exports to a signed link, nothing else.

Exports are published into a private folder (``<root>/<plan id>/v<version>/<team>/``), never
into Streamlit's ``static/`` folder, which is served to anyone, logged in or not. The server
(stdlib ``http.server``) answers only ``GET /r/<token>`` (a small page listing the team's files)
and ``GET /r/<token>/<format>``; the token is checked on every request (HMAC in constant time,
then expiry), the path is built from the verified claims alone, and every refusal is logged with
its reason and the client's address.

Connections are served by a fixed pool of ``workers`` threads; at most ``2 x workers``
connections are taken at once (the others are answered ``503`` and closed at once), and a
connection that sends nothing for ``timeout_s`` is closed: thousands of idle connections cost a
bounded number of threads and leave the server answering. A token is never written to the log:
request lines show ``/r/<token>`` as ``/r/#<first 8 hex of its SHA-256>``, enough to match a
refusal with the link that was handed out.
"""

from __future__ import annotations

import hashlib
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from patrol.export._common import Lang, PlanExport, slug, text, write_atomic
from patrol.export.links import LinkClaims, verify
from patrolbase.errors import AccessDeniedError, SettingsError

__all__ = [
    "CONTENT_TYPES",
    "ExportServer",
    "make_server",
    "publish",
    "team_folder",
]

log = logging.getLogger("patrol.export.server")

CONTENT_TYPES = {
    "gpx": "application/gpx+xml",
    "kml": "application/vnd.google-earth.kml+xml",
    "geojson": "application/geo+json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def team_folder(root: str | Path, plan_id: str, version: int, team: str) -> Path:
    """Private folder of one team's exports of one plan version."""
    return Path(root) / slug(plan_id) / f"v{int(version)}" / slug(team)


def _refuse_public(root: Path) -> None:
    if "static" in root.resolve().parts:
        msg = (
            f"exports folder {root} is under a 'static' folder, which a web app may serve to "
            "anyone; publish exports to a private folder outside the app"
        )
        raise SettingsError(msg)


def publish(
    plan: PlanExport,
    root: str | Path,
    *,
    formats: Iterable[str] = ("gpx", "kml", "geojson", "html", "pdf"),
    lang: Lang = "vi",
    hotline: str | None = None,
    base_url: str | None = None,
    secret: bytes | None = None,
) -> dict[str, Path]:
    """Write every team's exports into the private folder the server reads.

    With ``base_url`` and ``secret``, each team's PDF briefing carries the QR code of its signed
    link, so the printed page leads a phone to the same files.

    Returns
    -------
    dict
        Team id -> its folder. Each file is written atomically; a re-publish of the same
        version replaces the files in place.

    Raises
    ------
    SettingsError
        ``root`` lies under a ``static`` folder.

    """
    from patrol.export import export_files  # the package imports this module
    from patrol.export.links import link_for

    root = Path(root)
    _refuse_public(root)
    links = (
        {t: link_for(plan, t, base_url=base_url, secret=secret) for t in plan.teams}
        if base_url and secret
        else None
    )
    folders = {}
    for team in plan.teams:
        folder = team_folder(root, plan.plan_id, plan.version, team)
        for name, data in export_files(
            plan,
            team=team,
            formats=formats,
            lang=lang,
            hotline=hotline,
            combined=False,
            links=links,
        ).items():
            write_atomic(folder / name, data)
        folders[team] = folder
    return folders


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n"
)
_TOKEN_IN_PATH = re.compile(r"/r/([^/\s?]+)")


def token_tag(token: str) -> str:
    """Return what the log shows of a token: ``#`` and 8 hex of its SHA-256, never the token."""
    return "#" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:8]


def _redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(lambda m: f"/r/{token_tag(m[1])}", text)


class ExportServer(HTTPServer):
    """HTTP server over a private exports folder; every request needs a valid signed token.

    A fixed pool of ``workers`` threads serves the connections, at most ``2 x workers`` taken at
    once (more are refused with ``503``); ``timeout_s`` closes a connection that stays silent.
    """

    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        *,
        root: Path,
        secret: bytes,
        clock: Callable[[], datetime] | None = None,
        workers: int = 8,
        timeout_s: float = 10.0,
    ) -> None:
        _refuse_public(root)
        self.root = root.resolve()
        self.secret = secret
        self.clock = clock or (lambda: datetime.now(UTC))
        self.timeout_s = timeout_s
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="export-worker")
        self._slots = threading.BoundedSemaphore(2 * workers)
        super().__init__(address, _Handler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """Hand the connection to the pool, or refuse it at once when every slot is taken."""
        if not self._slots.acquire(blocking=False):
            log.warning("busy: refused a connection from %s (503)", client_address)
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        self._pool.submit(self._serve_one, request, client_address)

    def _serve_one(self, request: socket.socket, client_address: object) -> None:
        try:
            request.settimeout(self.timeout_s)
            self.finish_request(request, client_address)
        except Exception:  # as socketserver's own threads do: one connection, not the worker
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(self, request: object, client_address: object) -> None:
        """Log a failed connection in one line (no traceback of a client's hang-up)."""
        log.info("connection from %s ended with an error", client_address)

    def server_close(self) -> None:
        """Stop listening and let the pool's threads end."""
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def start_background(self) -> threading.Thread:
        """Serve from a daemon thread (tests, the dashboard); stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, name="export-server", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: ExportServer
    server_version = "patrol-exports"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        # The request line holds the token: the log gets its tag only.
        log.info("%s %s", self.client_address[0], _redact(format % args))

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) not in (2, 3) or parts[0] != "r":
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", body)
            return
        try:
            claims = verify(parts[1], self.server.secret, now=self.server.clock())
        except AccessDeniedError as exc:
            log.warning(
                "refused %s from %s: %s (token %s)",
                self.command,
                self.client_address[0],
                exc,
                token_tag(parts[1]),
            )
            self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8", body)
            return
        folder = team_folder(self.server.root, claims.plan_id, claims.version, claims.team)
        if len(parts) == 2:
            page = _index_page(folder, claims, f"/r/{parts[1]}")
            self._send(HTTPStatus.OK, page.encode("utf-8"), CONTENT_TYPES["html"], body)
            return
        fmt = parts[2]
        found = _file_of(folder, fmt) if fmt in CONTENT_TYPES else None
        if found is None or not found.resolve().is_relative_to(self.server.root):
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", body)
            return
        log.info(
            "served %s to %s (plan %s v%d team %s)",
            found.name,
            self.client_address[0],
            claims.plan_id,
            claims.version,
            claims.team,
        )
        disposition = "inline" if fmt in ("html", "pdf") else "attachment"
        self._send(
            HTTPStatus.OK,
            found.read_bytes(),
            CONTENT_TYPES[fmt],
            body,
            {"Content-Disposition": f'{disposition}; filename="{found.name}"'},
        )

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        content_type: str,
        body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _file_of(folder: Path, fmt: str) -> Path | None:
    if not folder.is_dir():
        return None
    matches = sorted(p for p in folder.iterdir() if p.suffix == f".{fmt}" and p.is_file())
    return matches[0] if matches else None


def _index_page(folder: Path, claims: LinkClaims, base: str, lang: Lang = "vi") -> str:
    items = "".join(
        f'<li><a href="{base}/{fmt}">{escape(found.name)}</a></li>'
        for fmt in CONTENT_TYPES
        if (found := _file_of(folder, fmt)) is not None
    )
    title = escape(
        f"{text('team', lang)} {claims.team} - {text('version', lang).lower()} {claims.version}"
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head><body><h1>{title}</h1><ul>{items}</ul></body></html>"
    )


def make_server(
    root: str | Path,
    secret: bytes,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    clock: Callable[[], datetime] | None = None,
    workers: int = 8,
    timeout_s: float = 10.0,
) -> ExportServer:
    """Make a download server over ``root``.

    ``port=0`` picks a free port (read ``server_address``); ``clock`` (UTC now by default) is
    what expiry is checked against; ``workers`` threads serve, a silent connection is closed
    after ``timeout_s``.
    """
    return ExportServer(
        (host, port), root=Path(root), secret=secret, clock=clock, workers=workers,
        timeout_s=timeout_s,
    )  # fmt: skip
