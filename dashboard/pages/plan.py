"""Lập kế hoạch ca: options, roster, Solve, loops, metrics; adjust, compare, save, approve.

After Solve the page shows the loops on the map, the metrics and warnings; then the commander
moves or locks stops and re-solves around them, compares alternatives side by side and saves and
approves the plan in the store. After the shift, each team's GPS track is uploaded and shown
beside its planned loop with every stop's result (``recordview.records_section``; also without a
plan in the session, for the night chosen above).
"""

from __future__ import annotations

import time as clock
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import folium
import streamlit as st

from dashboard import access, cache, mapview, planops, planview, recordview, shell
from dashboard import state as session
from dashboard.i18n import fmt_duration, fmt_number, kind_label, translator
from geodata.shift import Shift, parse_clock
from patrol.advice import coverage_lines, key_route_lines, left_out_lines
from patrol.personnel import team_label
from patrol.store import plans as stored_plans
from patrol.store import roster as roster_store
from patrol.store.auth import Permission
from patrolbase.clock import ward_today

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
day = c1.date_input(T("plan.date"), value=ward_today(), format="DD/MM/YYYY", key="plan_date")
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
    T("plan.depots"), list(depot_names), format_func=depot_names.__getitem__,
    key=session.keep("plan_depots", list(depot_names)), placeholder=T("plan.choose"),
)  # fmt: skip
c7, c8 = st.columns(2)
choose = T("plan.choose")
include = c7.multiselect(T("plan.include"), list(site_names), format_func=site_names.__getitem__,
                         key=session.keep("plan_include"), placeholder=choose)  # fmt: skip
exclude = c8.multiselect(T("plan.exclude"), list(site_names), format_func=site_names.__getitem__,
                         key=session.keep("plan_exclude"), placeholder=choose)  # fmt: skip
key_routes = st.multiselect(T("plan.key_routes"), cache.session_street_names(),
                            key="plan_key_routes", placeholder=choose,
                            help=T("plan.key_routes_help"))  # fmt: skip
routes_in_window = st.checkbox(T("plan.key_routes_in_window"), disabled=not key_routes,
                               key="plan_key_routes_in_window")  # fmt: skip
time_limit = st.slider(T("plan.time_limit"), min_value=1, max_value=60,
                       value=int(settings.routing.time_limit_s), key="plan_time_limit")  # fmt: skip
with st.expander(T("ops.roster"), expanded=False):
    # Who is on duty tonight: police officers lead, military or militia members join.
    roster_file = st.file_uploader(T("ops.roster_upload"), type=["csv", "xlsx"],
                                   key="plan_roster_file")  # fmt: skip
    r1, r2 = st.columns(2)
    per_police = r1.number_input(T("ops.per_police"), min_value=1, max_value=5, value=1, step=1,
                                 key="plan_roster_police")  # fmt: skip
    per_military = r2.number_input(T("ops.per_military"), min_value=0, max_value=5, value=1,
                                   step=1, key="plan_roster_military")  # fmt: skip
    st.session_state["plan_roster"] = None
    if roster_file is not None:
        from routing.roster import form_teams

        with session.guard():
            people = planops.read_roster_upload(roster_file.name, roster_file.getvalue())
            st.session_state["plan_roster"] = form_teams(
                people, teams=int(n_teams), police_per_team=int(per_police),
                military_per_team=int(per_military),
            )  # fmt: skip
    formed = st.session_state["plan_roster"]
    # The night's roster kept in the store (standing teams and swaps, page Lực lượng).
    crews = None
    if formed is None and st.toggle(T("ops.roster_store"), value=True, key="plan_roster_store"):
        with session.guard():
            crews = roster_store.night_teams(
                access.store(), access.principal(), area=inputs.area.name, shift_date=day
            )
    if formed is not None:
        st.success(T("ops.roster_formed", n=len(formed.teams), reserve=len(formed.reserve)))
        st.dataframe(planops.roster_table(formed, lang), hide_index=True)
    elif crews:
        st.success(T("ops.roster_from_store", n=len(crews), date=f"{day:%d/%m/%Y}"))
        for crew in crews:
            names = ", ".join(p.name for p in crew.members)
            st.caption(T("ops.roster_team", team=team_label(crew.id, lang), names=names))
    else:
        st.caption(T("ops.roster_hint"))
roster_teams = formed.teams if formed is not None else (crews or None)
if roster_teams:
    # The roster decides the teams; said outside the folded box, beside the count it overrides.
    st.info(T("ops.roster_in_use", n=len(roster_teams)))
solve = st.button(T("plan.solve"), type="primary", key="plan_solve")


def _run(request: dict[str, Any], *, fresh: bool = False) -> None:
    """Solve one request and keep the plan in the session (and among the alternatives)."""
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
            roster=request.get("roster"),
            key_routes=tuple(request.get("key_routes", ())),
            key_route_window=request.get("key_route_window"),
        )
        while not job.done():
            share = min((clock.perf_counter() - began) / expected_s, 0.99)
            bar.progress(share, text=T("plan.solving", n=request["n_teams"]))
            clock.sleep(0.25)
        try:
            result = job.result()
        finally:
            bar.empty()
    st.success(T("plan.done", s=fmt_number(clock.perf_counter() - began, lang, decimals=1)))
    session.set_plan(result, {**request, "shift": shift})
    _keep_alternative(result, request["seed"], T("ops.note.seed", seed=request["seed"]),
                      fresh=fresh)  # fmt: skip


def _keep_alternative(result: Any, seed: int, note: str, *, fresh: bool = False) -> None:
    """Keep ``result`` among the alternatives to compare (a new Solve starts a new list)."""
    alternatives = [] if fresh else list(st.session_state.get("plan_alternatives") or [])
    label = planops.next_label(alternatives)
    alternatives.append(planops.Alternative(label, note, result, int(seed)))
    st.session_state["plan_alternatives"] = alternatives[-8:]
    st.session_state["plan_current"] = label


if solve:
    with session.guard():
        _run(
            {
                "date": day, "start": start, "end": end, "hr_start": hr_start, "hr_end": hr_end,
                "n_teams": len(roster_teams) if roster_teams else int(n_teams),
                "depots": list(chosen_depots), "include": list(include),
                "exclude": list(exclude), "key_routes": list(key_routes),
                "key_route_window": (hr_start, hr_end) if routes_in_window else None,
                "time_limit": int(time_limit),
                "seed": settings.routing.seed,
                "roster": roster_teams,
            },
            fresh=True,
        )  # fmt: skip


result = session.get("plan")
request = session.get("plan_request")
if result is None or request is None:
    st.info(T("plan.none"))
    recordview.records_section(day, area=inputs.area, settings=settings, lang=lang)
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

# A holiday, Tết or event night, and why its risk is higher, before anything else.
night_line = (plan.extra.get("night") or {}).get("line", {}).get(lang, "")
if night_line:
    st.warning(f"**{night_line}**", icon="📅")

# What the night covers, above the map: the top level against what the teams can do.
window_label = f"{shift.high_risk_start:%H:%M}-{shift.high_risk_end:%H:%M}"
st.subheader(T("plan.cover_title"))
advice = coverage_lines(result.metrics, window=window_label, lang=lang)
left_out = left_out_lines(result.metrics, lang=lang)
(st.warning if left_out else st.success)("  \n".join(advice))
if left_out:
    st.warning(T("plan.left_out") + "\n" + "\n".join(f"- {line}" for line in left_out))
if result.metrics.get("coverage", {}).get("key_routes"):
    missed = any(not r.get("team") for r in result.metrics["coverage"]["key_routes"])
    (st.warning if missed else st.info)("  \n".join(key_route_lines(result.metrics, lang=lang)))

summary = planview.summarise(problem, plan, shift)
st.subheader(T("plan.metrics"))
cols = st.columns(3)
for i, (label, value) in enumerate(planview.metrics_rows(summary, lang)):
    cols[i % 3].metric(label, value)
st.caption(T("plan.value_detail", value=fmt_number(summary.risk_covered, lang),
             total=fmt_number(summary.risk_total, lang)))  # fmt: skip

info = planview.site_info(problem)
team_ids = [route.team for route in plan.routes]
if not set(st.session_state.get("plan_team_filter") or team_ids) <= set(team_ids):
    del st.session_state["plan_team_filter"]  # teams of an earlier plan
st.session_state.setdefault("plan_team_filter", team_ids)
shown_teams = st.multiselect(
    T("plan.team_filter"), team_ids, key="plan_team_filter",
    format_func=lambda code: team_label(code, lang), placeholder=T("plan.choose"),
)  # fmt: skip
selected = planview.selected_stop(st.session_state.get("plan_selected"), team_ids)
map_col, table_col = st.columns([3, 2], gap="medium")
with map_col:
    fmap = mapview.build_map(cache.session_base_layers(), lang=lang, fill_screen=True)
    # Each site in the colour of its peak risk over the shift the plan was made for.
    levels = result.assessment.levels.to_frame("level")
    site_layer = mapview.add_facilities(fmap, sites, risk=levels, lang=lang)
    depot_layer = mapview.add_depots(fmap, depots, lang=lang)
    route_layers = mapview.add_routes(fmap, plan, shift=shift, lang=lang, sites=info,
                                      team_order=team_ids, teams=shown_teams,
                                      selected=selected)  # fmt: skip
    mapview.add_legend(
        fmap, planview.plan_legend(site_layer.levels, shown_teams, team_ids), lang=lang,
        facilities=site_layer, depots=depot_layer, routes=route_layers,
    )  # fmt: skip
    folium.LayerControl(collapsed=True).add_to(fmap)
    clicked = shell.show_map(fmap, key="plan", height=640, fill_screen=True,
                             returned=("last_object_clicked",))  # fmt: skip
picked = planview.clicked_stop(plan, info, (clicked or {}).get("last_object_clicked"))
if picked is not None and picked != st.session_state.get("plan_map_pick"):
    st.session_state["plan_map_pick"] = picked  # a new click on the map, not the last one again
    st.session_state["plan_selected"] = picked
    st.rerun()

with table_col:
    st.caption(T("plan.stop_pick"))
    for team, table in planview.timeline(plan, shift, lang=lang, sites=info).items():
        route = next(r for r in plan.routes if r.team == team)
        st.markdown(f"**{team_label(team, lang)}** · " + T(
            "routes.summary", depart=f"{shift.at(route.depart):%H:%M}",
            back=f"{shift.at(route.return_):%H:%M}", n=len(route.stops),
            travel=fmt_duration(route.travel_s, lang)))  # fmt: skip
        members = planview.members_line(route.extra.get("members"), lang)
        if members:
            st.caption(members)
        rows = planview.stop_rows(route, selected)
        shown = table.style.apply(planview.row_highlight(rows), axis=1)
        event = st.dataframe(shown, hide_index=True, on_select="rerun",
                             selection_mode="single-row", key=f"plan_timeline_{team}")  # fmt: skip
        chosen = list(event.selection.rows) if event is not None else []
        pick = (team, route.stops[chosen[0]].site) if chosen else None
        if pick is not None and pick != st.session_state.get(f"plan_row_pick_{team}"):
            st.session_state[f"plan_row_pick_{team}"] = pick
            st.session_state["plan_selected"] = pick
            st.rerun()


# ---- Adjust: move a stop to another team and/or time, lock stops, re-solve around them ----
st.subheader(T("ops.adjust"))
choices = planops.stop_choices(result, lang, facilities=facilities)
served = {k: v for k, v in choices.items() if not v.startswith(T("ops.unserved"))}
teams = [team.id for team in problem.teams]
# Choices of an earlier plan that this plan no longer has are dropped before the widgets draw.
keep_key, move_key = session.keep("plan_keep"), session.keep("plan_move_stop")
if keep_key in st.session_state:
    st.session_state[keep_key] = [k for k in st.session_state[keep_key] or [] if k in served]
if st.session_state.get(move_key) not in choices:
    st.session_state[move_key] = None
keep = st.multiselect(T("ops.keep"), list(served), format_func=choices.__getitem__,
                      key=keep_key, placeholder=choose)  # fmt: skip
a1, a2 = st.columns([3, 1])
move_stop = a1.selectbox(T("ops.move_stop"), list(choices), index=None,
                         format_func=choices.__getitem__,
                         key=move_key, placeholder=choose)  # fmt: skip
move_team = a2.selectbox(T("ops.move_team"), teams, key="plan_move_team")
a3, a4, a5 = st.columns(3)
timed = a3.checkbox(T("ops.move_timed"), key="plan_move_timed")
default_from = shift.at(shift.high_risk_s[0]).time()
move_from = a4.time_input(T("ops.move_from"), value=default_from, key="plan_move_from",
                          disabled=not timed)  # fmt: skip
move_to = a5.time_input(T("ops.move_to"), value=shift.at(shift.high_risk_s[0] + 1800).time(),
                        key="plan_move_to", disabled=not timed)  # fmt: skip
if st.button(T("ops.relock"), key="plan_relock", disabled=not (keep or move_stop)):
    from patrol.changes import Move, lock_order, replan_with_locks

    with session.guard():
        moves = []
        if move_stop:
            site_id, visit = move_stop.rsplit("|", 1)
            window = (
                (planops.seconds_of(shift, move_from), planops.seconds_of(shift, move_to))
                if timed
                else (None, None)
            )
            moves.append(Move(site_id, int(visit), str(move_team), *window))
        kept = [(k.rsplit("|", 1)[0], int(k.rsplit("|", 1)[1])) for k in keep]
        locked, windows = lock_order(problem, plan, keep=kept, moves=moves)
        with st.spinner(T("plan.solving", n=len(teams))):
            adjusted = replan_with_locks(
                result, inputs, locked=locked, windows=windows, seed=int(request["seed"]),
                time_limit_s=float(request["time_limit"]),
            )  # fmt: skip
        session.set_plan(adjusted, request)
        _keep_alternative(adjusted, int(request["seed"]), T("ops.note.adjusted",
                          n=sum(len(v) for v in locked.values())))  # fmt: skip
        st.rerun()

# ---- Compare: alternatives side by side, choose one as current ----
alternatives: list[planops.Alternative] = list(st.session_state.get("plan_alternatives") or [])
if not any(alt.result is result for alt in alternatives):
    _keep_alternative(result, int(request["seed"]), T("ops.note.seed", seed=request["seed"]))
    alternatives = list(st.session_state["plan_alternatives"])
current = next(alt for alt in alternatives if alt.result is result)
st.caption(T("ops.current", label=current.label, note=current.note))
if len(alternatives) >= 2:
    st.subheader(T("ops.compare"))
    labels = {alt.label: f"{alt.label} · {alt.note}" for alt in alternatives}
    for key in ("plan_cmp_a", "plan_cmp_b"):
        if key in st.session_state and st.session_state[key] not in labels:
            del st.session_state[key]  # a label of an earlier list
    c1, c2 = st.columns(2)
    left = c1.selectbox(T("ops.left"), list(labels), index=len(labels) - 2,
                        format_func=labels.__getitem__,
                        key="plan_cmp_a")  # fmt: skip
    right = c2.selectbox(T("ops.right"), list(labels), index=len(labels) - 1,
                         format_func=labels.__getitem__, key="plan_cmp_b")  # fmt: skip
    alt_a = next(alt for alt in alternatives if alt.label == left)
    alt_b = next(alt for alt in alternatives if alt.label == right)
    st.dataframe(planops.compare_rows(alt_a, alt_b, lang), hide_index=True)
    base = cache.session_base_layers()
    c1, c2 = st.columns(2)
    for column, alt in ((c1, alt_a), (c2, alt_b)):
        with column:
            st.markdown(f"**{T('ops.plan_label', label=alt.label)}**")
            small = mapview.build_map(base, lang=lang)
            small_depots = mapview.add_depots(small, depots, lang=lang)
            alt_teams = [r.team for r in alt.result.plan.routes]
            drawn = mapview.add_routes(small, alt.result.plan, shift=shift, lang=lang,
                                       sites=planview.site_info(alt.result.problem),
                                       team_order=alt_teams)  # fmt: skip
            mapview.add_routes_legend(small, drawn, team_order=alt_teams, depots=small_depots,
                                      lang=lang)  # fmt: skip
            shell.show_map(small, key=f"plan_cmp_{'a' if column is c1 else 'b'}", height=380)
            if alt.result is not result and st.button(
                T("ops.use", label=alt.label), key=f"plan_use_{'a' if column is c1 else 'b'}"
            ):
                session.set_plan(alt.result, {**request, "seed": alt.seed})
                st.session_state["plan_current"] = alt.label
                st.rerun()

# ---- Rota: several nights planned together ----
with st.expander(T("plan.rota"), expanded=False):
    st.caption(T("plan.rota_hint", k=settings.cover.rota_window_nights,
                 h=settings.cover.rota_high_nights))  # fmt: skip
    rota_nights = st.number_input(T("plan.rota_nights"), min_value=2, max_value=7, value=7,
                                  step=1, key="plan_rota_nights")  # fmt: skip
    if st.button(T("plan.rota_run"), key="plan_rota_run"):
        from patrol.rota import plan_week

        with session.guard(), st.spinner(T("plan.rota_solving", n=int(rota_nights))):
            st.session_state["plan_rota"] = plan_week(
                inputs, shift, nights=int(rota_nights), n_teams=int(request["n_teams"]),
                seed=int(request["seed"]), time_limit_s=float(request["time_limit"]),
                depots=request["depots"] or None, settings=settings,
            )  # fmt: skip
    rota = st.session_state.get("plan_rota")
    if rota is not None:
        from patrol.rota import rota_text

        text = rota_text(rota)
        head, _, table = text.partition("\n\n")
        (st.warning if rota.shortfall else st.success)(head.replace("\n", "  \n"))
        st.dataframe(planview.rota_table(rota, lang), hide_index=True)
        st.download_button(T("plan.rota_download"), text.encode("utf-8"),
                           file_name=f"lich-tuan-tra-{shift.date.isoformat()}.txt",
                           mime="text/plain", key="plan_rota_download")  # fmt: skip

# ---- Save and approve (commanders) ----
st.subheader(T("ops.approve_title"))
saved = st.session_state.get("plan_saved")
if saved is not None and saved.get("shift_date") != shift.date:
    saved = None  # another night: a new plan in the store


def _save() -> dict[str, Any]:
    """Save the current plan (a new version of tonight's stored plan); ConflictError if stale."""
    user = access.require(Permission.PLAN_EDIT)
    ref = stored_plans.save_plan(
        access.store(), user, planops.plan_document(result), area=inputs.area.name,
        shift_date=shift.date, name=T("ops.plan_name", date=f"{shift.date:%d/%m/%Y}"),
        plan_id=saved["plan_id"] if saved else None,
        expected_version=saved["version"] if saved else None, source=access.source(),
    )  # fmt: skip
    record = {"plan_id": ref.plan_id, "version": ref.version, "shift_date": shift.date,
              "result": result, "approved_by": None, "approved_at": None}  # fmt: skip
    st.session_state["plan_saved"] = record
    return record


b1, b2 = st.columns(2)
if b1.button(T("ops.save"), key="plan_save"):
    with session.guard():
        saved = _save()
        st.success(T("ops.saved", id=saved["plan_id"], version=saved["version"]))
if b2.button(T("ops.approve"), key="plan_approve", type="primary"):
    user = access.require(Permission.PLAN_APPROVE)
    with session.guard():
        if saved is None or saved.get("result") is not result:
            saved = _save()
        ref = stored_plans.approve_plan(
            access.store(), user, saved["plan_id"], expected_version=saved["version"],
            source=access.source(),
        )  # fmt: skip
        got = stored_plans.get_plan(access.store(), user, ref.plan_id, source=access.source())
        saved = {**saved, "version": ref.version, "approved_by": got.approved_by,
                 "approved_at": got.approved_at}  # fmt: skip
        st.session_state["plan_saved"] = saved
saved = st.session_state.get("plan_saved")
if saved is not None and saved.get("result") is result:
    if saved.get("approved_by"):
        when = planops.approval_time(saved["approved_at"], lang)
        who = planops.full_names(access.store()).get(saved["approved_by"], saved["approved_by"])
        st.success(T("ops.approved", id=saved["plan_id"], version=saved["version"],
                     who=who, when=when))  # fmt: skip
    else:
        st.info(T("ops.draft", id=saved["plan_id"], version=saved["version"]))
else:
    st.caption(T("ops.unsaved"))

# ---- What the teams did: tracks of the night against the approved plan ----
recordview.records_section(shift.date, area=inputs.area, settings=settings, lang=lang)
