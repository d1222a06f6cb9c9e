"""Dữ liệu: upload the facility survey and the incident log (checked whole: a file with any
problem is refused and every problem shown before anything is kept), view and download.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, cache, shell
from dashboard import state as session
from dashboard.i18n import fmt_number, translator
from patrol.errors import PatrolError
from patrol.store.auth import Permission

session.init()
user = access.require(Permission.INCIDENT_VIEW)
lang = session.lang()
T = translator(lang)
inputs = shell.page_inputs()
bbox = tuple(inputs.area.bbox)

st.title(T("page.data"))


def _read(upload: Any, kind: str) -> pd.DataFrame:
    """Check an uploaded file with the core reader; the file keeps its own name in messages."""
    from geodata import io as readers

    with tempfile.TemporaryDirectory(prefix="patrol-upload-") as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        if kind == "survey":
            return readers.read_facility_survey(path, bbox=bbox)
        return readers.read_incidents(path, bbox=bbox)


def _downloads(stem: str) -> pd.DataFrame:
    """Download buttons for the table; return it as shown (the ward's headers and words)."""
    current = shell.page_inputs()  # after an accepted upload, not the inputs the page began with
    csv = cache.table_file(current, stem, ".csv", lang=lang)
    xlsx = cache.table_file(current, stem, ".xlsx", lang=lang)
    c1, c2 = st.columns(2)
    c1.download_button(T("data.download_csv"), csv, file_name=f"{stem}.csv", mime="text/csv",
                       key=f"csv_{stem}")  # fmt: skip
    c2.download_button(
        T("data.download_xlsx"), xlsx, file_name=f"{stem}.xlsx", key=f"xlsx_{stem}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip
    return pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _section(kind: str, label: str, stem: str) -> None:
    upload = st.file_uploader(T(f"data.upload_{kind}"), type=["csv", "xlsx"], key=f"up_{kind}")
    # A refused file is checked again on every re-run (cheap) so its table stays in view; an
    # accepted one is read once.
    if upload is not None and st.session_state.get(f"seen_{kind}") != upload.file_id:
        try:
            accepted = _read(upload, kind)
        except PatrolError as exc:
            session.show_error(exc, lang)
        else:
            st.session_state[f"seen_{kind}"] = upload.file_id
            st.session_state[kind] = (upload.name, accepted)
            session.set_plan(None, None)
            st.success(T("data.accepted", n=fmt_number(len(accepted), lang), file=upload.name))
    kept = session.get(kind)
    if kept is not None:
        st.caption(T("data.source_uploaded", file=kept[0]))
        if st.button(T("data.reset"), key=f"reset_{kind}"):
            st.session_state[kind] = None
            st.session_state.pop(f"seen_{kind}", None)
            session.set_plan(None, None)
            st.rerun()
    else:
        st.caption(T("data.source_default"))
    shown = _downloads(stem)
    st.markdown(f"**{label}** · {T('data.rows', n=fmt_number(len(shown), lang))}")
    st.dataframe(shown, hide_index=True, height=320)


tab_survey, tab_incidents = st.tabs([T("data.survey"), T("data.incidents")])
with tab_survey:
    _section("survey", T("data.survey"), "facilities")
with tab_incidents:
    _section("incidents", T("data.incidents"), "incidents")
