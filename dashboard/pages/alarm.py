"""Báo động: a site under alarm at a given time; the nearest team goes, the night is re-planned.

The team that can be at the site first, by where the plan puts it at that moment, is sent; its
drive is drawn in red on the map with the rest of the night of every team, re-planned from where
each team will be. The commander can adopt the new plan as the current one.
"""

from __future__ import annotations

from typing import Any

import folium
import streamlit as st

from dashboard import access, cache, mapview, planops, planview, shell
from dashboard import state as session
from dashboard.i18n import fmt_clock, fmt_duration, kind_label, translator
from patrol.personnel import team_label
from patrol.store.auth import Permission

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
inputs = shell.page_inputs()
access.require(Permission.PLAN_EDIT)

st.title(T("page.alarm"))
result = session.get("plan")
request = session.get("plan_request")
if result is None or request is None:
    st.info(T("alarm.no_plan"))
    st.page_link("pages/plan.py", label=T("page.plan"), icon=":material/route:")
    st.stop()

shift = request["shift"]
shown = planops.site_names(result, inputs.facilities)
names = {
    s.id: f"{shown[s.id]} ({kind_label(str(s.extra.get('kind', '')), lang)})"
    for s in result.problem.sites
}
c1, c2, c3 = st.columns([3, 1, 1])
site = c1.selectbox(T("alarm.site"), list(names), format_func=names.__getitem__, index=None,
                    placeholder=T("plan.choose"), key="alarm_site")  # fmt: skip
when = c2.time_input(T("alarm.time"), value=shift.at(shift.high_risk_s[0] + 1800).time(),
                     key="alarm_time")  # fmt: skip
stay = c3.number_input(T("alarm.stay"), min_value=5, max_value=120, value=15, step=5,
                       key="alarm_stay")  # fmt: skip
if st.button(T("alarm.run"), type="primary", key="alarm_run", disabled=site is None):
    from patrol.alarm import alarm_replan

    with session.guard(), st.spinner(T("alarm.running")):
        answer = alarm_replan(
            result, inputs, site=str(site), at_s=planops.seconds_of(shift, when),
            alarm_service_s=int(stay) * 60, seed=int(request["seed"]),
            time_limit_s=float(request["time_limit"]),
        )  # fmt: skip
        st.session_state["alarm_answer"] = (result, answer)

kept: Any = st.session_state.get("alarm_answer")
if kept is None or kept[0] is not result:
    st.stop()
answer = kept[1]
dispatch = answer.dispatch
sent = team_label(dispatch.team, lang)
st.success(T("alarm.dispatch", team=sent, site=names.get(dispatch.site, dispatch.site),
             travel=fmt_duration(answer.travel_s, lang),
             leave=fmt_clock(shift.at(answer.origin_free_s)),
             arrive=fmt_clock(shift.at(dispatch.arrive_s)),
             free=fmt_clock(shift.at(dispatch.free_s))))  # fmt: skip
rest = answer.rest
summary = planview.summarise(rest.problem, rest.plan, shift)
cols = st.columns(3)
for i, (label, value) in enumerate(planview.metrics_rows(summary, lang)):
    cols[i % 3].metric(label, value)

info = planview.site_info(rest.problem)
fmap = mapview.build_map(cache.session_base_layers(), lang=lang)
depot_layer = mapview.add_depots(fmap, cache.depots(inputs.facilities), lang=lang)
team_ids = [t.id for t in result.problem.teams]
drawn = mapview.add_routes(fmap, rest.plan, shift=shift, lang=lang, sites=info,
                           team_order=team_ids)  # fmt: skip
mapview.add_routes_legend(fmap, drawn, team_order=team_ids, depots=depot_layer, lang=lang)
node = result.problem.nodes[dispatch.node]
planview.add_dispatch(
    fmap, answer.path, lat=float(node.lat or 0.0), lon=float(node.lon or 0.0),
    tip=T("alarm.tip", team=sent, site=names.get(dispatch.site, dispatch.site)),
    lang=lang,
)  # fmt: skip
folium.LayerControl(collapsed=True).add_to(fmap)
shell.show_map(fmap, key="alarm")

for team, table in planview.timeline(rest.plan, shift, lang=lang, sites=info).items():
    route = next(r for r in rest.plan.routes if r.team == team)
    label = team_label(team, lang) + (" · " + T("alarm.sent") if team == dispatch.team else "")
    st.markdown(f"**{label}** · " + T("alarm.from", start=fmt_clock(shift.at(route.depart)),
                back=fmt_clock(shift.at(route.return_)), n=len(route.stops)))  # fmt: skip
    st.dataframe(table, hide_index=True)

if st.button(T("alarm.adopt"), key="alarm_adopt"):
    session.set_plan(rest, request)
    st.session_state.pop("alarm_answer", None)
    st.success(T("alarm.adopted"))
