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

from dashboard import shell
from dashboard import state as session
from dashboard.i18n import fmt_number, translator
from patrol.errors import PatrolError

session.init()
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


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.drop(columns=["geometry"], errors="ignore").copy()
    index_name = shown.index.name or "id"
    return shown.reset_index(names=index_name)


def _downloads(frame: pd.DataFrame, stem: str) -> None:
    plain = _plain(frame)
    c1, c2 = st.columns(2)
    # utf-8-sig: Excel opens Vietnamese diacritics right only with the byte-order mark.
    c1.download_button(T("data.download_csv"), plain.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"csv_{stem}")  # fmt: skip
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        xlsx = plain.copy()
        for column in xlsx.columns:
            if isinstance(xlsx[column].dtype, pd.BooleanDtype):
                xlsx[column] = xlsx[column].astype(object)
        xlsx.to_excel(writer, index=False, sheet_name=stem[:31])
    c2.download_button(
        T("data.download_xlsx"), buffer.getvalue(), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{stem}",
    )  # fmt: skip


def _section(kind: str, label: str, frame: pd.DataFrame, stem: str) -> None:
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
            frame = shell.page_inputs().facilities if kind == "survey" else accepted
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
    st.markdown(f"**{label}** · {T('data.rows', n=fmt_number(len(frame), lang))}")
    st.dataframe(_plain(frame), hide_index=True, height=320)
    _downloads(frame, stem)


tab_survey, tab_incidents = st.tabs([T("data.survey"), T("data.incidents")])
with tab_survey:
    _section("survey", T("data.survey"), inputs.facilities, "facilities")
with tab_incidents:
    _section("incidents", T("data.incidents"), inputs.incidents, "incidents")
