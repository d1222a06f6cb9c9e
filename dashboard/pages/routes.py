"""Lộ trình: each team's loop and timeline, its exports and the QR code of its signed link.

Commanders see the session's plan and every stored plan; a patrol leader sees only the approved
plans of their own team (``patrol.store.plans`` cuts every other route out), and asking for
another team (``?team=T2``) or another plan (``?plan=7``) is refused and written to the audit log.
Every download is recorded (``record_export``) with who took which file. After the shift, a
patrol leader uploads their own team's GPS track of the plan's night here
(``recordview.records_section``).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import streamlit as st

from dashboard import access, cache, mapview, planops, planview, recordview, shell
from dashboard import state as session
from dashboard.i18n import fmt_date, fmt_duration, translator
from geodata.shift import Shift
from patrol.personnel import team_label
from patrol.store import auth
from patrol.store import plans as stored_plans
from patrol.store.auth import Permission
from patrolbase.errors import PatrolError

session.init()
lang = session.lang()
T = translator(lang)
settings = session.settings()
inputs = shell.page_inputs()
user = access.require_any(Permission.ROUTE_VIEW_ALL, Permission.ROUTE_VIEW_OWN)
store = access.store()
everything = user.can(Permission.ROUTE_VIEW_ALL)

st.title(T("page.routes"))

SESSION = "session"
wanted_plan = st.query_params.get("plan")
wanted_team = st.query_params.get("team")

stored: dict[str, Any] = {}
with session.guard():
    for item in stored_plans.list_plans(store, user):
        stored[str(item.plan_id)] = item
    if wanted_plan and wanted_plan not in stored:
        # Not among the plans this user may see: get_plan refuses it and logs the refusal.
        number = int(wanted_plan) if wanted_plan.isdigit() else -1
        got = stored_plans.get_plan(store, user, number, source=access.source())
        stored[str(got.plan_id)] = got

options: dict[str, str] = {}
result, request = session.get("plan"), session.get("plan_request")
saved = st.session_state.get("plan_saved") or {}
saved_id = str(saved["plan_id"]) if saved.get("result") is result and result else None
if everything and result is not None and request is not None and saved_id not in stored:
    # The plan being made, unless it is the stored plan's version already (then that one).
    options[SESSION] = T("routes.session_plan")
for key, item in stored.items():
    options[key] = T("routes.stored_plan", id=item.plan_id, date=fmt_date(item.shift_date, lang),
                     version=item.version, status=T(f"routes.status.{item.status}"))  # fmt: skip
if not options:
    if everything:
        st.info(T("plan.none"))
    else:  # a leader whose account has no team yet is told so, not "no plan for your team"
        st.info(T("routes.none_leader") if user.team else T("routes.no_team"))
    if everything:
        st.page_link("pages/plan.py", label=T("page.plan"), icon=":material/route:")
    st.stop()

default = next(k for k in (wanted_plan, saved_id, *options) if k in options)
choice = st.selectbox(T("routes.choose_plan"), list(options), index=list(options).index(default),
                      format_func=options.__getitem__, key="routes_plan")  # fmt: skip

plan_id: int | None = None
if choice == SESSION:
    shift: Shift = request["shift"]
    plan, info = result.plan, planview.site_info(result.problem)
    st.caption(T("plan.shift_label", label=shift.label()) + " · " + T("routes.unsaved_note"))
else:
    item = stored[choice]
    plan_id = item.plan_id
    names = planops.full_names(access.store())
    document = planops.stored_document(item, names)
    plan, info = planops.plan_of(document), dict[str, dict[str, Any]]()
    raw = document.get("shift") or {}
    shift = Shift.parse(raw["date"], f"{raw['start']}-{raw['end']}",
                        raw.get("high_risk") or "01:00-03:00")  # fmt: skip
    status = (
        T(
            "routes.approved_by",
            who=names.get(item.approved_by or "", item.approved_by),
            when=planops.approval_time(item.approved_at, lang),
        )
        if item.status == "approved"
        else T("routes.draft")
    )
    st.caption(T("plan.shift_label", label=shift.label()) + " · " + status)

teams = [r.team for r in plan.routes]
if wanted_team and wanted_team not in teams and plan_id is not None:
    with session.guard():
        # A patrol leader asking for another team's route: refused and audited.
        where = f"plan:{plan_id} team:{wanted_team}"
        auth.deny(store, user, Permission.ROUTE_VIEW_OWN, target=where, source=access.source())
    st.stop()
if not teams:
    st.info(T("plan.none"))
    st.stop()
team = st.radio(T("routes.team_pick"), teams, format_func=lambda x: team_label(x, lang),
                horizontal=True, key=session.keep("routes_team", wanted_team))  # fmt: skip
route = next(r for r in plan.routes if r.team == team)
depot = route.extra.get("depot") or {}
if depot.get("name"):
    st.markdown(T("routes.depot", name=depot["name"]))
st.markdown(T("routes.summary", depart=f"{shift.at(route.depart):%H:%M}",
              back=f"{shift.at(route.return_):%H:%M}", n=len(route.stops),
              travel=fmt_duration(route.travel_s, lang)))  # fmt: skip
members = planview.members_line(route.extra.get("people") or route.extra.get("members"), lang)
if members:
    st.caption(members)

one = dataclasses.replace(plan, routes=(route,))
fmap = mapview.build_map(cache.session_base_layers(), lang=lang)
depot_layer = mapview.add_depots(fmap, cache.depots(inputs.facilities), lang=lang)
drawn = mapview.add_routes(fmap, one, shift=shift, lang=lang, sites=info, team_order=teams)
mapview.add_routes_legend(fmap, drawn, team_order=teams, depots=depot_layer, lang=lang)
shell.show_map(fmap, key="routes")
st.dataframe(planview.timeline(one, shift, lang=lang, sites=info)[team], hide_index=True)

if not everything and plan_id is not None and user.can(Permission.RECORD_UPLOAD):
    # The leader's own team's track of the plan's night, against the planned loop.
    recordview.records_section(shift.date, area=inputs.area, settings=settings, lang=lang,
                               own_team=user.team)  # fmt: skip

# ---- Exports of a stored plan: files, signed link and its QR code ----
st.subheader(T("routes.exports"))
if plan_id is None:
    st.info(T("routes.save_first"))
    st.stop()
if not user.can(Permission.ROUTE_EXPORT):
    st.stop()

# The ward-network address of the download server: this computer's LAN address, found when the
# app starts ([export] address in the settings, or PATROL_EXPORT_URL, overrides it); a commander
# sees it and can change it for the session.
base_url = os.environ.get("PATROL_EXPORT_URL") or cache.export_url()
if everything:
    base_url = st.text_input(T("routes.base_url"), value=base_url, key="routes_base_url",
                             help=T("routes.base_url_help"))  # fmt: skip


def _record(kind: str, filename: str, team_id: str | None) -> None:
    """Record a download in the store (audited) as the button is pressed."""
    try:
        assert plan_id is not None  # exports are of stored plans only
        stored_plans.record_export(store, user, plan_id=plan_id, kind=kind, filename=filename,
                                   team=team_id, source=access.source())  # fmt: skip
        st.session_state["routes_recorded"] = filename
    except PatrolError as exc:
        st.session_state["routes_export_error"] = session.error_text(exc, lang)


problem_text = st.session_state.pop("routes_export_error", None)
if problem_text:
    st.error(problem_text)
with session.guard():
    from patrol.export import export_zip, load_secret, read_plan

    export_plan = read_plan(document, source=f"plan {plan_id}")
    if settings.area.online:  # the ward allows links to outside map sites
        export_plan = dataclasses.replace(export_plan, web_links=True)
    if export_plan.area == cache.area_name():  # the phone map and briefing on its streets
        export_plan = dataclasses.replace(export_plan, background=cache.session_street_background())
    root = planops.exports_root(settings)
    secret = load_secret(root / ".link-secret")
    cache_key = (plan_id, item.version, item.status, team, lang, base_url)
    made = st.session_state.get("routes_exports") or {}
    if cache_key not in made:
        with st.spinner(T("routes.making")):
            made = {cache_key: planops.team_export(export_plan, team, base_url=base_url,
                                                   secret=secret, lang=lang)}  # fmt: skip
        st.session_state["routes_exports"] = made
    exported: planops.TeamExport = made[cache_key]
    mimes = {"gpx": "application/gpx+xml", "kml": "application/vnd.google-earth.kml+xml",
             "geojson": "application/geo+json", "html": "text/html",
             "pdf": "application/pdf"}  # fmt: skip
    columns = st.columns(len(exported.files) + 1)
    for column, (name, data) in zip(columns, exported.files.items(), strict=False):
        fmt = name.rsplit(".", 1)[-1]
        column.download_button(
            T(f"routes.fmt.{fmt}"), data, file_name=name, mime=mimes.get(fmt),
            key=f"routes_dl_{fmt}", on_click=_record, args=(fmt, name, team),
        )  # fmt: skip
    zip_name = f"{export_plan.base_name(None if everything else team)}.zip"
    if columns[-1].button(T("routes.fmt.zip_make"), key="routes_zip_make"):
        with st.spinner(T("routes.making")):
            st.session_state["routes_zip"] = (cache_key, export_zip(export_plan, lang=lang))
    zipped = st.session_state.get("routes_zip")
    if zipped is not None and zipped[0] == cache_key:
        columns[-1].download_button(
            T("routes.fmt.zip"), zipped[1], file_name=zip_name, mime="application/zip",
            key="routes_dl_zip", on_click=_record,
            args=("zip", zip_name, None if everything else team),
        )  # fmt: skip
    if st.session_state.get("routes_recorded"):
        st.caption(T("routes.recorded", file=st.session_state["routes_recorded"]))

    if item.status == "approved":
        # An approved route is put on the download server the first time its page is opened,
        # so that its QR code leads a phone to the files.
        planops.ensure_published(export_plan, root, base_url=base_url, secret=secret, lang=lang)
    q1, q2 = st.columns([1, 2])
    caption = T("routes.qr_caption", team=team_label(team, lang))
    q1.image(exported.qr_png, caption=caption, width=220)
    if not everything:  # a patrol leader: what to do with the code, nothing of the server
        q2.markdown(T("routes.qr_note_leader"))
    else:
        q2.markdown(T("routes.qr_note"))
        q2.code(exported.link, language=None)
        if q2.button(T("routes.publish"), key="routes_publish"):
            from patrol.export import publish

            folders = publish(export_plan, root, lang=lang, base_url=base_url, secret=secret)
            q2.success(T("routes.published", n=len(folders), root=str(root)))
        q2.caption(T("routes.serve_hint", root=str(root)))
    with q2.expander(T("routes.map_apps")):
        for app_name, links in exported.map_links.items():
            for k, link in enumerate(links, start=1):
                st.markdown(f"[{T(f'routes.app.{app_name}')} {k}]({link})")
