#!/usr/bin/env bash
# One command: set everything up, including the system packages the browser and PDF tests use
# (Debian's chromium, poppler-utils, a font with Vietnamese glyphs) and a throwaway PostgreSQL,
# then run the whole suite. Extra arguments go to pytest.
#
# Under CI (CI=true or CI=1) nothing may be skipped for want of a tool: when Chromium, poppler or
# the font is missing after installing, or PostgreSQL cannot be started, the script fails
# (status 1) naming what is missing, instead of letting those tests skip. Outside CI it warns.
#
#   bash scripts/test.sh [pytest args]      # gates and the suite (CI runs this: .ci/run)
#   bash scripts/test.sh --check-tools      # only the checks above (and start/stop PostgreSQL)
#
# Packages are installed only when missing (apt-get --no-upgrade: nothing installed is
# upgraded); PATROL_TEST_INSTALL=0 installs nothing. The PostgreSQL server this script starts is
# stopped when it ends (a server that was already running is left alone).
# PATROL_CHROMIUM / PATROL_PDFTOPPM / PATROL_FONT_DIR name the tools to look for (tests use them).
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in true | TRUE | True | 1 | yes) ci=true ;; esac
check_only=false
if [ "${1:-}" = "--check-tools" ]; then check_only=true; shift; fi
chromium="${PATROL_CHROMIUM:-chromium}"
pdftoppm="${PATROL_PDFTOPPM:-pdftoppm}"
font_dir="${PATROL_FONT_DIR:-/usr/share/fonts/truetype/noto}"

missing_tools() {
  command -v "$chromium" >/dev/null 2>&1 || echo chromium
  command -v "$pdftoppm" >/dev/null 2>&1 || echo poppler-utils
  [ -d "$font_dir" ] || echo fonts-noto-core
}

mapfile -t need < <(missing_tools)
if [ ${#need[@]} -gt 0 ] && [ "${PATROL_TEST_INSTALL:-1}" = 1 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade \
    --no-install-recommends "${need[@]}" >/dev/null || true
  mapfile -t need < <(missing_tools)
fi
failed=()
if [ ${#need[@]} -gt 0 ]; then
  if $ci; then
    failed+=("missing ${need[*]}: the browser and PDF tests cannot run")
  else
    echo "warning: missing ${need[*]}: the browser and PDF tests will be skipped" >&2
  fi
fi

$check_only || bash scripts/setup.sh test,dev

pg_dir="${PATROL_PG_DIR:-/tmp/patrol-pg}"
pg_port="${PATROL_PG_PORT:-54329}"
already_running=false
[ -S "$pg_dir/.s.PGSQL.$pg_port" ] && already_running=true
if url="$(bash scripts/postgres.sh)"; then
  export PATROL_TEST_PG_URL="$url"
  if ! $already_running; then
    trap 'bash scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  fi
elif $ci; then
  failed+=("PostgreSQL could not be started: the PostgreSQL store tests cannot run")
else
  echo "warning: PostgreSQL could not be started: the store tests run on SQLite only" >&2
fi

if [ ${#failed[@]} -gt 0 ]; then
  for problem in "${failed[@]}"; do echo "CI: $problem" >&2; done
  echo "CI: failing instead of skipping those tests" >&2
  exit 1
fi
if $check_only; then
  echo "tools and PostgreSQL ready"
  exit 0
fi
# The gates first (ruff, mypy, import contracts): a change that breaks one fails before the tests.
bash scripts/check.sh
# In parallel, one worker per core; a file's tests stay on one worker (pyproject's addopts:
# some share a session and run in file order). Not exec: the trap above stops the PostgreSQL
# server once the suite ends.
.venv/bin/python -m pytest -n "${PATROL_TEST_WORKERS:-auto}" "$@"
