"""Hotspot statistics on the default area's extent.

Planted clusters, uniform backgrounds, and agreement with direct calls of esda, libpysal and
scipy on the same data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from pyproj import Transformer

from geodata.hotspots import (
    bandwidth_m,
    count_in_cells,
    facility_counts,
    gi_star,
    gi_star_z,
    kde_surface,
    make_grid,
    project_lonlat,
)
from geodata.incidents import generate_demo_incidents
from patrolbase.crs import projected_crs
from patrolbase.errors import CRSError
from patrolbase.settings import HotspotSettings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

BBOX = (105.8268, 21.0233, 105.8390, 21.0304)  # Văn Miếu - Cát Linh, the default area
CENTRE = (105.8330, 21.0270)  # lon, lat of the planted cluster
CRS = "EPSG:32648"


def _background(seed: int, per_month: float = 60.0):
    """Uniform incidents over the extent for October 2026 (the project's own generator)."""
    return generate_demo_incidents(
        None, BBOX, start="2026-10-01", end="2026-10-31", seed=seed, per_month=per_month,
        near_repeat=0.0,
    )  # fmt: skip


def _cluster(seed: int, n: int, sigma_m: float) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points normally spread ``sigma_m`` around CENTRE: (xy metres, lonlat degrees)."""
    rng = np.random.default_rng(1000 + seed)
    cx, cy = project_lonlat(np.array([CENTRE[0]]), np.array([CENTRE[1]]), crs=CRS)[0]
    xy = np.column_stack([rng.normal(cx, sigma_m, n), rng.normal(cy, sigma_m, n)])
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    return xy, np.column_stack([lon, lat])


def _points(seed: int, *, cluster: int = 0, sigma_m: float = 40.0, per_month: float = 60.0):
    bg = _background(seed, per_month)
    xy = project_lonlat(bg["lon"].to_numpy(), bg["lat"].to_numpy(), crs=CRS)
    lonlat = bg[["lon", "lat"]].to_numpy(float)
    if cluster:
        cxy, cll = _cluster(seed, cluster, sigma_m)
        return np.vstack([xy, cxy]), np.vstack([lonlat, cll]), cxy, cll
    return xy, lonlat, xy[:0], lonlat[:0]


def test_projected_crs_names_the_utm_zone_and_refuses_degrees() -> None:
    assert projected_crs(BBOX) == "EPSG:32648"
    assert projected_crs((109.119, 12.142, 109.334, 12.378)) == "EPSG:32649"  # Nha Trang
    assert projected_crs((15.55, 48.38, 15.65, 48.43)) == "EPSG:32633"  # Krems
    with pytest.raises(CRSError, match="EPSG:32648"):
        projected_crs(BBOX, configured="EPSG:4326")
    with pytest.raises(CRSError, match="metres"):
        make_grid(BBOX, crs="EPSG:4326")


def test_square_grid_covers_the_extent_and_coarsens_when_too_large() -> None:
    grid = make_grid(BBOX, crs=CRS)
    minx, miny, maxx, maxy = grid.cells.total_bounds
    to_xy = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    bx0, by0, bx1, by1 = to_xy.transform_bounds(*BBOX)
    assert minx <= bx0 and miny <= by0 and maxx >= bx1 and maxy >= by1
    assert grid.cell_m == 100 and grid.n == grid.shape[0] * grid.shape[1]
    small = make_grid(BBOX, crs=CRS, settings=HotspotSettings(cell_m=20, max_cells=500))
    # About 1270 x 790 m: 20 m gives 64 x 40 cells; the smallest whole 10 m under 500 is 50 m.
    assert small.coarsened and small.n <= 500 and small.cell_m == 50


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_planted_cluster_is_hot_and_nothing_far_from_it(seed: int) -> None:
    grid = make_grid(BBOX, crs=CRS)
    xy, _, cxy, _ = _points(seed, cluster=50)
    result = gi_star(count_in_cells(grid, xy), grid.weights, significance=0.05)
    hot = result.table["gi_class"].eq("hot").to_numpy()
    centre = project_lonlat(np.array([CENTRE[0]]), np.array([CENTRE[1]]), crs=CRS)
    assert hot[grid.locate(centre)[0]]
    # Most planted incidents fall in hot cells; every hot cell is near the cluster.
    assert hot[grid.locate(cxy)].mean() >= 0.8
    hot_xy = grid.cells.loc[hot, ["x", "y"]].to_numpy()
    assert np.hypot(*(hot_xy - centre).T).max() < 250
    assert (result.table.loc[hot, "p_sim"] <= result.threshold).all()


@pytest.mark.parametrize("seed", [0, 1, 3, 4])
def test_uniform_background_has_no_hot_spot(seed: int) -> None:
    grid = make_grid(BBOX, crs=CRS)
    xy, _, _, _ = _points(seed)
    result = gi_star(count_in_cells(grid, xy), grid.weights, significance=0.05)
    assert len(result.hot) == 0


def test_h3_hexagons_find_the_cluster_too() -> None:
    settings = HotspotSettings(grid="h3", h3_resolution=11)
    grid = make_grid(BBOX, crs=CRS, settings=settings)
    xy, lonlat, _, _ = _points(0, cluster=60, sigma_m=60)
    counts = count_in_cells(grid, xy, lonlat=lonlat)
    assert counts.sum() == len(xy) - int((grid.locate(xy, lonlat=lonlat) < 0).sum())
    result = gi_star(counts, grid.weights)
    centre = grid.locate(np.zeros((1, 2)), lonlat=np.array([CENTRE]))[0]
    assert result.table["gi_class"].iloc[centre] == "hot"
    # A uniform background as dense per cell as on the square grid (about 0.7 per cell): calm.
    uniform_xy, uniform_ll, _, _ = _points(1, per_month=250)
    calm = gi_star(count_in_cells(grid, uniform_xy, lonlat=uniform_ll), grid.weights)
    assert len(calm.hot) == 0


def test_gi_star_equals_a_direct_esda_call_on_lat2w() -> None:
    import esda
    from libpysal.weights import lat2W

    grid = make_grid(BBOX, crs=CRS)
    xy, _, _, _ = _points(2, cluster=40)
    counts = count_in_cells(grid, xy)
    ours = gi_star(counts, grid.weights, permutations=999, seed=11, significance=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        direct = esda.G_Local(
            counts.to_numpy(float), lat2W(*grid.shape, rook=False), transform="B",
            permutations=999, star=True, seed=11, n_jobs=1,
        )  # fmt: skip
    np.testing.assert_allclose(ours.table["z"], direct.Zs)
    np.testing.assert_allclose(ours.table["p_sim"], direct.p_sim)
    np.testing.assert_allclose(ours.table["p_norm"], direct.p_norm)
    assert ours.threshold == esda.fdr(direct.p_sim, 0.1)
    # The permutation-free series of the emerging classification is the same statistic.
    z, p = gi_star_z(np.vstack([counts.to_numpy(), np.zeros(grid.n)]), grid.weights)
    np.testing.assert_allclose(z[0], direct.Zs)
    np.testing.assert_allclose(p[0], direct.p_norm)
    assert (z[1] == 0).all() and (p[1] == 1).all()


def test_scott_bandwidth_is_scipys_factor_and_silverman_is_robust() -> None:
    from scipy.stats import gaussian_kde

    xy, _, _, _ = _points(0, cluster=40)
    factor = gaussian_kde(xy.T).scotts_factor()
    expected = np.sqrt(xy.var(axis=0, ddof=1).mean()) * factor
    assert bandwidth_m(xy) == pytest.approx(expected)
    assert bandwidth_m(xy, scale=0.5) == pytest.approx(expected / 2)
    # A few far-away points blow up Scott's rule, much less the robust one.
    far = np.vstack([xy, xy[:3] + 20000])
    scott_ratio = bandwidth_m(far) / bandwidth_m(xy)
    silverman_ratio = bandwidth_m(far, rule="silverman") / bandwidth_m(xy, rule="silverman")
    assert scott_ratio > 5
    assert silverman_ratio < scott_ratio / 3
    with pytest.raises(ValueError, match="at least 2"):
        bandwidth_m(xy[:1])


def test_binned_kde_matches_the_exact_gaussian_sum() -> None:
    from scipy.stats import multivariate_normal

    grid = make_grid(BBOX, crs=CRS)
    xy, _, _, _ = _points(3, cluster=40)
    h = 120.0
    extent = grid.cells.total_bounds
    surface = kde_surface(xy, extent=extent, bandwidth=h, resolution_m=10, crs=CRS)
    xs, ys = surface.centres()
    gx, gy = np.meshgrid(xs, ys)
    probe = np.column_stack([gx.ravel(), gy.ravel()])
    exact = sum(multivariate_normal(mean=p, cov=h * h).pdf(probe) for p in xy).reshape(gx.shape)
    exact_per_km2 = exact * 1e6
    peak = np.unravel_index(exact_per_km2.argmax(), exact_per_km2.shape)
    assert surface.density[peak] == pytest.approx(exact_per_km2[peak], rel=0.03)
    inner = (slice(40, -40), slice(40, -40))  # away from the edges, where mass leaves
    np.testing.assert_allclose(
        surface.density[inner], exact_per_km2[inner], rtol=0.05, atol=0.02 * exact_per_km2.max()
    )
    assert surface.bandwidth_m == h and surface.n == len(xy)


@pytest.fixture(scope="module")
def facilities():
    from geodata.area import load_area

    return load_area().facilities


def test_facility_counts_equal_a_direct_distance_count(facilities) -> None:
    xy, _, _, _ = _points(0, cluster=50)
    counts = facility_counts(facilities, xy, crs=CRS, radius_m=150)
    assert counts.index.equals(facilities.index) and counts.name == "incidents_within_150m"
    fxy = project_lonlat(facilities["lon"].to_numpy(), facilities["lat"].to_numpy(), crs=CRS)
    brute = (np.hypot(*(fxy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) <= 150).sum(axis=1)
    np.testing.assert_array_equal(counts.to_numpy(), brute)
    assert counts.max() > 0


def test_esdas_permutation_kernels_are_kept_on_disk_once_asked() -> None:
    """Without being told to cache them, esda compiles its kernels in every process (30 s)."""
    import esda.crand
    import esda.getisord
    from numba.core.caching import FunctionCache

    from geodata.hotspots import cache_esda_kernels

    cache_esda_kernels()
    for kernel in (esda.crand.compute_chunk, esda.crand.local, esda.getisord._g_local_star_crand):
        assert isinstance(kernel._cache, FunctionCache), kernel
