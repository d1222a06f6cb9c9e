#!/usr/bin/env bash
# One command: set everything up, then start the dashboard on the embedded default area.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run dashboard/app.py "$@"
