"""Start and stop the dashboard on a free local port, for browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Server", "free_port", "running", "start"]

ROOT = Path(__file__).resolve().parent.parent
"""The repository: ``streamlit run`` starts there so that ``.streamlit/config.toml`` applies."""


def free_port() -> int:
    """Return a TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running dashboard."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        """Stop the server (and wait for it)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    *,
    env: Mapping[str, str] | None = None,
    log: Path,
    timeout_s: float = 90.0,
    script: str = "dashboard/app.py",
) -> Server:
    """Start the dashboard (``dashboard.launch``) on a free localhost port; wait until healthy.

    Parameters
    ----------
    env
        Extra environment (``PATROL_SETTINGS``, ``PATROL_AREA``).
    log
        File that receives the server's output.
    timeout_s
        How long to wait for the server to answer.
    script
        The Streamlit script to serve (a benchmark's own page, say); the dashboard by default.

    Raises
    ------
    RuntimeError
        When the server does not answer in time (the log's end is in the message).

    """
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.launch", "run", script,
             "--server.port", str(port), "--server.address", "localhost",
             "--server.headless", "true"],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, f"http://localhost:{port}", log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    msg = f"the dashboard did not start: {log.read_text(errors='replace')[-2000:]}"
    raise RuntimeError(msg)


@contextmanager
def running(
    *, env: Mapping[str, str] | None = None, log: Path, script: str = "dashboard/app.py"
) -> Iterator[Server]:
    """``start`` as a context manager: the server is stopped on leaving."""
    server = start(env=env, log=log, script=script)
    try:
        yield server
    finally:
        server.stop()
