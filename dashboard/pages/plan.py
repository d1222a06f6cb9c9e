"""Lập kế hoạch ca: the shift's options, Solve, then the loops on the map, metrics, warnings."""

from __future__ import annotations

import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import folium
import streamlit as st

from dashboard import cache, mapview, planview, shell
from dashboard import state as session
from dashboard.i18n import fmt_duration, fmt_number, kind_label, translator
from geodata.shift import Shift, parse_clock

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
inputs = shell.page_inputs()
facilities = inputs.facilities
sites = cache.sites(facilities)
depots = cache.depots(facilities)

st.title(T("page.plan"))


def _label(frame: Any) -> dict[str, str]:
    labels = {}
    for fid, row in frame.iterrows():
        kind = kind_label(str(row["kind"]), lang)
        labels[str(fid)] = f"{row['name'] or kind} ({kind})"
    return labels


site_names = _label(sites)
depot_names = _label(depots)

# Plain widgets, not a form: AppTest cannot submit forms on st.navigation pages, and the
# page is cheap to re-run.
c1, c2, c3 = st.columns(3)
day = c1.date_input(T("plan.date"), value=date.today(), format="DD/MM/YYYY", key="plan_date")
start = c2.time_input(T("plan.start"), value=parse_clock(settings.shift.start), key="plan_start")
end = c3.time_input(T("plan.end"), value=parse_clock(settings.shift.end), key="plan_end")
c4, c5, c6 = st.columns(3)
hr_start = c4.time_input(T("plan.hr_start"), value=parse_clock(settings.shift.high_risk_start),
                         key="plan_hr_start")  # fmt: skip
hr_end = c5.time_input(T("plan.hr_end"), value=parse_clock(settings.shift.high_risk_end),
                       key="plan_hr_end")  # fmt: skip
n_teams = c6.number_input(T("plan.teams"), min_value=1, max_value=8, value=3, step=1,
                          key="plan_teams")  # fmt: skip
chosen_depots = st.multiselect(
    T("plan.depots"), list(depot_names), format_func=depot_names.get,
    key=session.keep("plan_depots", list(depot_names)), placeholder=T("plan.choose"),
)  # fmt: skip
c7, c8 = st.columns(2)
include = c7.multiselect(T("plan.include"), list(site_names), format_func=site_names.get,
                         key=session.keep("plan_include"), placeholder=T("plan.choose"))  # fmt: skip
exclude = c8.multiselect(T("plan.exclude"), list(site_names), format_func=site_names.get,
                         key=session.keep("plan_exclude"), placeholder=T("plan.choose"))  # fmt: skip
time_limit = st.slider(T("plan.time_limit"), min_value=1, max_value=60,
                       value=int(settings.routing.time_limit_s), key="plan_time_limit")  # fmt: skip
solve = st.button(T("plan.solve"), type="primary", key="plan_solve")


def _run(request: dict[str, Any]) -> None:
    """Solve one request and keep the plan in the session."""
    from patrol.pipeline import plan_shift

    shift = Shift(request["date"], request["start"], request["end"], request["hr_start"],
                  request["hr_end"])  # fmt: skip
    # The engine runs beside the page so that a progress bar can count down its time limit;
    # its errors come back through result() and are shown by the caller's guard.
    expected_s = float(request["time_limit"]) + 3.0  # + risk, travel times and paths
    bar = st.progress(0.0, text=T("plan.solving", n=request["n_teams"]))
    began = clock.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(
            plan_shift,
            inputs,
            shift,
            n_teams=request["n_teams"],
            depots=request["depots"] or None,
            include=tuple(request["include"]),
            exclude=tuple(request["exclude"]),
            time_limit_s=float(request["time_limit"]),
            seed=request["seed"],
            settings=settings,
        )
        while not job.done():
            share = min((clock.perf_counter() - began) / expected_s, 0.99)
            bar.progress(share, text=T("plan.solving", n=request["n_teams"]))
            clock.sleep(0.25)
        try:
            result = job.result()
        finally:
            bar.empty()
    st.success(T("plan.done", s=f"{clock.perf_counter() - began:.1f}"))
    session.set_plan(result, {**request, "shift": shift})


if solve:
    with session.guard():
        _run(
            {
                "date": day, "start": start, "end": end, "hr_start": hr_start, "hr_end": hr_end,
                "n_teams": int(n_teams), "depots": list(chosen_depots), "include": list(include),
                "exclude": list(exclude), "time_limit": int(time_limit),
                "seed": settings.routing.seed,
            }
        )  # fmt: skip

result = session.get("plan")
request = session.get("plan_request")
if result is None or request is None:
    st.info(T("plan.none"))
    st.stop()

if st.button(T("plan.reseed"), key="plan_reseed"):
    with session.guard():
        _run({**request, "seed": int(request["seed"]) + 1})
    result = session.get("plan")
    request = session.get("plan_request")

shift: Shift = request["shift"]
plan, problem = result.plan, result.problem
st.caption(
    T("plan.shift_label", label=shift.label()) + " · " + T("plan.seed", seed=request["seed"])
)

summary = planview.summarise(problem, plan, shift)
st.subheader(T("plan.metrics"))
cols = st.columns(3)
for i, (label, value) in enumerate(planview.metrics_rows(summary, lang)):
    cols[i % 3].metric(label, value)
st.caption(T("plan.value_detail", value=fmt_number(summary.value, lang),
             total=fmt_number(summary.total_value, lang)))  # fmt: skip

missed = planview.high_risk_unserved(problem, plan, shift, lang=lang)
if missed:
    names = ", ".join(dict.fromkeys(name for name, _ in missed[:8]))
    st.warning(T("plan.unserved_warning", n=len(missed), names=names))

info = planview.site_info(problem)
path, mode, settings_json = (
    session.get("area_path"),
    settings.network.default_mode,
    session.get("settings_json"),
)
fmap = mapview.build_map(cache.base_layers(path, mode, settings_json), lang=lang)
# Each site in the colour of its peak risk over the shift the plan was made for.
levels = result.assessment.levels.to_frame("level")
mapview.add_facilities(fmap, sites, risk=levels, lang=lang)
mapview.add_depots(fmap, depots, lang=lang)
mapview.add_routes(fmap, plan, shift=shift, lang=lang, sites=info)
folium.LayerControl(collapsed=True).add_to(fmap)
shell.show_map(fmap, key="plan")

for team, table in planview.timeline(plan, shift, lang=lang, sites=info).items():
    route = next(r for r in plan.routes if r.team == team)
    st.markdown(f"**{T('routes.team', team=team)}** · " + T(
        "routes.summary", depart=f"{shift.at(route.depart):%H:%M}",
        back=f"{shift.at(route.return_):%H:%M}", n=len(route.stops),
        travel=fmt_duration(route.travel_s, lang)))  # fmt: skip
    st.dataframe(table, hide_index=True)
