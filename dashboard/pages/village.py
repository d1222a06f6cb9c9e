"""Tuần tra nhân dân: each residential group's walking loop and its people's patrol team's night.

The commander picks the night and the leaving time and may upload the roster of the people's
patrol teams (the form ``mau-to-tuan-tra-nhan-dan.xlsx``); the page plans the night
(``patrol.village_night.plan_village_night``), draws the groups and each loop with its sites of
concern on the ward's map, lists the loops and the teams, and offers the files ``patrol
village-loops --teams`` writes (per team the sheet, PDF, phone page and GPX) as one ZIP.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, time
from html import escape
from pathlib import Path

import folium
import streamlit as st

from dashboard import access, cache, mapview, shell
from dashboard import state as session
from dashboard.i18n import kind_label, translator
from geodata.mapstyle import TEAM_COLOURS
from patrol.store.auth import Permission
from patrolbase.clock import ward_today
from patrolbase.wording import fmt_decimal

_MAX_BYTES = 5 * 1024 * 1024
FORM = (
    Path(__file__).parents[2] / "geodata" / "data" / "templates" / "mau-to-tuan-tra-nhan-dan.xlsx"
)

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
access.require(Permission.PLAN_EDIT)

st.title(T("page.village"))
st.caption(T("village.page.intro"))
today = ward_today()
st.download_button(T("village.page.form"), FORM.read_bytes(), file_name=FORM.name,
                   key="village_form")  # fmt: skip
# One form: an upload still in progress cannot rerun the page under a planning just asked for.
with st.form("village_night", border=False):
    c1, c2 = st.columns(2)
    day = c1.date_input(T("village.page.date"), value=today, format="DD/MM/YYYY",
                        key="village_date")  # fmt: skip
    hour, minute = (int(x) for x in settings.shift.start.split(":"))
    leave = c2.time_input(T("village.page.start"), value=time(hour, minute), step=900,
                          key="village_start")  # fmt: skip
    roster = st.file_uploader(T("village.page.roster"), type=["csv", "xlsx"],
                              key="village_roster")  # fmt: skip
    run = st.form_submit_button(T("village.page.run"), type="primary", key="village_run")

if run:
    from dashboard.wardgroups import ward_groups
    from patrol.village_night import plan_village_night, write_village_night
    from patrolbase.errors import InputFileError

    st.session_state["village_result"] = st.session_state["village_zip"] = None
    with session.guard(), st.spinner(T("village.page.running")), \
            tempfile.TemporaryDirectory(prefix="patrol-village-") as tmp:  # fmt: skip
        path = None
        if roster is not None:
            data = roster.getvalue()
            if len(data) > _MAX_BYTES:
                raise InputFileError(
                    roster.name,
                    "the roster is larger than 5 MB: upload only the list of people",
                    message_vi="Danh sách lớn hơn 5 MB: chỉ tải lên danh sách người.",
                )
            path = Path(tmp) / ("roster" + Path(roster.name).suffix.lower())
            path.write_bytes(data)
        area = cache.area(session.get("area_path"), "foot", session.get("settings_json"))
        planned = plan_village_night(
            area, groups=ward_groups(area, settings), day=day if isinstance(day, date) else today,
            start=leave if isinstance(leave, time) else None, settings=settings, roster=path,
            roster_name=roster.name if roster is not None else None, lang=lang,
        )  # fmt: skip
        out = Path(tmp) / "files"
        files = write_village_night(planned, out, area=area, lang=lang)
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.write(file, file.name)
        st.session_state["village_result"] = planned
        st.session_state["village_zip"] = packed.getvalue()

night = st.session_state.get("village_result")
if night is None:
    st.info(T("village.page.none"))
    st.stop()

whole = sum(1 for loop in night.loops if not loop.left)
st.success(T("village.summary", loops=len(night.loops), whole=whole,
             minutes=settings.village.loop_min))  # fmt: skip
if night.teams:
    longest = max(n.loop.duration_s for n in night.teams)
    st.success(T("village.teams_summary", teams=len(night.teams),
                 sites=sum(len(n.loop.sites) for n in night.teams),
                 minutes=fmt_decimal(longest / 60, lang)))  # fmt: skip
for group in night.without_loop:
    st.warning(T("village.no_loop", group=group))

fmap = mapview.build_map(cache.session_base_layers(), lang=lang)
mapview.add_groups(fmap, night.groups, name=T("campaign.page.groups"))
with_team = {n.loop.group_id for n in night.teams}
for k, loop in enumerate(night.loops):
    colour = TEAM_COLOURS[k % len(TEAM_COLOURS)]
    features = [
        {"type": "Feature",
         "geometry": {"type": "LineString", "coordinates": [list(p) for p in loop.path]},
         "properties": {"tip": escape(loop.group), "style": {"color": colour, "weight": 3,
                                                     "opacity": 0.85}}}
    ] + [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
         "properties": {"tip": escape(s.name or kind_label(s.kind, lang)),
                        "style": {"color": colour, "radius": 5}}}
        for s in loop.sites
    ]  # fmt: skip
    mapview.VectorLayer(
        {"type": "FeatureCollection", "features": features}, name=loop.group,
        show=loop.group_id in with_team or not with_team,
    ).add_to(fmap)  # fmt: skip
folium.LayerControl(collapsed=True).add_to(fmap)
shell.show_map(fmap, key="village", height=520)

leaders = {n.loop.group_id: n.team.leader.name for n in night.teams}
st.dataframe(
    [
        {
            T("village.col.group"): loop.group,
            T("village.page.col.leader"): leaders.get(loop.group_id, ""),
            T("village.col.minutes"): round(loop.duration_s / 60),
            T("village.col.km"): fmt_decimal(loop.length_m / 1000, lang, decimals=1),
            T("village.page.col.sites"): len(loop.sites),
            T("village.col.left"): len(loop.left),
        }
        for loop in night.loops
    ],
    hide_index=True,
)
st.download_button(T("village.page.download"), st.session_state["village_zip"],
                   file_name=f"tuan-tra-nhan-dan-{night.shift.date:%Y-%m-%d}.zip",
                   mime="application/zip", key="village_download")  # fmt: skip
