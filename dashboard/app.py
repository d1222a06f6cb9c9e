"""The dashboard: ``streamlit run dashboard/app.py`` (``scripts/start.sh``).

Declares the pages, grouped, with ``st.navigation``; draws what every page shares (language
switch, link to the guide, area name, the demonstration-data label) and runs the chosen page.
Each page reads its widgets, calls one core function and draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboard.shell import run_app  # noqa: E402

run_app()
