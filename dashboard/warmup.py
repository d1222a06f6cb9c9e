"""What the first user after a server start would wait for, computed before the server listens.

``dashboard.launch`` runs it in the server's own process (Streamlit's resource caches and the
compiled kernels live there), before the port opens: the area the sessions will open
(``dashboard.state.deployment_area`` and ``deployment_settings``, as the sessions read them)
with its base-map layers and default inputs, through the caches the pages use (``dashboard.cache``),
and the compiled kernels of the route search and of the hotspot statistics (esda compiles part
of them in every process, several seconds the first hotspot review paid). Run in the
background, it raced the first session and slowed it; before listening, a server that answers
is a warm one.

What it loaded stays for the server's life: it is then moved out of the garbage collector's
sight (``gc.freeze``). Streamlit runs a full collection after every run of a page, and with
the area, its graph and the kernels in the heap that took 260 to 340 ms of every click on a
two-core machine, holding the interpreter while the browser waited for the map's files; the
collection now looks only at what the sessions made since (40 to 90 ms). Objects frozen are
never collected: should their cache entry be dropped (a fifth area or settings), its memory
stays taken, at most one area's worth.
"""

from __future__ import annotations

import gc
import logging
import sys
import time

__all__ = ["warm"]

_log = logging.getLogger(__name__)


def warm() -> None:
    """Compute the first session's area and load the kernels; a failure is logged, not raised."""
    began = time.monotonic()
    print("Đang chuẩn bị bản đồ và phần tính toán / warming up ...", file=sys.stderr)
    try:
        # Importing the caches before Streamlit's runtime exists makes its data-cache decorator
        # warn that it has no runtime; the caches are made at their first call, in the runtime.
        quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            from dashboard import cache
        finally:
            quiet.setLevel(level)
        from dashboard import state

        settings = state.deployment_settings()
        key = (state.deployment_area(), settings.network.default_mode,
               settings.model_dump_json())  # fmt: skip
        cache.area(*key)
        cache.base_layers(*key)
        cache.default_inputs(*key)

        from geodata.hotspots import warm_up_statistics
        from routing._kernel import warm_up

        warm_up()
        warm_up_statistics()
    except Exception:  # the pages compute it themselves; the log says why it failed here
        _log.exception("warming up at server start failed; the first pages will compute it")
        return
    gc.collect()
    gc.freeze()  # what was loaded lives as long as the server: no collection scans it again
    print(f"Đã sẵn sàng sau {time.monotonic() - began:.0f} giây / warm", file=sys.stderr)
