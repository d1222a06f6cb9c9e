"""A people's patrol team's night on paper and on the phone, as joint teams get theirs.

Each team's walking loop (``geodata.village.VillageLoop``) with its people
(``patrol.village_teams.VillageTeam``) becomes a one-team ``PlanExport``: the meeting point is
its depot, the group's sites of concern passed are its stops (clock times from the leaving
time), the leader and members its crew. The joint teams' writers then make the printable A4
briefing (PDF), the offline phone page (HTML, no outside request) and the GPX (the loop as a
track, the sites and the meeting point as waypoints); a plain text sheet adds the streets in
walking order. The loop is a draft until the commander approves it, and every file says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodata.area import ATTRIBUTION
from patrol.export._common import CrewMember, Depot, Lang, PlanExport, StopView, TeamRoute, slug
from patrol.export.gpx import to_gpx
from patrol.export.html import to_html
from patrol.export.pdf import to_pdf
from patrol.files import private_folder, write_private
from patrolbase.schema import stop_kind_label
from patrolbase.wording import fmt_decimal, say

if TYPE_CHECKING:
    from geodata.shift import Shift
    from geodata.village import VillageLoop
    from patrol.village_teams import VillageTeam

__all__ = ["TeamNight", "team_plan", "team_sheet", "write_team_files"]


@dataclass(frozen=True)
class TeamNight:
    """One team's night: its people, its group's loop, the shift and when it leaves."""

    team: VillageTeam
    loop: VillageLoop
    shift: Shift
    leave: datetime
    area: str
    meeting: str
    """The meeting point in words (``Điểm tập trung: Ngõ Văn Chương``)."""


def _short(group: str) -> str:
    return group.split(" (")[0]


def team_plan(night: TeamNight, *, lang: Lang = "vi", background: Any = None) -> PlanExport:
    """Return the team's night as a one-team draft ``PlanExport`` for the joint teams' writers."""
    loop, team = night.loop, night.team
    dwell = timedelta(seconds=loop.site_dwell_s)
    stops = []
    for order, site in enumerate(loop.sites, start=1):
        at = night.leave + timedelta(seconds=site.arrive_s)
        stops.append(
            StopView(
                order=order,
                site=site.site_id,
                visit=1,
                name=site.name or stop_kind_label(site.kind, lang),
                kind=site.kind,
                lat=site.lat,
                lon=site.lon,
                arrive=at,
                start=at,
                depart=at + dwell,
                earliest=None,
                latest=None,
                risk_level="",
                notes="",
            )
        )
    people = tuple(
        CrewMember(
            name=m.name,
            role=m.role,
            unit=m.role_label(lang),
            phone=m.phone_label(),
            leader=m.leader,
        )
        for m in team.members
    )
    lon, lat = loop.start_lonlat
    route = TeamRoute(
        team=_short(loop.group),
        depot=Depot(f"hop-{loop.group_id}", night.meeting, lat, lon),
        path=loop.path,
        stops=tuple(stops),
        leave=night.leave,
        back=night.leave + timedelta(seconds=loop.duration_s),
        travel_s=loop.duration_s - loop.site_dwell_s * len(loop.sites),
        vehicle="foot",
        people=people,
    )
    return PlanExport.draft_loop(
        route,
        plan_id=f"{night.shift.date:%Y-%m-%d}-tuan-tra-nhan-dan-{loop.group_id}",
        area=night.area,
        shift=night.shift,
        source="village-loops",
        heading=say("village.heading", lang),
        background=background,
    )


def _minutes(seconds: int, lang: Lang) -> str:
    return fmt_decimal(seconds / 60, lang, decimals=0)


def team_sheet(night: TeamNight, *, lang: Lang = "vi") -> str:
    """Return the team's printable sheet as plain text: who, where, when, streets and sites."""
    loop, team = night.loop, night.team
    back = night.leave + timedelta(seconds=loop.duration_s)
    s = "village.sheet."
    lines = [
        say(f"{s}title", lang, group=loop.group).upper(),
        say("export.draft_note", lang),
        f"{say('export.area', lang)}: {night.area}",
        say(
            f"{s}when",
            lang,
            day=f"{night.shift.date:%d/%m/%Y}",
            leave=f"{night.leave:%H:%M}",
            back=f"{back:%H:%M}",
            minutes=_minutes(loop.duration_s, lang),
            km=fmt_decimal(loop.length_m / 1000, lang, decimals=1),
        ),
        night.meeting,
        "",
        say(f"{s}members", lang, count=len(team.members)),
    ]
    for m in team.members:
        head = f"{say('export.leader', lang)}: " if m.leader else "   "
        phone = f" - {say('export.phone', lang)} {m.phone_label()}" if m.phone else ""
        lines.append(f"  {head}{m.name} ({m.role_label(lang)}){phone}")
    lines += ["", say(f"{s}sites", lang, count=len(loop.sites))]
    for order, site in enumerate(loop.sites, start=1):
        at = night.leave + timedelta(seconds=site.arrive_s)
        name = site.name or stop_kind_label(site.kind, lang)
        kind = stop_kind_label(site.kind, lang)
        label = name if name == kind else f"{name} ({kind})"
        lines.append(f"  {order:02d}. {at:%H:%M}  {label}")
    if loop.sites_left:
        lines.append(say(f"{s}sites_left", lang, count=len(loop.sites_left)))
    lines += ["", say(f"{s}streets", lang)]
    own = f", {loop.group}"  # "Ngõ chưa có tên, <group>": the sheet is the group's already
    lines += [f"  {k}. {name.replace(own, '')}" for k, name in enumerate(loop.streets, start=1)]
    if loop.streets_left:
        lines += ["", say(f"{s}streets_left", lang, count=len(loop.left))]
        lines += [f"  - {name.replace(own, '')}" for name in loop.streets_left]
    lines += [
        "",
        f"{say('export.emergency', lang)}: 113 {say('export.police', lang)} · 114 "
        f"{say('export.fire', lang)} · 115 {say('export.ambulance', lang)}",
        ATTRIBUTION,
    ]
    return "\n".join(lines) + "\n"


def write_team_files(
    nights: Sequence[TeamNight],
    folder: str | Path,
    *,
    lang: Lang = "vi",
    background: Any = None,
) -> list[Path]:
    """Write per team its text sheet, PDF briefing, phone page and GPX; return the files.

    Files are named ``to-tuan-tra-nhan-dan-<group>.txt/.pdf/.html/.gpx`` after the group's
    short name (``khu-dan-cu-so-8``).
    """
    folder = private_folder(folder)
    written: list[Path] = []
    for night in nights:
        plan = team_plan(night, lang=lang, background=background)
        team = plan.routes[0].team
        stem = f"to-tuan-tra-nhan-dan-{slug(_short(night.loop.group))}"
        written += [
            write_private(folder / f"{stem}.txt", team_sheet(night, lang=lang)),
            write_private(folder / f"{stem}.pdf", to_pdf(plan, team=team, lang=lang)),
            write_private(folder / f"{stem}.html", to_html(plan, team=team, lang=lang)),
            write_private(folder / f"{stem}.gpx", to_gpx(plan, team=team, lang=lang)),
        ]
    return written
