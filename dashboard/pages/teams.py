"""Lực lượng và tổ tuần tra: the ward's people, standing teams and the night's roster.

Commanders import the personnel list (refused whole, every problem by row and column) or add a
person; set up standing teams (Tổ 1, Tổ 2 ... with a leader and members); and, for a date, see
the night's roster and swap people. Each action calls one function of ``patrol.store.roster``,
which checks it and writes the audit log.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, cache, shell
from dashboard import state as session
from dashboard.i18n import fmt_date, kind_label, translator
from patrol.personnel import UNITS, format_phone, team_code, team_label, unit_label
from patrol.store import roster
from patrol.store.auth import Permission

session.init()
user = access.require(Permission.ROSTER_MANAGE)
lang = session.lang()
T = translator(lang)
store = access.store()
source = access.source()
area = cache.area_name()

st.title(T("page.teams"))
st.caption(T("teams.intro"))


def _done(text: str) -> None:
    """Keep what was done for the next run, and re-run (the tables show the change)."""
    st.session_state["teams_flash"] = text
    st.rerun()


flash = st.session_state.pop("teams_flash", None)
if flash:
    st.success(flash)

# Where a team may leave from: the area's police posts and military command.
depot_rows = cache.depots(shell.page_inputs().facilities)
depot_names = {"": T("teams.depot_any")} | {
    str(fid): str(row["name"] or kind_label(str(row["kind"]), lang))
    for fid, row in depot_rows.iterrows()
}
vehicles = ["motorbike", "car", "foot"]

people = roster.list_people(store, user, area=area)
teams = roster.list_teams(store, user, area=area)
by_id = {p.id: p for p in people}


def _who(pid: int) -> str:
    return by_id[pid].label()


# --- 1. people ------------------------------------------------------------------------------
st.subheader(T("teams.people", n=len(people)))
upload = st.file_uploader(T("teams.import"), type=["csv", "xlsx"], key="teams_import",
                          help=T("teams.import_help"))  # fmt: skip
if upload is not None and st.session_state.get("teams_import_seen") != upload.file_id:
    st.session_state["teams_import_seen"] = upload.file_id
    with session.guard(), tempfile.TemporaryDirectory(prefix="patrol-people-") as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        ids = roster.import_people(store, user, path, area=area, source=source)
        _done(T("teams.imported", n=len(ids), file=upload.name))

with st.expander(T("teams.add_person")), st.form("person_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    name = c1.text_input(T("teams.col.name"), key="person_name")
    unit = c2.selectbox(T("teams.col.unit"), list(UNITS), key="person_unit",
                        format_func=lambda code: unit_label(code, lang))  # fmt: skip
    rank = c1.text_input(T("teams.col.rank"), key="person_rank")
    phone = c2.text_input(T("teams.col.phone"), key="person_phone", placeholder="0912 345 678")
    if st.form_submit_button(T("teams.add_person_submit"), type="primary"):
        with session.guard():
            roster.add_person(store, user, area=area, name=name, unit=unit, rank=rank,
                              phone=phone, source=source)  # fmt: skip
            _done(T("teams.person_added", name=name.strip()))

if people:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    T("teams.col.name"): p.name,
                    T("teams.col.unit"): unit_label(p.unit, lang),
                    T("teams.col.rank"): p.rank,
                    T("teams.col.phone"): format_phone(p.phone),
                    T("teams.col.team"): team_label(p.team, lang) if p.team else "",
                }
                for p in people
            ]
        ),
        hide_index=True,
    )
else:
    st.info(T("teams.no_people"))

# --- 2. standing teams ----------------------------------------------------------------------
st.subheader(T("teams.teams", n=len(teams)))
for team in teams:
    lead = team.leader.name if team.leader else T("teams.no_leader")
    where = depot_names.get(team.depot, team.depot) if team.depot else ""
    extra = " · ".join(x for x in (T(f"teams.vehicle.{team.vehicle}"), where) if x)
    st.markdown(f"**{team_label(team.code, lang)}** · {T('teams.leader')}: {lead} · {extra}")
    st.caption(" · ".join(f"{m.label()} {format_phone(m.phone)}".strip() for m in team.members))

free = [p.id for p in people if p.team is None]
numbers = [int(t.code[1:]) for t in teams if t.code[1:].isdigit() and t.code.startswith("T")]
with (
    st.expander(T("teams.add_team"), expanded=bool(people) and not teams),
    st.form("team_add", clear_on_submit=True),
):
    c1, c2 = st.columns([1, 2])
    team_name = c1.text_input(T("teams.col.team"), value=f"Tổ {max(numbers, default=0) + 1}",
                              key="team_name")  # fmt: skip
    leader = c2.selectbox(T("teams.leader"), free, format_func=_who, key="team_leader",
                          index=None, placeholder=T("teams.choose"))  # fmt: skip
    members = st.multiselect(T("teams.members"), free, format_func=_who, key="team_members",
                             placeholder=T("teams.choose"))  # fmt: skip
    c3, c4 = st.columns(2)
    vehicle = c3.selectbox(T("teams.vehicle"), vehicles, key="team_vehicle",
                           format_func=lambda v: T(f"teams.vehicle.{v}"))  # fmt: skip
    depot = c4.selectbox(T("teams.depot"), list(depot_names), key="team_depot",
                         format_func=depot_names.__getitem__)  # fmt: skip
    if st.form_submit_button(T("teams.add_team_submit"), type="primary"):
        with session.guard():
            roster.add_team(store, user, area=area, name=team_name, leader=leader,
                            members=members, vehicle=vehicle, depot=depot,
                            source=source)  # fmt: skip
            _done(T("teams.team_added", team=team_label(team_code(team_name), lang)))

if teams:
    with st.expander(T("teams.edit_team")):
        chosen = st.selectbox(T("teams.col.team"), [t.code for t in teams], key="team_edit",
                              format_func=lambda c: team_label(c, lang))  # fmt: skip
        current = next(t for t in teams if t.code == chosen)
        mine = [m.id for m in current.members]
        options = [p.id for p in people if p.team in (None, chosen)]
        with st.form("team_set"):
            leader = st.selectbox(
                T("teams.leader"), options, format_func=_who, key=f"team_set_leader_{chosen}",
                index=options.index(current.leader.id) if current.leader else None,
                placeholder=T("teams.choose"),
            )  # fmt: skip
            members = st.multiselect(
                T("teams.members"), options, default=mine, format_func=_who,
                key=f"team_set_members_{chosen}",
            )  # fmt: skip
            c3, c4 = st.columns(2)
            vehicle = c3.selectbox(
                T("teams.vehicle"), vehicles, key=f"team_set_vehicle_{chosen}",
                index=vehicles.index(current.vehicle) if current.vehicle in vehicles else 0,
                format_func=lambda v: T(f"teams.vehicle.{v}"),
            )  # fmt: skip
            depots = list(depot_names)
            depot = c4.selectbox(
                T("teams.depot"), depots, key=f"team_set_depot_{chosen}",
                index=depots.index(current.depot) if current.depot in depots else 0,
                format_func=depot_names.__getitem__,
            )  # fmt: skip
            if st.form_submit_button(T("teams.save_team")):
                with session.guard():
                    roster.set_team(store, user, area=area, team=chosen, leader=leader,
                                    members=members, vehicle=vehicle, depot=depot,
                                    source=source)  # fmt: skip
                    _done(T("teams.team_saved", team=team_label(chosen, lang)))

# --- 3. the night's roster ------------------------------------------------------------------
st.subheader(T("teams.night"))
day: date = st.date_input(T("teams.night_date"), key="teams_night_date", format="DD/MM/YYYY")
if teams:
    with session.guard():
        night = roster.night_roster(store, user, area=area, shift_date=day)
        rows: list[dict[str, Any]] = []
        for crew in night.teams:
            for m in crew.ordered():
                rows.append({
                    T("teams.col.team"): team_label(crew.code, lang),
                    T("teams.col.name"): m.name,
                    T("teams.leader"): "✓" if m.id == crew.leader_id else "",
                    T("teams.col.unit"): unit_label(m.unit, lang),
                    T("teams.col.rank"): m.rank,
                    T("teams.col.phone"): format_phone(m.phone),
                })  # fmt: skip
        st.caption(T("teams.night_note", date=fmt_date(day, lang)))
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        on_duty = [int(m.id) for t in night.teams for m in t.members]
        with st.form("night_swap"):
            c1, c2 = st.columns(2)
            out = c1.selectbox(T("teams.swap_out"), on_duty, format_func=_who, key="swap_out",
                               index=None, placeholder=T("teams.choose"))  # fmt: skip
            nobody = -1  # off that night, nobody in their place
            into = c2.selectbox(
                T("teams.swap_in"), [nobody, *(p.id for p in people)], key="swap_in",
                format_func=lambda pid: T("teams.nobody") if pid == nobody else _who(pid),
                index=None, placeholder=T("teams.choose"),
            )  # fmt: skip
            if st.form_submit_button(T("teams.swap")) and out is not None and into is not None:
                roster.swap(store, user, area=area, shift_date=day, out_person=out,
                            in_person=None if into == nobody else into, source=source)  # fmt: skip
                done = (
                    T("teams.off", out=by_id[out].name, date=fmt_date(day, lang))
                    if into == nobody
                    else T("teams.swapped", out=by_id[out].name, into=by_id[into].name,
                           date=fmt_date(day, lang))
                )  # fmt: skip
                _done(done)
else:
    st.info(T("teams.no_teams"))
