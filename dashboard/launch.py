"""Start Streamlit for the dashboard with its unauthenticated metrics endpoint closed.

``streamlit run`` serves ``/_stcore/metrics`` to anyone who can reach the port, logged in or not
(sessions, memory, per-page counters). The product needs none of it, and Streamlit has no setting
to turn it off, so this launcher removes the route before the server is built and then runs the
ordinary ``streamlit`` command line: ``python -m dashboard.launch run dashboard/app.py ...``
(``scripts/start.sh`` does). If a Streamlit version changes where the route is made, the launcher
refuses to start rather than serve the endpoint.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["close_metrics", "main"]


def close_metrics() -> None:
    """Make Streamlit build its server without the ``/_stcore/metrics`` route."""
    try:
        from streamlit.web.server.starlette import starlette_app
    except ImportError as exc:  # an older Streamlit (Tornado server): not the one we ship with
        msg = f"cannot close Streamlit's metrics endpoint in this version ({exc}); not starting"
        raise SystemExit(msg) from None
    if not hasattr(starlette_app, "create_metrics_routes"):
        msg = "cannot close Streamlit's metrics endpoint in this version; not starting"
        raise SystemExit(msg)

    def no_metrics(runtime: Any, base_url: str | None) -> list[Any]:
        return []

    starlette_app.create_metrics_routes = no_metrics  # type: ignore[assignment]


def main() -> None:
    """Run the ``streamlit`` command line (arguments as given) with the metrics route closed."""
    close_metrics()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    if any(arg.replace("\\", "/").endswith("dashboard/app.py") for arg in sys.argv):
        from dashboard import warmup

        warmup.warm()  # the area and the kernels, before the port opens
    cli.main()


if __name__ == "__main__":
    main()
