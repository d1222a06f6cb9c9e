"""Tuyên truyền lưu động: the week's loudspeaker runs over every residential street.

The commander picks the week, the vehicles and their kind; the page plans the runs
(``geodata.campaign.plan_campaign``), draws the residential groups and each run's loop on the
ward's map, lists the runs, and offers their GPX and GeoJSON files with the week's table as one
ZIP file, the files ``patrol campaign`` writes. «Lưu kế hoạch tuần» stores the planned week; below,
the week's saved runs and their results, one run recorded made or not made at a time
(``dashboard.campaignruns``).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

import folium
import streamlit as st

from dashboard import access, cache, mapview, shell
from dashboard import state as session
from dashboard.i18n import translator
from geodata.mapstyle import TEAM_COLOURS
from patrol.store.auth import Permission
from patrolbase.clock import ward_today
from patrolbase.wording import fmt_decimal, say

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
access.require(Permission.PLAN_EDIT)

st.title(T("page.campaign"))
st.caption(T("campaign.page.intro"))
today = ward_today()
c1, c2, c3 = st.columns(3)
monday = today + timedelta(days=-today.weekday() % 7)  # the coming Monday (today if it is one)
first = c1.date_input(T("campaign.page.week_of"), value=monday, format="DD/MM/YYYY",
                      key="campaign_week_of")  # fmt: skip
vehicles = c2.number_input(T("campaign.page.vehicles"), min_value=1, max_value=20,
                           value=settings.campaign.vehicles, key="campaign_vehicles")  # fmt: skip
kind = c3.radio(T("campaign.page.vehicle"), ["motorbike", "car"], horizontal=True,
                index=0 if settings.campaign.vehicle == "motorbike" else 1,
                format_func=lambda m: T(f"settings.mode.{m}"), key="campaign_vehicle")  # fmt: skip

if st.button(T("campaign.page.run"), type="primary", key="campaign_run"):
    from dashboard.wardgroups import ward_groups
    from geodata.campaign import plan_campaign

    chosen = settings.replace(campaign={"vehicles": int(vehicles), "vehicle": kind})
    with session.guard(), st.spinner(T("campaign.page.running")):
        area = cache.area(session.get("area_path"), kind, session.get("settings_json"))
        st.session_state["campaign_result"] = plan_campaign(
            area, week_of=first if isinstance(first, date) else today, settings=chosen,
            groups=ward_groups(area, chosen),
        )  # fmt: skip

from dashboard.campaignruns import runs_section, save_button  # noqa: E402

week_start = first if isinstance(first, date) else today
week = st.session_state.get("campaign_result")
if week is None:
    st.info(T("campaign.page.none"))
    runs_section(week_start, lang)
    st.stop()

from patrol.export.campaign import run_label, week_summary, write_campaign  # noqa: E402

summary = week_summary(week, lang)
if week.left:
    st.warning(summary + " " + say("campaign.left", lang, count=len(week.left), runs=week.more_runs)
               + " " + "; ".join(str(week.streets.at[s, "name"]) for s in week.left))  # fmt: skip
else:
    st.success(summary)

fmap = mapview.build_map(cache.session_base_layers(), lang=lang)
mapview.add_groups(fmap, week.groups, name=T("campaign.page.groups"))
days = sorted({run.day for run in week.runs})
for run in week.runs:
    colour = TEAM_COLOURS[days.index(run.day) % len(TEAM_COLOURS)]
    label = run_label(run, lang)
    mapview.VectorLayer(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature",
             "geometry": {"type": "LineString", "coordinates": [list(p) for p in run.path]},
             "properties": {"tip": label, "style": {"color": colour, "weight": 3,
                                                    "opacity": 0.85}}}]},
        name=label, show=run is week.runs[0],
    ).add_to(fmap)  # fmt: skip
folium.LayerControl(collapsed=True).add_to(fmap)
shell.show_map(fmap, key="campaign", height=520)

st.dataframe(
    [
        {
            T("campaign.page.col.run"): run_label(run, lang),
            T("campaign.page.col.purpose"): say(f"campaign.purpose.{run.purpose}", lang),
            T("campaign.page.col.minutes"): round(run.duration_s / 60),
            T("campaign.page.col.km"): fmt_decimal(run.length_m / 1000, lang, decimals=1),
            T("campaign.page.col.streets"): len(set(run.streets)),
        }
        for run in week.runs
    ],
    hide_index=True,
)
with tempfile.TemporaryDirectory(prefix="patrol-campaign-") as tmp:
    files = write_campaign(week, Path(tmp), lang=lang,
                           background=cache.session_street_background())  # fmt: skip
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
st.download_button(T("campaign.page.download"), packed.getvalue(),
                   file_name=f"tuyen-truyen-{week.week_of:%Y-%m-%d}.zip",
                   mime="application/zip", key="campaign_download")  # fmt: skip
save_button(week, lang)
runs_section(week_start, lang)
