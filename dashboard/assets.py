"""The map's web assets, served by the app itself so that the map works with no internet.

``python -m dashboard.assets install`` fetches Leaflet and the Leaflet plugins the map uses by
package name with the ``npm`` client (pinned versions, ``npm pack``), and copies the files the
map loads into ``dashboard/static/vendor/``. Streamlit serves that folder at
``/app/static/vendor/`` (``server.enableStaticServing``). The heat-map script is folium's own
patched copy, which scales to the densest spot instead of saturating to solid red.

The folder is not part of the repository: ``scripts/setup.sh`` runs the install, which is quick
when the pinned files are already in place. ``configure_folium()`` points folium and its plugins
at these local files; the map module calls it before drawing anything.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PACKAGES",
    "STATIC_URL",
    "VENDOR_DIR",
    "AssetsError",
    "Package",
    "configure_folium",
    "install",
    "is_installed",
    "missing_files",
]

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
"""Where the assets are copied (gitignored)."""
STATIC_URL = "/app/static/vendor"
"""Where the browser finds them (Streamlit's static serving of ``dashboard/static``)."""
_MANIFEST = "manifest.json"


class AssetsError(RuntimeError):
    """The assets cannot be installed (no ``npm``, registry unreachable, bad package)."""


@dataclass(frozen=True)
class Package:
    """One pinned npm package and the files of its tarball the map needs.

    ``files`` maps a path inside the tarball (below ``package/``) to a path below ``VENDOR_DIR``.
    """

    name: str
    version: str
    files: tuple[tuple[str, str], ...]

    @property
    def spec(self) -> str:
        """``name@version`` as the npm client takes it."""
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet",
        "1.9.4",
        (
            ("dist/leaflet.js", "leaflet/leaflet.js"),
            ("dist/leaflet.js.map", "leaflet/leaflet.js.map"),
            ("dist/leaflet.css", "leaflet/leaflet.css"),
            ("dist/images/layers.png", "leaflet/images/layers.png"),
            ("dist/images/layers-2x.png", "leaflet/images/layers-2x.png"),
            ("dist/images/marker-icon.png", "leaflet/images/marker-icon.png"),
            ("dist/images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
            ("dist/images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
        ),
    ),
    Package(
        "leaflet.markercluster",
        "1.5.3",
        (
            ("dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"),
            ("dist/leaflet.markercluster.js.map", "markercluster/leaflet.markercluster.js.map"),
            ("dist/MarkerCluster.css", "markercluster/MarkerCluster.css"),
            ("dist/MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"),
        ),
    ),
)
"""The npm packages the map loads, pinned."""

# Folium's patched leaflet.heat (scales to the densest spot); copied from the installed package.
_FOLIUM_HEAT = ("templates/leaflet_heat.min.js", "heat/leaflet_heat.min.js")


def _expected() -> dict[str, str]:
    """Every vendored file and the package version it comes from."""
    import folium

    wanted = {dest: pkg.spec for pkg in PACKAGES for _, dest in pkg.files}
    wanted[_FOLIUM_HEAT[1]] = f"folium@{folium.__version__}"
    return wanted


def missing_files(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendored files that are absent or from another version than the pinned one."""
    try:
        manifest = json.loads((vendor_dir / _MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    return [
        dest
        for dest, spec in _expected().items()
        if manifest.get(dest) != spec or not (vendor_dir / dest).is_file()
    ]


def is_installed(vendor_dir: Path = VENDOR_DIR) -> bool:
    """Tell whether every pinned file is in place."""
    return not missing_files(vendor_dir)


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        msg = (
            "npm is not installed: the map's web assets (Leaflet and its plugins) are fetched "
            "with it. Install Node.js and npm (Debian: sudo apt-get install npm), then run "
            "`python -m dashboard.assets install` again."
        )
        raise AssetsError(msg)
    return npm


def _pack(npm: str, package: Package, into: Path) -> Path:
    """Download one package's tarball with ``npm pack`` and return its path."""
    cmd = [npm, "pack", package.spec, "--pack-destination", str(into), "--silent"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        msg = f"npm pack {package.spec} took more than 5 minutes; check the registry connection"
        raise AssetsError(msg) from None
    if done.returncode != 0:
        msg = (
            f"npm pack {package.spec} failed (exit {done.returncode}): "
            f"{done.stderr.strip()[-800:]}; check npm's registry setting and connection"
        )
        raise AssetsError(msg)
    tarballs = sorted(into.glob("*.tgz"), key=lambda p: p.stat().st_mtime)
    name = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    tarball: Path | None = into / name if name and (into / name).is_file() else None
    if tarball is None and tarballs:
        tarball = tarballs[-1]
    if tarball is None:
        msg = f"npm pack {package.spec} wrote no tarball in {into}"
        raise AssetsError(msg)
    return tarball


def _extract(tarball: Path, package: Package, vendor_dir: Path) -> None:
    with tarfile.open(tarball, "r:gz") as tar:
        for inner, dest in package.files:
            try:
                member = tar.extractfile(f"package/{inner}")
            except KeyError:
                member = None
            if member is None:
                msg = f"{package.spec}: the tarball has no {inner}; is the pinned version right?"
                raise AssetsError(msg)
            target = vendor_dir / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())


def install(vendor_dir: Path = VENDOR_DIR, *, force: bool = False, quiet: bool = False) -> bool:
    """Fetch the pinned packages and copy the map's files into ``vendor_dir``.

    Parameters
    ----------
    vendor_dir
        Target folder, ``dashboard/static/vendor`` by default.
    force
        Fetch again even when every file is in place.
    quiet
        Print nothing.

    Returns
    -------
    bool
        True when something was installed, False when everything was already in place.

    Raises
    ------
    AssetsError
        When npm is missing or a package cannot be fetched.

    """
    import folium

    missing = set(_expected()) if force else set(missing_files(vendor_dir))
    if not missing:
        if not quiet:
            print(f"map assets already installed in {vendor_dir}")
        return False
    vendor_dir.mkdir(parents=True, exist_ok=True)
    needed = [p for p in PACKAGES if any(dest in missing for _, dest in p.files)]
    if needed:
        npm = _npm()
        with tempfile.TemporaryDirectory(prefix="patrol-assets-") as tmp:
            for package in needed:
                if not quiet:
                    print(f"fetching {package.spec} ...")
                folder = Path(tmp) / package.name
                folder.mkdir()
                _extract(_pack(npm, package, folder), package, vendor_dir)
    heat = Path(folium.__file__).parent / _FOLIUM_HEAT[0]
    (vendor_dir / _FOLIUM_HEAT[1]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(heat, vendor_dir / _FOLIUM_HEAT[1])
    (vendor_dir / _MANIFEST).write_text(json.dumps(_expected(), indent=1), encoding="utf-8")
    if not quiet:
        print(f"map assets installed in {vendor_dir}")
    return True


def configure_folium() -> None:
    """Point folium's map and plugins at the local assets; no link to any outside host remains.

    Only Leaflet itself is kept among the map's defaults: the map draws circle markers, GeoJSON
    and div icons, so jQuery, Bootstrap and the awesome-markers fonts are not needed.
    """
    import folium
    from folium import plugins

    base = STATIC_URL
    folium.Map.default_js = [("leaflet", f"{base}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{base}/leaflet/leaflet.css")]
    plugins.MarkerCluster.default_js = [
        ("markerclusterjs", f"{base}/markercluster/leaflet.markercluster.js")
    ]
    plugins.MarkerCluster.default_css = [
        ("markerclustercss", f"{base}/markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{base}/markercluster/MarkerCluster.Default.css"),
    ]
    # FastMarkerCluster subclasses MarkerCluster but keeps class attributes of its own in some
    # folium versions: set them explicitly.
    plugins.FastMarkerCluster.default_js = list(plugins.MarkerCluster.default_js)
    plugins.FastMarkerCluster.default_css = list(plugins.MarkerCluster.default_css)
    plugins.HeatMap.default_js = [("leaflet-heat.js", f"{base}/heat/leaflet_heat.min.js")]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m dashboard.assets install [--force]`` or ``check``."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.assets", description=__doc__)
    parser.add_argument("action", choices=["install", "check"])
    parser.add_argument("--force", action="store_true", help="fetch again")
    args = parser.parse_args(argv)
    if args.action == "check":
        missing = missing_files()
        for name in missing:
            print(f"missing: {name}")
        return 1 if missing else 0
    try:
        install(force=args.force)
    except AssetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
