#!/usr/bin/env bash
# The gates every change passes before its tests: lint and format (ruff), types (mypy, strict on
# the core: patrolbase, routing, geodata) and the import layers (import-linter, contracts in
# pyproject.toml). scripts/test.sh runs this first; run it alone for a quick check.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
code=0
run() {
  echo "== $*"
  "$@" || code=1
}
run "$bin/ruff" check .
run "$bin/ruff" format --check .
run "$bin/mypy" patrolbase routing geodata patrol dashboard
run "$bin/lint-imports" --no-cache
exit $code
