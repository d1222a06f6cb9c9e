"""Lộ trình: each team's loop and timeline of the session's latest plan."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard import cache, mapview, planview, shell
from dashboard import state as session
from dashboard.i18n import fmt_duration, translator

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
inputs = shell.page_inputs()

st.title(T("page.routes"))
result = session.get("plan")
request = session.get("plan_request")
if result is None or request is None:
    st.info(T("plan.none"))
    st.page_link("pages/plan.py", label=T("page.plan"), icon=":material/route:")
    st.stop()

shift = request["shift"]
plan, problem = result.plan, result.problem
info = planview.site_info(problem)
st.caption(T("plan.shift_label", label=shift.label()))
teams = [r.team for r in plan.routes]
if not teams:
    st.info(T("plan.none"))
    st.stop()
team = st.radio(T("plan.teams"), teams, format_func=lambda x: T("routes.team", team=x),
                horizontal=True, key=session.keep("routes_team"))  # fmt: skip
route = next(r for r in plan.routes if r.team == team)
depot = route.extra.get("depot") or {}
if depot.get("name"):
    st.markdown(T("routes.depot", name=depot["name"]))
st.markdown(T("routes.summary", depart=f"{shift.at(route.depart):%H:%M}",
              back=f"{shift.at(route.return_):%H:%M}", n=len(route.stops),
              travel=fmt_duration(route.travel_s, lang)))  # fmt: skip

one = dataclasses.replace(plan, routes=(route,))
path, mode, settings_json = (
    session.get("area_path"),
    settings.network.default_mode,
    session.get("settings_json"),
)
fmap = mapview.build_map(cache.base_layers(path, mode, settings_json), lang=lang)
mapview.add_depots(fmap, cache.depots(inputs.facilities), lang=lang)
mapview.add_routes(fmap, one, shift=shift, lang=lang, sites=info, team_order=teams)
shell.show_map(fmap, key="routes")
st.dataframe(planview.timeline(one, shift, lang=lang, sites=info)[team], hide_index=True)
