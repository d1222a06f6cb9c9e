"""Dữ liệu: the ward's records in the store.

Uploads of the facility survey and the incident log go to the store whole or not at all (a file
with any problem is refused and every problem shown; nothing stored changes); the stored
facilities can be edited in place, every change kept in their history; both tables can be
viewed and downloaded. The ward's residential groups (GeoJSON, KML, or a table of street names
per group) replace the stored ones whole, or not at all; they are listed and drawn on a map.
"""

from __future__ import annotations

import io
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, cache, mapview, shell
from dashboard import state as session
from dashboard.i18n import fmt_number, kind_label, translator
from patrol.store import groups as stored_groups
from patrol.store import repo
from patrol.store.auth import Permission
from patrolbase.clock import WARD_TZ
from patrolbase.errors import InputFileError, PatrolError
from patrolbase.schema import CashLevel, FacilityKind

session.init()
user = access.require(Permission.INCIDENT_VIEW)
lang = session.lang()
T = translator(lang)
inputs = shell.page_inputs()
bbox = tuple(inputs.area.bbox)
area = cache.area_name()
store = access.store()

st.title(T("page.data"))

_NEEDS = {
    "survey": Permission.FACILITY_EDIT,
    "incidents": Permission.INCIDENT_UPLOAD,
    "groups": Permission.FACILITY_EDIT,
}
_TYPES = {"survey": ["csv", "xlsx"], "incidents": ["csv", "xlsx"],
          "groups": ["geojson", "json", "kml", "csv", "xlsx"]}  # fmt: skip
_EDITABLE = ["name", "kind", "address", "opening_hours", "operator", "cash_level", "guard",
             "camera", "alarm", "contact", "notes"]  # fmt: skip


def _store_upload(upload: Any, kind: str) -> repo.UploadResult:
    """Check an uploaded file and store it whole (or nothing); it keeps its own name."""
    access.require(_NEEDS[kind], target=f"upload:{kind}")
    with tempfile.TemporaryDirectory(prefix="patrol-upload-") as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        if kind == "groups":
            return stored_groups.upload_group_file(store, user, path, area=inputs.area,
                                                   source=access.source())  # fmt: skip
        send = repo.upload_facility_file if kind == "survey" else repo.upload_incident_file
        return send(store, user, path, area=area, bbox=bbox, source=access.source())  # type: ignore[arg-type]


def _uploader(kind: str) -> None:
    upload = st.file_uploader(T(f"data.upload_{kind}"), type=_TYPES[kind], key=f"up_{kind}",
                              help=T("data.groups_help") if kind == "groups" else None)  # fmt: skip
    if upload is None:
        return
    # A file is sent to the store once; its outcome stays in view on later re-runs.
    seen = st.session_state.get(f"seen_{kind}")
    if seen is None or seen[0] != upload.file_id:
        try:
            outcome: Any = _store_upload(upload, kind)
        except PatrolError as exc:
            outcome = exc
        else:
            if kind != "groups":  # the night's plan does not use the groups
                session.set_plan(None, None)
        seen = (upload.file_id, upload.name, outcome)
        st.session_state[f"seen_{kind}"] = seen
    _, name, outcome = seen
    if isinstance(outcome, PatrolError):
        session.show_error(outcome, lang)
    elif kind == "groups":
        st.success(T("data.groups_stored", n=fmt_number(outcome.rows, lang), file=name,
                     old=fmt_number(outcome.changed, lang)))  # fmt: skip
    else:
        st.success(T("data.stored", n=fmt_number(outcome.rows, lang), file=name,
                     added=fmt_number(outcome.added, lang),
                     changed=fmt_number(outcome.changed, lang)))  # fmt: skip


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


def _table(kind: str, stem: str) -> None:
    stored, _ = cache.stored_frames()
    if kind == "survey":
        has = stored is not None
    else:
        has = not bool(shell.demo_count(shell.page_inputs()))
    st.caption(T("data.source_store") if has else T("data.source_default"))
    shown = _downloads(stem)
    st.markdown(f"**{T(f'data.{kind}')}** · {T('data.rows', n=fmt_number(len(shown), lang))}")
    st.dataframe(shown, hide_index=True, height=320)


def _editor() -> None:
    """Show the stored facilities, editable by those who may, and each one's history."""
    stored, _ = cache.stored_frames()
    st.subheader(T("data.edit_title"))
    if stored is None:
        st.info(T("data.edit_none"))
        return
    frame = stored[_EDITABLE].copy()
    frame.index.name = "facility_id"
    kinds = [k.value for k in FacilityKind]
    cash = ["", *(c.value for c in CashLevel)]
    config: dict[str, Any] = {
        "name": st.column_config.TextColumn(T("data.col.name"), required=True),
        "kind": st.column_config.SelectboxColumn(
            T("data.col.kind"),
            options=kinds,
            format_func=lambda k: kind_label(str(k), lang),
            required=True,
        ),
        "address": T("data.col.address"),
        "opening_hours": T("data.col.hours"),
        "operator": T("data.col.operator"),
        "cash_level": st.column_config.SelectboxColumn(
            T("data.col.cash"), options=cash, format_func=lambda c: T(f"cash.{c or 'unknown'}")
        ),
        "guard": st.column_config.CheckboxColumn(T("data.col.guard")),
        "camera": st.column_config.CheckboxColumn(T("data.col.camera")),
        "alarm": st.column_config.CheckboxColumn(T("data.col.alarm")),
        "contact": T("data.col.contact"),
        "notes": T("data.col.notes"),
    }
    may_edit = user.can(Permission.FACILITY_EDIT)
    edited = st.data_editor(frame, column_config=config, disabled=not may_edit,
                            num_rows="fixed", key="facility_editor", height=320)  # fmt: skip
    if may_edit and st.button(T("data.edit_save"), key="facility_save", type="primary"):
        access.require(Permission.FACILITY_EDIT, target="facilities")
        changed = 0
        for facility_id, row in edited.iterrows():
            before = frame.loc[facility_id]
            changes = {
                name: (None if pd.isna(row[name]) else row[name])
                for name in _EDITABLE
                if not _same(before[name], row[name])
            }
            if not changes:
                continue
            try:
                changed += repo.edit_facility(store, user, area=area, facility_id=str(facility_id),
                                              changes=changes, source=access.source())  # fmt: skip
            except InputFileError as exc:
                session.show_error(exc, lang)
        if changed:
            session.set_plan(None, None)
            st.session_state.pop("facility_editor", None)
        st.session_state["facility_saved"] = changed
        st.rerun()
    if "facility_saved" in st.session_state:
        st.success(T("data.edit_saved", n=st.session_state.pop("facility_saved")))
    names = {str(fid): f"{row['name']} ({fid})" for fid, row in frame.iterrows()}
    chosen = st.selectbox(T("data.history"), list(names), format_func=lambda v: names[v],
                          key="facility_history")  # fmt: skip
    if chosen:
        history = repo.facility_history(store, area=area, facility_id=chosen)
        rows = [
            {
                T("data.col.when"): f"{h.at:%d/%m/%Y %H:%M} UTC",
                T("data.col.by"): h.by,
                T("data.col.field"): h.field,
                T("data.col.old"): h.old or "",
                T("data.col.new"): h.new or "",
            }
            for h in history
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def _same(old: Any, new: Any) -> bool:
    if pd.isna(old) and pd.isna(new):
        return True
    if pd.isna(old) or pd.isna(new):
        return False
    return bool(old == new)


def _groups() -> None:
    """Show the upload of the ward's residential groups, and the stored ones on a table and map."""
    if user.can(Permission.FACILITY_EDIT):
        _uploader("groups")
        form = resources.files("geodata").joinpath("data", "templates", "mau-to-dan-pho-duong.xlsx")
        st.download_button(
            T("data.groups_template"), form.read_bytes(), file_name="mau-to-dan-pho-duong.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="groups_form",
        )  # fmt: skip
    if not user.can(Permission.MAP_VIEW):
        return
    kept = stored_groups.load_groups(store, user, area=area)
    if kept is None:
        st.info(T("data.groups_none"))
        return
    frame = kept.frame
    when = kept.at.astimezone(WARD_TZ)
    st.markdown(T("data.groups_source", n=fmt_number(len(frame), lang), file=kept.filename,
                  by=kept.by, when=f"{when:%H:%M %d/%m/%Y}"))  # fmt: skip
    hectares = frame.to_crs(inputs.area.crs).geometry.area / 10_000
    table = {T("data.col.group"): list(frame["name"])}
    if "streets" in frame.columns:
        table[T("data.col.streets")] = ["; ".join(s) for s in frame["streets"]]
    table[T("data.col.area_ha")] = [fmt_number(h, lang, decimals=1) for h in hectares]
    st.dataframe(pd.DataFrame(table), hide_index=True)
    fmap = mapview.build_map(cache.session_base_layers(), lang=lang, height=380)
    mapview.add_groups(fmap, frame, name=T("data.groups"), fill_opacity=0.35)
    shell.show_map(fmap, key="groups", height=380)


tab_survey, tab_incidents, tab_groups = st.tabs(
    [T("data.survey"), T("data.incidents"), T("data.groups")]
)
with tab_survey:
    if user.can(Permission.FACILITY_EDIT):
        _uploader("survey")
    _table("survey", "facilities")
    _editor()
with tab_incidents:
    if user.can(Permission.INCIDENT_UPLOAD):
        _uploader("incidents")
    _table("incidents", "incidents")
with tab_groups:
    _groups()
