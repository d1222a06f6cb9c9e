"""Hotspot statistics of incident points: density surface, cell counts, Getis-Ord Gi*.

Everything is computed in a projected CRS (metres): the area's own (``Settings.area.crs``) or the
UTM zone of its centre (``EPSG:32648`` for Hà Nội, ``EPSG:32649`` for Nha Trang). The statistics
are the libraries' own: Gi* is ``esda.G_Local(..., star=True)`` with conditional permutation
inference, the false-discovery-rate cut-off is ``esda.fdr``, neighbours are ``libpysal`` weights.
This module only prepares their inputs (cells, counts, weights) and names their outputs.

The density surface is a Gaussian kernel density estimate, binned: incidents are counted on a
fine raster which is then smoothed with ``scipy.ndimage.gaussian_filter`` (the usual fast KDE;
it agrees with the exact sum of Gaussians to within a few percent once the bandwidth spans a few
pixels). Bandwidth rules, on projected coordinates (see ``docs/review.md``):

- ``scott``: ``h = sigma * n**(-1/6)``, sigma the mean of the two axes' standard deviations in
  quadrature, i.e. Scott's factor for two dimensions as ``scipy.stats.gaussian_kde`` uses it.
- ``silverman``: the spatial variant of Silverman's rule of thumb used by crime analysts,
  ``h = 0.9 * min(SD, sqrt(1/ln 2) * Dm) * n**(-1/5)`` with SD the standard distance and Dm the
  median distance to the mean centre; robust against a few far-away incidents.

One file past 500 lines: the grid, the counts, the weights and the statistics share one cell
indexing; split, each would re-derive it.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from patrolbase.errors import CRSError
from patrolbase.settings import HotspotSettings

if TYPE_CHECKING:
    import geopandas as gpd
    from libpysal.graph import Graph

__all__ = [
    "GiStarResult",
    "Grid",
    "KDESurface",
    "bandwidth_m",
    "cache_esda_kernels",
    "count_in_cells",
    "facility_counts",
    "gi_star",
    "gi_star_z",
    "kde_surface",
    "make_grid",
    "project_lonlat",
    "warm_up_statistics",
]

WGS84 = "EPSG:4326"
GiClass = Literal["hot", "cold", "ns"]


def _check_projected(crs: str) -> None:
    if not CRS.from_user_input(crs).is_projected:
        msg = (
            f"CRS {crs!r} is geographic (degrees): hotspot statistics need metres; "
            "pass projected_crs(bbox), the area's UTM zone"
        )
        raise CRSError(msg)


def project_lonlat(lon: np.ndarray, lat: np.ndarray, *, crs: str) -> np.ndarray:
    """Project WGS84 longitudes and latitudes to an ``(n, 2)`` array of metres in ``crs``."""
    _check_projected(crs)
    to_xy = Transformer.from_crs(WGS84, crs, always_xy=True)
    x, y = to_xy.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


# --- cells ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Cells of the study extent with their neighbour weights (binary, queen / H3 ring 1).

    ``cells`` is a GeoDataFrame in ``crs`` indexed by ``cell_id`` (``r12c5`` for squares, the H3
    index for hexagons) with columns ``x``, ``y`` (centre, metres), ``lon``, ``lat`` and
    ``geometry``. ``weights`` is a ``libpysal.graph.Graph`` aligned with ``cells`` (focal ``i``
    is row ``i``); for squares it equals ``libpysal.weights.lat2W(rows, cols, rook=False)``.
    """

    kind: Literal["square", "h3"]
    crs: str
    cell_m: float
    cells: gpd.GeoDataFrame
    weights: Graph
    origin: tuple[float, float] = (0.0, 0.0)
    shape: tuple[int, int] = (0, 0)
    h3_resolution: int | None = None
    requested_cell_m: float = 0.0
    _lookup: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of cells."""
        return len(self.cells)

    @property
    def coarsened(self) -> bool:
        """True when the extent was too large for the requested cell size."""
        return self.kind == "square" and self.cell_m > self.requested_cell_m

    def locate(self, xy: np.ndarray, *, lonlat: np.ndarray | None = None) -> np.ndarray:
        """Position of the cell holding each point, ``-1`` outside the grid.

        ``xy`` are projected metres; H3 grids also need ``lonlat`` (``(n, 2)`` degrees).
        """
        if self.kind == "square":
            nrows, ncols = self.shape
            col = np.floor((xy[:, 0] - self.origin[0]) / self.cell_m).astype(np.int64)
            row = np.floor((xy[:, 1] - self.origin[1]) / self.cell_m).astype(np.int64)
            inside = (col >= 0) & (col < ncols) & (row >= 0) & (row < nrows)
            return np.where(inside, row * ncols + col, -1)
        import h3

        if lonlat is None:
            msg = "an H3 grid locates points by longitude and latitude: pass lonlat"
            raise ValueError(msg)
        res = int(self.h3_resolution or 0)
        return np.fromiter(
            (self._lookup.get(h3.latlng_to_cell(la, lo, res), -1) for lo, la in lonlat),
            dtype=np.int64,
            count=len(lonlat),
        )


def make_grid(bbox: Sequence[float], *, crs: str, settings: HotspotSettings | None = None) -> Grid:
    """Cover ``bbox`` (west, south, east, north; degrees) with square cells or H3 hexagons.

    Square cells of ``settings.cell_m`` are laid from the south-west corner of the projected
    extent; when they would exceed ``settings.max_cells`` the side grows to the smallest whole
    10 m that fits (``Grid.coarsened``). H3 hexagons of ``settings.h3_resolution`` whose centre
    lies in the extent are used, a coarser resolution when too many.

    >>> g = make_grid((105.8268, 21.0233, 105.8390, 21.0304), crs="EPSG:32648")
    >>> g.kind, g.shape, g.n
    ('square', (8, 13), 104)
    """
    import geopandas as gpd
    from shapely import box

    settings = settings or HotspotSettings()
    _check_projected(crs)
    west, south, east, north = (float(v) for v in bbox)
    if not (west < east and south < north):
        msg = f"bbox {tuple(bbox)}: west < east and south < north expected (degrees)"
        raise ValueError(msg)
    if settings.grid == "h3":
        return _h3_grid((west, south, east, north), crs=crs, settings=settings)
    to_xy = Transformer.from_crs(WGS84, crs, always_xy=True)
    minx, miny, maxx, maxy = to_xy.transform_bounds(west, south, east, north)
    # Too many cells for the requested side: the smallest whole 10 m that fits max_cells.
    cell = max(
        float(settings.cell_m),
        math.ceil(math.sqrt((maxx - minx) * (maxy - miny) / settings.max_cells) / 10) * 10,
    )
    while True:
        ncols = max(1, math.ceil((maxx - minx) / cell))
        nrows = max(1, math.ceil((maxy - miny) / cell))
        if nrows * ncols <= settings.max_cells:
            break
        cell += 10
    rows, cols = np.divmod(np.arange(nrows * ncols), ncols)
    x0 = minx + cols * cell
    y0 = miny + rows * cell
    cx, cy = x0 + cell / 2, y0 + cell / 2
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(cx, cy)
    cells = gpd.GeoDataFrame(
        {"row": rows, "col": cols, "x": cx, "y": cy, "lon": lon, "lat": lat},
        geometry=box(x0, y0, x0 + cell, y0 + cell),
        crs=crs,
        index=pd.Index([f"r{r}c{c}" for r, c in zip(rows, cols, strict=True)], name="cell_id"),
    )
    weights = _queen_lattice(nrows, ncols)
    return Grid(
        "square",
        crs,
        cell,
        cells,
        weights,
        origin=(minx, miny),
        shape=(nrows, ncols),
        requested_cell_m=float(settings.cell_m),
    )


def _queen_lattice(nrows: int, ncols: int) -> Graph:
    """Queen contiguity of a lattice numbered row by row (as ``lat2W``), built sparse."""
    from libpysal.graph import Graph
    from scipy import sparse

    index = np.arange(nrows * ncols).reshape(nrows, ncols)
    focal, neighbour = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            rows = slice(max(0, -dr), nrows - max(0, dr))
            cols = slice(max(0, -dc), ncols - max(0, dc))
            shifted_rows = slice(max(0, dr), nrows - max(0, -dr))
            shifted_cols = slice(max(0, dc), ncols - max(0, -dc))
            focal.append(index[rows, cols].ravel())
            neighbour.append(index[shifted_rows, shifted_cols].ravel())
    i, j = np.concatenate(focal), np.concatenate(neighbour)
    n = nrows * ncols
    adjacency = sparse.csr_array((np.ones(len(i)), (i, j)), shape=(n, n))
    return Graph.from_sparse(adjacency)


def _h3_grid(
    bbox: tuple[float, float, float, float], *, crs: str, settings: HotspotSettings
) -> Grid:
    import geopandas as gpd
    import h3
    from libpysal.graph import Graph
    from scipy import sparse
    from shapely import Polygon

    west, south, east, north = bbox
    outline = h3.LatLngPoly([(south, west), (south, east), (north, east), (north, west)])
    res = settings.h3_resolution
    ids = sorted(h3.polygon_to_cells(outline, res))
    while len(ids) > settings.max_cells and res > 0:
        res -= 1
        ids = sorted(h3.polygon_to_cells(outline, res))
    if not ids:  # an extent smaller than one hexagon still gets the hexagon of its centre
        ids = [h3.latlng_to_cell((south + north) / 2, (west + east) / 2, res)]
    lookup = {c: i for i, c in enumerate(ids)}
    pairs = np.array(
        [(lookup[c], lookup[n]) for c in ids for n in h3.grid_ring(c, 1) if n in lookup],
        dtype=np.int64,
    ).reshape(-1, 2)
    adjacency = sparse.csr_array(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(ids), len(ids))
    )
    weights = Graph.from_sparse(adjacency)
    centres = np.array([h3.cell_to_latlng(c) for c in ids])
    polygons = [Polygon([(lo, la) for la, lo in h3.cell_to_boundary(c)]) for c in ids]
    cells = gpd.GeoDataFrame(
        {"lon": centres[:, 1], "lat": centres[:, 0]},
        geometry=polygons,
        crs=WGS84,
        index=pd.Index(ids, name="cell_id"),
    ).to_crs(crs)
    xy = project_lonlat(cells["lon"].to_numpy(), cells["lat"].to_numpy(), crs=crs)
    cells.insert(0, "x", xy[:, 0])
    cells.insert(1, "y", xy[:, 1])
    edge_m = float(h3.average_hexagon_edge_length(res, unit="m"))
    return Grid(
        "h3",
        crs,
        edge_m,
        cells,
        weights,
        h3_resolution=res,
        requested_cell_m=edge_m,
        _lookup=lookup,
    )


def count_in_cells(grid: Grid, xy: np.ndarray, *, lonlat: np.ndarray | None = None) -> pd.Series:
    """Incidents per cell (zeros included), a Series named ``count`` on ``grid.cells.index``."""
    where = grid.locate(xy, lonlat=lonlat)
    counts = np.bincount(where[where >= 0], minlength=grid.n)
    return pd.Series(counts.astype(np.int64), index=grid.cells.index, name="count")


# --- density ----------------------------------------------------------------------------------


def bandwidth_m(
    xy: np.ndarray,
    *,
    rule: Literal["scott", "silverman"] = "scott",
    scale: float = 1.0,
) -> float:
    """Gaussian kernel bandwidth (standard deviation, metres) by a documented rule.

    Parameters
    ----------
    xy
        ``(n, 2)`` projected coordinates in metres, ``n >= 2``.
    rule
        ``"scott"``: ``sqrt((var_x + var_y) / 2) * n**(-1/6)``; ``"silverman"``:
        ``0.9 * min(SD, sqrt(1/ln 2) * Dm) * n**(-1/5)`` (see the module text).
    scale
        Multiplies the result.

    >>> bandwidth_m(np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0], [100.0, 100.0]]))
    45.84...

    """
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    if n < 2:
        msg = f"a bandwidth needs at least 2 incidents, got {n}"
        raise ValueError(msg)
    var = xy.var(axis=0, ddof=1)
    if rule == "scott":
        h = math.sqrt(float(var.mean())) * n ** (-1 / 6)
    elif rule == "silverman":
        standard_distance = math.sqrt(float(xy.var(axis=0, ddof=0).sum()))
        median_distance = float(np.median(np.hypot(*(xy - xy.mean(axis=0)).T)))
        spread = min(standard_distance, math.sqrt(1 / math.log(2)) * median_distance)
        h = 0.9 * spread * n ** (-0.2)
    else:
        msg = f"bandwidth rule {rule!r}: use 'scott' or 'silverman'"
        raise ValueError(msg)
    return float(h * scale)


@dataclass(frozen=True)
class KDESurface:
    """A density raster: ``density[i, j]`` is incidents per km² at the centre of pixel (i, j).

    Row 0 is the southern edge; pixel (i, j) is centred at
    ``(x0 + (j + .5) * resolution_m, y0 + (i + .5) * resolution_m)`` in ``crs``.
    """

    density: np.ndarray
    x0: float
    y0: float
    resolution_m: float
    bandwidth_m: float
    crs: str
    n: int

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)`` in metres, as ``matplotlib.imshow`` takes it."""
        ny, nx = self.density.shape
        return (
            self.x0,
            self.x0 + nx * self.resolution_m,
            self.y0,
            self.y0 + ny * self.resolution_m,
        )

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel centre coordinates ``(x, y)`` as 1-D arrays (columns, rows)."""
        ny, nx = self.density.shape
        return (
            self.x0 + (np.arange(nx) + 0.5) * self.resolution_m,
            self.y0 + (np.arange(ny) + 0.5) * self.resolution_m,
        )


def kde_surface(
    xy: np.ndarray,
    *,
    extent: Sequence[float],
    bandwidth: float,
    resolution_m: float,
    crs: str,
    max_pixels: int = 400_000,
) -> KDESurface:
    """Gaussian kernel density of points on a raster over ``extent`` (minx, miny, maxx, maxy).

    Binned estimate: counts on pixels of ``resolution_m`` (doubled until the raster has at most
    ``max_pixels``), smoothed by ``scipy.ndimage.gaussian_filter`` with ``sigma = bandwidth /
    resolution``. Mass that the kernel puts outside the extent is lost, as it would be beyond the
    ward's edge. Units: incidents per km².
    """
    from scipy import ndimage

    _check_projected(crs)
    minx, miny, maxx, maxy = (float(v) for v in extent)
    res = float(resolution_m)
    while math.ceil((maxx - minx) / res) * math.ceil((maxy - miny) / res) > max_pixels:
        res *= 2
    nx = max(1, math.ceil((maxx - minx) / res))
    ny = max(1, math.ceil((maxy - miny) / res))
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    counts, _, _ = np.histogram2d(
        xy[:, 1],
        xy[:, 0],
        bins=(ny, nx),
        range=((miny, miny + ny * res), (minx, minx + nx * res)),
    )
    smooth = ndimage.gaussian_filter(counts, sigma=bandwidth / res, mode="constant", truncate=4.0)
    density = smooth / (res * res) * 1e6
    return KDESurface(density, minx, miny, res, float(bandwidth), crs, len(xy))


# --- Gi* --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiStarResult:
    """Getis-Ord Gi* per cell, as ``esda.G_Local`` computed it.

    ``table`` is indexed by ``cell_id`` with ``count``, ``z`` (``Zs``), ``p_sim`` (one-sided
    pseudo p-value of the permutations), ``p_norm`` and ``gi_class`` (``hot``/``cold``/``ns``).
    A cell is significant when its p-value (``p_sim``, or ``p_norm`` with ``inference="normal"``)
    is at most ``threshold``: ``esda.fdr(p, significance)`` with FDR on, else ``significance``.
    """

    table: pd.DataFrame
    significance: float
    threshold: float
    fdr: bool
    permutations: int
    seed: int
    inference: str = "permutation"

    @property
    def hot(self) -> pd.Index:
        """Cells classified hot."""
        return self.table.index[self.table["gi_class"] == "hot"]

    @property
    def cold(self) -> pd.Index:
        """Cells classified cold."""
        return self.table.index[self.table["gi_class"] == "cold"]


@functools.cache
def cache_esda_kernels() -> None:
    """Keep esda's compiled permutation kernels on disk, as numba keeps ours (once a process).

    esda compiles them in every new process (``njit`` without ``cache``): about 30 s on this
    machine, paid by the first hotspot review after each server start. Cached, a later process
    loads them in a moment; beside their source, or in the user's cache folder where the
    installation is read-only (numba's own choice).
    """
    import esda.crand
    import esda.getisord
    from numba.core.registry import CPUDispatcher

    for module in (esda.crand, esda.getisord):
        for kernel in vars(module).values():
            if isinstance(kernel, CPUDispatcher):
                kernel.enable_caching()


def warm_up_statistics() -> None:
    """Compile (or load) the kernels of the hotspot statistics on a tiny grid, ahead of use."""
    grid = make_grid((105.8268, 21.0233, 105.8390, 21.0304), crs="EPSG:32648")
    counts = pd.Series(np.arange(grid.n) % 3, index=grid.cells.index, dtype=float)
    gi_star(counts, grid.weights, permutations=9)


def _star_weights(weights: Graph) -> Graph:
    """Binary weights with the self-weight 1 that Gi* adds (as ``G_Local(star=True)`` does)."""
    return weights.assign_self_weight(1.0)


def gi_star(
    counts: pd.Series,
    weights: Graph,
    *,
    significance: float = 0.05,
    fdr: bool = True,
    permutations: int = 999,
    seed: int = 7,
    inference: Literal["permutation", "normal"] = "permutation",
) -> GiStarResult:
    """Getis-Ord Gi* hot and cold spots of cell counts.

    Parameters
    ----------
    counts
        Incidents per cell, aligned with ``weights`` (zeros included).
    weights
        Binary contiguity weights of the cells (``Grid.weights``).
    significance, fdr
        Cells with a pseudo p-value at or under ``esda.fdr(p_sim, significance)`` (or under
        ``significance`` when ``fdr`` is off) are hot (``z > 0``) or cold (``z < 0``).
    permutations, seed
        Conditional permutations for ``p_sim``; same seed, same classes.
    inference
        Which p-value decides: ``permutation`` (``p_sim``) or ``normal`` (``p_norm``, the
        analytical one; it flags a cluster packed into one or two cells, which conditional
        permutation can miss because the cell's own count is held fixed).

    Returns
    -------
    GiStarResult

    Notes
    -----
    Calls ``esda.G_Local(counts, weights, transform="B", star=True, permutations=...,
    seed=..., n_jobs=1)``; nothing of the statistic is computed here.

    """
    from esda import G_Local
    from esda import fdr as fdr_threshold

    cache_esda_kernels()

    y = counts.to_numpy(dtype=float)
    if len(y) != weights.n:
        msg = f"{len(y)} counts for {weights.n} cells: counts must be aligned with the weights"
        raise ValueError(msg)
    if y.sum() <= 0:
        msg = "Gi* needs at least one incident in the cells"
        raise ValueError(msg)
    with warnings.catch_warnings():
        # esda announces a future change of its default alternative; the one-sided folded
        # p-value it returns today is the one documented above.
        warnings.simplefilter("ignore", DeprecationWarning)
        result = G_Local(
            y,
            weights,
            transform="B",
            permutations=permutations,
            star=True,
            keep_simulations=False,
            n_jobs=1,
            seed=seed,
        )
    p_sim = np.asarray(result.p_sim, dtype=float)
    p_norm = np.asarray(result.p_norm, dtype=float)
    z = np.asarray(result.Zs, dtype=float)
    p = p_sim if inference == "permutation" else p_norm
    threshold = float(fdr_threshold(p, significance)) if fdr else float(significance)
    significant = p <= threshold
    gi_class = np.where(significant & (z > 0), "hot", np.where(significant & (z < 0), "cold", "ns"))
    table = pd.DataFrame(
        {
            "count": counts.to_numpy(),
            "z": z,
            "p_sim": p_sim,
            "p_norm": p_norm,
            "gi_class": gi_class,
        },
        index=counts.index,
    )
    return GiStarResult(table, significance, threshold, fdr, permutations, seed, inference)


def gi_star_z(counts: np.ndarray, weights: Graph) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores and normal p-values (no permutations) for many periods at once.

    ``counts`` is ``(periods, cells)``; each row is one ``esda.G_Local(row, weights,
    transform="B", star=True, permutations=0)`` call, returning its ``Zs`` and ``p_norm``
    (one-sided). Rows without incidents, or all equal, give ``z = 0`` and ``p = 1``.
    """
    from esda import G_Local

    counts = np.asarray(counts, dtype=float)
    z = np.zeros(counts.shape, dtype=float)
    p = np.ones(counts.shape, dtype=float)
    star = _star_weights(weights)
    for k, row in enumerate(counts):
        if row.sum() <= 0 or np.all(row == row[0]):
            continue
        result = G_Local(row, star, transform="B", permutations=0, star=True)
        z[k] = np.nan_to_num(np.asarray(result.Zs, dtype=float))
        p[k] = np.nan_to_num(np.asarray(result.p_norm, dtype=float), nan=1.0)
    return z, p


# --- facilities -------------------------------------------------------------------------------


def facility_counts(
    facilities: gpd.GeoDataFrame,
    incident_xy: np.ndarray,
    *,
    crs: str,
    radius_m: float,
) -> pd.Series:
    """Incidents within ``radius_m`` of each facility, a Series on the facilities' index.

    ``facilities`` is the EPSG:4326 frame of ``patrolbase.schema.FACILITY_COLUMNS``;
    ``incident_xy`` are incidents projected to ``crs``.
    """
    from scipy.spatial import cKDTree

    name = f"incidents_within_{radius_m:g}m"
    if len(facilities) == 0:
        return pd.Series([], index=facilities.index, name=name, dtype=np.int64)
    fxy = project_lonlat(facilities["lon"].to_numpy(), facilities["lat"].to_numpy(), crs=crs)
    if len(incident_xy) == 0:
        return pd.Series(0, index=facilities.index, name=name, dtype=np.int64)
    tree = cKDTree(np.asarray(incident_xy, dtype=float))
    counts = tree.query_ball_point(fxy, r=radius_m, return_length=True)
    return pd.Series(np.asarray(counts, dtype=np.int64), index=facilities.index, name=name)
