"""Junction-to-junction travel times through a customizable contraction hierarchy.

RoutingKit's customizable contraction hierarchy (CCH), through its Python bindings
``pyroutingkit``: the street graph is ordered once by nested dissection (inertial flow on the
junctions' coordinates) and customised with integer weights; a many-to-many table then runs one
upward search per source to a pinned set of targets. On Nha Trang (9,534 junctions) the order
takes about 0.2 s, a customisation a few milliseconds, and a 2,900 x 3,000 junction table about
0.2 s, where scipy's Dijkstra needs over 2 s for the same rows.

The hierarchy is kept per graph (``for_graph``) and re-customised, not rebuilt, when only the
weights change. Its query object is not safe to share between threads (the dashboard serves
sessions from threads), so every use holds the hierarchy's lock.

Weights are whole units of ``1 / scale`` seconds; ``scale`` is as fine as 32 bits allow for the
graph (the sum of all its weights, which bounds every path, stays below RoutingKit's
``INF_WEIGHT``), at most a microsecond. On Nha Trang a unit is about 0.23 ms and a time differs
from the floating-point Dijkstra's by a few milliseconds at most.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray

__all__ = ["StreetHierarchy", "hierarchy_available"]

_MAX_SCALE = 1e6  # units per second: never finer than a microsecond

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, StreetHierarchy] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def hierarchy_available() -> bool:
    """Return whether ``pyroutingkit`` can be imported on this machine."""
    try:
        import pyroutingkit  # noqa: F401
    except ImportError:
        return False
    return True


class StreetHierarchy:
    """A street graph's contraction hierarchy with its current weights.

    Parameters
    ----------
    tail, head
        ``(m,)`` the arcs, as junction numbers ``0 .. node_count - 1``.
    seconds
        ``(m,)`` travel time of each arc, non-negative.
    lat, lon
        ``(node_count,)`` the junctions' coordinates, for the nested-dissection order.

    """

    def __init__(
        self,
        tail: NDArray[np.int64],
        head: NDArray[np.int64],
        seconds: NDArray[np.float64],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
    ) -> None:
        import pyroutingkit

        self.tail = np.asarray(tail, dtype=np.int64)
        self.head = np.asarray(head, dtype=np.int64)
        self.node_count = len(lat)
        self.lock = threading.Lock()
        self._topology = pyroutingkit.CCHTopology()
        self._topology.build(
            self.tail.astype(np.uint32),
            self.head.astype(np.uint32),
            np.asarray(lat, dtype=np.float32),
            np.asarray(lon, dtype=np.float32),
            self.node_count,
        )
        self._metric = pyroutingkit.CCHMetric(self._topology)
        self._inf = int(pyroutingkit.INF_WEIGHT)
        self.seconds = np.empty(0)
        self.scale = 1.0
        self.customize(seconds)

    @classmethod
    def for_graph(
        cls,
        graph: nx.MultiDiGraph,
        tail: NDArray[np.int64],
        head: NDArray[np.int64],
        seconds: NDArray[np.float64],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
    ) -> StreetHierarchy:
        """Return the hierarchy of ``graph``, built on first use and kept while the graph lives.

        The same arcs with other weights re-customise the kept hierarchy (milliseconds); other
        arcs or junctions build a new one.
        """
        with _CACHE_LOCK:
            kept = _CACHE.get(graph)
            if (
                kept is None
                or kept.node_count != len(lat)
                or not np.array_equal(kept.tail, tail)
                or not np.array_equal(kept.head, head)
            ):
                kept = cls(tail, head, seconds, lat, lon)
                _CACHE[graph] = kept
            elif not np.array_equal(kept.seconds, seconds):
                with kept.lock:
                    kept.customize(seconds)
            return kept

    def customize(self, seconds: NDArray[np.float64]) -> None:
        """Set the arcs' travel times (seconds), as whole units of ``1 / scale`` s."""
        seconds = np.asarray(seconds, dtype=np.float64)
        if len(seconds) != len(self.tail) or not (np.isfinite(seconds) & (seconds >= 0)).all():
            msg = f"{len(self.tail)} finite, non-negative arc times needed, got {len(seconds)}"
            raise ValueError(msg)
        total = float(seconds.sum())
        self.scale = min(_MAX_SCALE, (self._inf - 1) / total) if total > 0 else _MAX_SCALE
        self._metric.customize(np.rint(seconds * self.scale).astype(np.uint32))
        self.seconds = seconds.copy()

    def table(
        self, sources: NDArray[np.int64], targets: NDArray[np.int64]
    ) -> tuple[NDArray[np.uint32], float]:
        """Travel times from each source junction to each target junction, in units.

        Returns
        -------
        units : numpy.ndarray
            ``(len(sources), len(targets))`` uint32 units of ``1 / scale`` seconds;
            ``unreachable`` where there is no path.
        scale : float
            Units per second of this table.

        """
        with self.lock:
            out: NDArray[np.uint32] = self._metric.distances_many_to_many(
                np.asarray(sources, dtype=np.uint32), np.asarray(targets, dtype=np.uint32)
            )
            return out, self.scale

    @property
    def unreachable(self) -> int:
        """The value ``table`` gives where there is no path."""
        return self._inf
