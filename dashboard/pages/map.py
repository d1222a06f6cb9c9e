"""Bản đồ: sites in their risk colour at the chosen hour, incidents, depots, boundary.

A click adds an incident or a site to this session's inputs.
"""

from __future__ import annotations

from datetime import datetime

import folium
import pandas as pd
import streamlit as st

from dashboard import access, cache, mapframe, mapview, shell
from dashboard import state as session
from dashboard.i18n import fmt_number, incident_label, kind_label, translator
from geodata.mapstyle import legend_entries
from geodata.shift import parse_clock, parse_date
from patrol.store.auth import Permission
from patrolbase.clock import ward_now
from patrolbase.errors import PatrolError
from patrolbase.schema import FacilityKind, IncidentType

session.init()
user = access.require(Permission.MAP_VIEW, Permission.INCIDENT_VIEW)
lang = session.lang()
T = translator(lang)
settings = session.settings()
inputs = shell.page_inputs()
area = inputs.area
facilities = inputs.facilities
incidents = inputs.incidents
sites = cache.sites(facilities)
depots = cache.depots(facilities)

st.title(T("page.map"))
st.caption(T("app.area", name=getattr(area, "name", "")))

c1, c2, c3 = st.columns(3)
c1.metric(T("map.facilities"), fmt_number(len(sites), lang))
c2.metric(T("layer.incidents"), fmt_number(len(incidents), lang))
c3.metric(T("layer.depots"), fmt_number(len(depots), lang))

start_h = parse_clock(settings.shift.start).hour
end_h = parse_clock(settings.shift.end).hour
hours = [(start_h + i) % 24 for i in range((end_h - start_h) % 24 + 1)]
default_hour = parse_clock(settings.shift.high_risk_start).hour
with st.sidebar:
    hour = st.select_slider(
        T("map.hour"),
        options=hours,
        value=default_hour if default_hour in hours else hours[0],
        format_func=lambda h: f"{h:02d}:00",
        key="map_hour",
    )
    view = st.radio(
        T("map.incident_view"),
        options=["cells", "heat", "cluster", "none"],
        format_func=lambda v: T(f"map.view.{v}"),
        key=session.keep("map_view"),
    )
    # Online tiles send the ward's map extent to a tile server: offered only when the ward's
    # settings allow going online ([area] online), never by one user's click alone.
    online = settings.area.online and st.checkbox(
        T("map.online_tiles"), value=False, key="map_online"
    )
    add_mode = st.radio(
        T("map.click_add"),
        options=["none", "incident", "facility"],
        format_func=lambda v: T(f"map.add.{v}"),
        key=session.keep("map_add_mode"),
    )


def _frame(*, with_risk: bool) -> mapframe.MapFrame:
    """Draw the map: base map, incidents, sites in their risk colour at ``hour``, depots."""
    risk = cache.risk_table(inputs, int(hour), lang=lang) if with_risk else None
    fmap = mapview.build_map(cache.session_base_layers(), lang=lang, online_tiles=online)
    cells = mapview.add_incidents(fmap, incidents, view=view, lang=lang)  # type: ignore[arg-type]
    site_layer = mapview.add_facilities(fmap, sites, risk=risk, lang=lang)
    depot_layer = mapview.add_depots(fmap, depots, lang=lang)
    legend = legend_entries(levels=site_layer.levels, cells=view == "cells" and cells is not None,
                            depots=not depots.empty)  # fmt: skip
    mapview.add_legend(fmap, legend, lang=lang, facilities=site_layer, incidents=cells,
                       depots=depot_layer)  # fmt: skip
    folium.LayerControl(collapsed=True).add_to(fmap)
    return mapframe.frame_of(fmap)


# The map is drawn once per content (the inputs, tonight, the hour, the layers, the language)
# for every session: coming back to the page, or clicking on the map, sends it again as is.
content = mapframe.frame_key("map", cache.inputs_signature(), cache.tonight(), int(hour), lang,
                             view, online)  # fmt: skip
assessed = True
try:
    frame = mapframe.cached_frame(content, lambda: _frame(with_risk=True))
except PatrolError as exc:  # the risk could not be assessed: grey sites, and the reason
    session.show_error(exc, lang)
    frame, assessed = _frame(with_risk=False), False
clicked = shell.show_map(frame, key="main", returned=("last_clicked", "last_object_clicked"))

# The clicked site's explanation, below the map, when its popup could not carry it.
target = (clicked or {}).get("last_object_clicked")
risk = None
if target and assessed:
    with session.guard():
        risk = cache.risk_table(inputs, int(hour), lang=lang)
if target and risk is not None:
    near = (sites["lat"] - float(target["lat"])).abs() + (sites["lon"] - float(target["lng"])).abs()
    if len(near) and near.min() < 1e-5:
        fid = str(near.idxmin())
        with session.guard():
            text = str(risk.at[fid, "explanation"]) if fid in risk.index else ""
            text = text or cache.explain_one(inputs, fid, int(hour), lang=lang)
        if text.strip():
            with st.expander(T("popup.why"), expanded=True):
                st.code(text, language=None)

point = (clicked or {}).get("last_clicked")
# The component keeps returning the last click: a point already added is not offered again.
if point and (point["lat"], point["lng"]) == st.session_state.get("map_click_done"):
    point = None
if point and add_mode != "none":
    lat, lon = round(float(point["lat"]), 6), round(float(point["lng"]), 6)
    st.info(T("map.clicked", lat=f"{lat:.6f}", lon=f"{lon:.6f}"))
    west, south, east, north = area.bbox
    if not (west <= lon <= east and south <= lat <= north):
        st.warning(T("map.outside"))
    elif add_mode == "incident":
        with st.form("add_incident"):
            kind = st.selectbox(T("map.add_type"), [k.value for k in IncidentType],
                                format_func=lambda k: incident_label(k, lang))  # fmt: skip
            when = st.text_input(T("map.add_time"), value=ward_now().strftime("%d/%m/%Y %H:%M"))
            if st.form_submit_button(T("map.add_button")):
                with session.guard():
                    day, _, clock = when.strip().partition(" ")
                    moment = datetime.combine(parse_date(day), parse_clock(clock or "00:00"))
                    session.get("added_incidents").append(
                        {"time": pd.Timestamp(moment), "type": kind, "lat": lat, "lon": lon,
                         "facility_id": "", "description": "", "demo": False}
                    )  # fmt: skip
                    st.success(T("map.added_incident", lat=f"{lat:.6f}", lon=f"{lon:.6f}"))
                    session.set_plan(None, None)
                    st.session_state["map_click_done"] = (point["lat"], point["lng"])
                    st.rerun()
    else:
        with st.form("add_facility"):
            name = st.text_input(T("map.add_name"))
            kind = st.selectbox(
                T("map.add_kind"),
                [k.value for k in FacilityKind],
                format_func=lambda k: kind_label(k, lang),
            )
            if st.form_submit_button(T("map.add_button")) and name.strip():
                session.get("added_facilities").append(
                    {"name": name.strip(), "kind": kind, "lat": lat, "lon": lon,
                     "source": "survey", "osm_id": "", "address": "", "opening_hours": "",
                     "operator": "", "cash_level": "", "guard": pd.NA, "camera": pd.NA,
                     "alarm": pd.NA, "contact": "", "notes": ""}
                )  # fmt: skip
                session.set_plan(None, None)
                st.session_state["map_click_done"] = (point["lat"], point["lng"])
                st.rerun()

st.subheader(T("map.by_kind"))
counts = sites["kind"].value_counts()
st.dataframe(
    pd.DataFrame(
        {T("map.kind"): [kind_label(k, lang) for k in counts.index],
         T("map.count"): counts.to_numpy()}
    ),
    hide_index=True,
)  # fmt: skip
