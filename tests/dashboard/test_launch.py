"""The dashboard's server, started as ``scripts/start.sh`` starts it: no metrics for anyone."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from dashboard import serve


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = answer.read(4096).decode("utf-8", "replace")
            return int(answer.status), answer.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), ""


@pytest.mark.slow
def test_metrics_endpoint_is_closed(empty_ward: Any) -> None:
    env = {"PATROL_SETTINGS": str(empty_ward.settings_path)}
    with serve.running(env=env, log=empty_ward.folder / "streamlit.log") as app:
        assert _get(f"{app.url}/_stcore/health")[0] == 200
        for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state"):
            # Streamlit answers unknown paths with its page; what matters: no metrics in it
            _, kind, body = _get(app.url + path)
            assert "openmetrics" not in kind and "text/plain" not in kind, (path, kind)
            assert "# TYPE" not in body and "session" not in body.lower(), path
