"""What the plan, routes and alarm pages do with a plan, pure: no Streamlit.

Rosters from an upload, the stops a commander can move or lock, alternatives side by side,
the plan document kept in the store, and the exports and signed link of a stored plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dashboard.i18n import Lang, fmt_clock, fmt_duration, fmt_number, t
from patrolbase.errors import InputFileError

if TYPE_CHECKING:
    from geodata.shift import Shift
    from patrol.export import PlanExport
    from patrol.pipeline import ShiftPlan
    from patrol.store.db import Store
    from patrol.store.plans import StoredPlan
    from patrolbase.settings import Settings
    from routing.model import PatrolPlan
    from routing.roster import Person, TeamRoster

__all__ = [
    "Alternative",
    "TeamExport",
    "compare_rows",
    "ensure_published",
    "exports_root",
    "next_label",
    "plan_document",
    "plan_of",
    "read_roster_upload",
    "roster_table",
    "seconds_of",
    "site_names",
    "stop_choices",
    "stored_document",
    "team_export",
]


ROSTER_MAX_BYTES = 5 * 1024 * 1024
"""Largest roster upload: a ward's people fit in a few kilobytes."""


def read_roster_upload(
    name: str, data: bytes, *, max_bytes: int = ROSTER_MAX_BYTES
) -> list[Person]:
    """People of an uploaded roster, CSV or XLSX (columns id, name, role; Vietnamese accepted).

    The size is checked first; a workbook is read by ``geodata.io.read_table``, with its limits
    on the declared and real extent and the unpacked size (no sparse or zip-bomb workbook, no
    file that is not a workbook, reaches openpyxl unchecked).

    Raises
    ------
    InputFileError
        Every problem of the file (``routing.roster.read_roster``), too big, or unreadable.

    """
    import tempfile

    from geodata.io import read_table
    from routing.roster import read_roster

    if len(data) > max_bytes:
        mb, limit = f"{len(data) / 2**20:.1f}", f"{max_bytes / 2**20:g}"
        raise InputFileError(
            name,
            f"the roster is {mb} MB (at most {limit} MB): upload only the list of people",
            message_vi=f"Danh sách dài {mb.replace('.', ',')} MB (tối đa "
            f"{limit.replace('.', ',')} MB): chỉ tải lên danh sách người trực",
        )
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        with tempfile.TemporaryDirectory(prefix="patrol-roster-") as tmp:
            path = Path(tmp) / Path(name).name
            path.write_bytes(data)
            frame = read_table(path)
        text = frame.to_csv(index=False)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            msg = "the roster is not UTF-8 text: save it as CSV UTF-8 or as XLSX"
            raise InputFileError(
                name, msg, message_vi="Tệp không phải CSV UTF-8: lưu lại dạng CSV UTF-8 hoặc XLSX."
            ) from None
    return read_roster(name, text=text)


def roster_table(roster: TeamRoster, lang: Lang) -> pd.DataFrame:
    """Who is in which team: one row per person (team, name, role, leader), reserve last."""
    role = {
        "police": t("ops.role.police", lang),
        "military": t("ops.role.military", lang),
        "militia": t("ops.role.militia", lang),
    }
    rows = []
    for team in roster.teams:
        for k, person in enumerate(team.members):
            rows.append(
                {
                    t("ops.col.team", lang): team.id,
                    t("ops.col.person", lang): person.name,
                    t("ops.col.role", lang): role[person.role],
                    t("ops.col.leader", lang): "✓" if k == 0 else "",
                }
            )
    for person in roster.reserve:
        rows.append(
            {
                t("ops.col.team", lang): t("ops.reserve", lang),
                t("ops.col.person", lang): person.name,
                t("ops.col.role", lang): role[person.role],
                t("ops.col.leader", lang): "",
            }
        )
    return pd.DataFrame(rows)


def seconds_of(shift: Shift, clock: time) -> int:
    """Seconds from the shift start to the next ``clock`` time (``01:30`` -> 12600 for 22:00)."""
    start = shift.start.hour * 3600 + shift.start.minute * 60
    return (clock.hour * 3600 + clock.minute * 60 - start) % 86400


def site_names(result: ShiftPlan, facilities: pd.DataFrame | None = None) -> dict[str, str]:
    """Map each site id to the name it is shown by.

    The plan's stop names first, then the facility's display name (its operator and kind when
    OSM gives no name), else the site's own name or its id.
    """
    from patrol.plan_geometry import display_name

    names = {}
    for site in result.problem.sites:
        if facilities is not None and site.id in facilities.index:
            names[site.id] = display_name(facilities, site.id)
        else:
            names[site.id] = str(site.extra.get("name") or site.id)
    for route in result.plan.routes:
        for stop in route.stops:
            if stop.extra.get("name"):
                names[stop.site] = str(stop.extra["name"])
    return names


def stop_choices(
    result: ShiftPlan, lang: Lang, *, facilities: pd.DataFrame | None = None
) -> dict[str, str]:
    """``"site|visit"`` -> label of every visit a commander can move or lock.

    Served visits first, by team and order (``T1 · 3. Name (01:05)``), then the unserved ones.
    """
    names = site_names(result, facilities)
    shift = result.shift
    out = {}
    for route in result.plan.routes:
        for k, stop in enumerate(route.stops, start=1):
            name = str(stop.extra.get("name") or names.get(stop.site, stop.site))
            out[f"{stop.site}|{stop.visit}"] = (
                f"{route.team} · {k}. {name} ({fmt_clock(shift.at(stop.start))})"
            )
    sites = {s.id: s for s in result.problem.sites}
    for u in result.plan.unserved:
        site = sites.get(u.site)
        if site is None or not 0 <= u.visit < len(site.visits) or u.reason == "alternative_served":
            continue
        v = site.visits[u.visit]
        window = f"{fmt_clock(shift.at(v.earliest))}-{fmt_clock(shift.at(v.latest))}"
        out[f"{u.site}|{u.visit}"] = (
            f"{t('ops.unserved', lang)} · {names.get(u.site, u.site)} ({window})"
        )
    return out


@dataclass(frozen=True, eq=False)
class Alternative:
    """One plan kept for comparison: its label (A, B, ...), how it was made, the plan."""

    label: str
    note: str
    result: ShiftPlan
    seed: int


def next_label(alternatives: Sequence[Alternative]) -> str:
    """Return the next free letter: A, B, ..., Z, then A2, B2, ..."""
    used = {a.label for a in alternatives}
    for round_ in range(1, 100):
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            label = letter if round_ == 1 else f"{letter}{round_}"
            if label not in used:
                return label
    return f"P{len(alternatives) + 1}"


def compare_rows(a: Alternative, b: Alternative, lang: Lang) -> pd.DataFrame:
    """Metrics of two alternatives side by side, and how far they overlap.

    Rows: risk covered, visits served, very-high targets inside the window of all, travel,
    waiting, teams on the road; the last row is the share of stops at the same site in the same
    half hour in both (``routing.metrics.overlap``), 0 % when a watcher of one night learns
    nothing about the other.
    """
    from routing.metrics import overlap

    def figures(alt: Alternative) -> list[str]:
        m = alt.result.metrics
        served = sum(len(r.stops) for r in alt.result.plan.routes)
        top = m["coverage"]["levels"].get("very_high", {})
        return [
            f"{fmt_number(100 * float(m['coverage']['risk_share']), lang, decimals=1)} %",
            fmt_number(served, lang),
            f"{top.get('in_window', 0)}/{top.get('targets', 0)}",
            fmt_duration(int(m["travel_s"]), lang),
            fmt_duration(int(m["idle_s"]), lang),
            fmt_number(sum(1 for r in alt.result.plan.routes if r.stops), lang),
        ]

    labels = [
        t("plan.metric.value", lang),
        t("plan.metric.served", lang),
        t("ops.metric.high_risk", lang),
        t("plan.metric.travel", lang),
        t("ops.metric.idle", lang),
        t("plan.metric.teams", lang),
    ]
    share = overlap(a.result.plan, b.result.plan)
    both = f"{fmt_number(100 * share, lang, decimals=0)}%"
    return pd.DataFrame(
        {
            t("ops.col.metric", lang): [*labels, t("ops.metric.overlap", lang)],
            t("ops.plan_label", lang, label=a.label): [*figures(a), both],
            t("ops.plan_label", lang, label=b.label): [*figures(b), both],
        }
    )


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def plan_document(result: ShiftPlan) -> dict[str, Any]:
    """Return the plan as the store keeps it: ``patrol-plan/1`` with its extras, JSON-clean.

    Each route carries its team's members (names by role, from the roster) and the shift,
    metrics and high-risk window travel with the plan.
    """
    doc = result.plan.to_dict()
    doc["metrics"] = result.metrics
    doc.setdefault("shift", {})
    return dict(json.loads(json.dumps(doc, ensure_ascii=False, default=_plain)))


def stored_document(stored: StoredPlan, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return a stored plan's document with its identity and approval as the store records them.

    The export files and signed links name this plan id and version, and an approved plan is
    exported with who approved it (their full name from ``names``, user name -> full name, as
    people sign) and when (drafts are marked as drafts).
    """
    doc = dict(stored.document)
    doc["id"] = f"plan-{stored.plan_id}"
    doc["version"] = stored.version
    doc["status"] = stored.status
    who = stored.approved_by
    doc["approved_by"] = (names or {}).get(who, who) if who else who
    doc["approved_at"] = stored.approved_at.isoformat() if stored.approved_at else None
    doc["area"] = doc.get("area") or stored.area
    return doc


def full_names(store: Store) -> dict[str, str]:
    """User name -> full name of every account (the user name where none was given)."""
    from patrol.store.auth import list_users

    return {u.username: u.display_name or u.username for u in list_users(store)}


def approval_time(moment: datetime | None, lang: Lang) -> str:
    """``22:21 ngày 02/12/2026`` (``22:21 on 02/12/2026``): when a plan was approved, ward time."""
    from patrol.export._common import WARD_TZ

    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(WARD_TZ)
    return f"{local:%H:%M} {'ngày' if lang == 'vi' else 'on'} {local:%d/%m/%Y}"


def exports_root(settings: Settings) -> Path:
    """Return the private folder ``patrol serve-exports --root`` serves (``<data>/exports``)."""
    from patrol.store.db import default_data_dir

    return default_data_dir(settings) / "exports"


@dataclass(frozen=True)
class TeamExport:
    """One team's downloads and its signed link."""

    files: Mapping[str, bytes]
    """File name -> content: GPX, KML, GeoJSON, HTML, PDF of the team."""
    link: str
    qr_png: bytes
    map_links: Mapping[str, list[str]]
    """``geo`` and ``organic`` (hop by hop) links that open installed apps; with the ward's
    ``[area] online``, also ``google`` (legs) and ``osmand`` web links."""


def team_export(
    plan: PlanExport,
    team: str,
    *,
    base_url: str,
    secret: bytes,
    lang: Lang = "vi",
) -> TeamExport:
    """Every export of ``team`` in memory, its signed link (expires at the shift end), QR code."""
    from patrol.export import export_files, link_for, map_app_links, qr_png

    link = link_for(plan, team, base_url=base_url, secret=secret)
    files = export_files(plan, team=team, formats="all", lang=lang, links={team: link})
    apps = map_app_links(plan.route(team))
    return TeamExport(
        files,
        link,
        qr_png(link),
        {
            "geo": list(apps.geo),
            "organic": list(apps.organic),
            # Web links carry the stops to an outside site: only where the ward allows it.
            **(
                {"google": list(apps.google), "osmand": list(apps.osmand)} if plan.web_links else {}
            ),
        },
    )


def ensure_published(
    plan: PlanExport, root: Path, *, base_url: str, secret: bytes, lang: Lang = "vi"
) -> bool:
    """Put ``plan``'s team files on the download server unless they are there; say if written.

    A patrol leader's plan holds only their own team's route, so only that team is published.
    """
    from patrol.export import publish
    from patrol.export.server import team_folder

    if all(team_folder(root, plan.plan_id, plan.version, t).is_dir() for t in plan.teams):
        return False
    publish(plan, root, lang=lang, base_url=base_url, secret=secret)
    return True


def plan_of(document: Mapping[str, Any]) -> PatrolPlan:
    """Return the ``PatrolPlan`` of a stored document (for the map and timelines)."""
    from routing.model import PatrolPlan

    return PatrolPlan.from_dict(dict(document))
