#!/usr/bin/env bash
# One command: set everything up, including the system packages the browser and PDF tests use
# (Debian's chromium, poppler-utils, a font with Vietnamese glyphs), then run the whole suite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/setup.sh test,dev
PATROL_TEST_PG_URL="$(bash scripts/postgres.sh)" && export PATROL_TEST_PG_URL || echo "PostgreSQL could not be started: the store tests run on SQLite only" >&2
exec .venv/bin/python -m pytest "$@"
