"""What every export reads from a plan, and how every export is written.

``read_plan`` (in ``_read``) turns a ``patrol-plan/1`` document with the extras of
``docs/DESIGN.md`` ("Plan extras") into a ``PlanExport``: the plan's identity (date, shift,
area, version, approval), and per team a ``TeamRoute`` with its depot, street path and ordered
stops, times already on the clock. Every writer takes a ``PlanExport`` and never looks at the raw
document again. Files are written atomically: a temporary file in the target folder, flushed,
then renamed over the target.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from geodata.shift import Shift
from patrol.files import private_folder
from patrolbase.clock import WARD_TZ
from patrolbase.errors import PlanFileError
from patrolbase.lang import Lang
from patrolbase.schema import KEY_ROUTE_KIND, stop_kind_label
from patrolbase.wording import catalog_texts, fmt_decimal, say

__all__ = [
    "OSM_ATTRIBUTION",
    "OSM_COPYRIGHT_URL",
    "CrewMember",
    "Depot",
    "Lang",
    "PlanExport",
    "StopView",
    "TeamRoute",
    "dumps_json",
    "slug",
    "text",
    "write_atomic",
]


OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"
ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
"""Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact."""


def _word(group: str, key: str, lang: Lang, default: str) -> str:
    """``export.<group>.<key>`` of the catalog in ``lang``; ``default`` for a word it lacks."""
    name = f"export.{group}.{key}"
    return say(name, lang) if name in catalog_texts() else default


def text(key: str, lang: Lang = "vi") -> str:
    """Return the export text ``key`` (``export.<key>`` of the catalog) in ``lang``."""
    return say(f"export.{key}", lang)


def slug(value: str) -> str:
    """ASCII file-name form of ``value``: ``"Tổ 1 / Văn Miếu"`` -> ``"to-1-van-mieu"``."""
    plain = unicodedata.normalize("NFKD", value.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "x"


@dataclass(frozen=True)
class Depot:
    """Where a team leaves from and returns to (the police post or the military command)."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class StopView:
    """One stop as the patrol sees it: order, site, place and clock times."""

    order: int
    site: str
    visit: int
    name: str
    kind: str
    lat: float
    lon: float
    arrive: datetime
    start: datetime
    depart: datetime
    earliest: datetime | None
    latest: datetime | None
    risk_level: str
    notes: str
    address: str = ""
    """Street address (OSM ``addr:*`` or the survey's Địa chỉ); empty when neither has one."""
    street: str = ""
    """The street the site stands on, from the street graph."""
    contact: str = ""
    """Person in charge and phone (the survey's Người phụ trách / SĐT, or OSM ``phone``)."""
    guard: str = ""
    """``yes``, ``no`` or ``unknown``: a guard on site, as the survey says; empty if not given."""
    reason: Mapping[str, str] = field(default_factory=dict)
    """Why the risk is at its level, one line per language (``geodata.briefing.risk_reason``)."""
    length_m: float = 0.0
    """A key route's length (``KEY_ROUTE_KIND``), driven end to end; 0 for a target."""

    @property
    def dwell_s(self) -> int:
        """Planned time at the stop, seconds."""
        return int((self.depart - self.start).total_seconds())

    def kind_label(self, lang: Lang = "vi") -> str:
        """Return the kind as the ward writes it (``Cây ATM``), or the raw value if unknown."""
        return stop_kind_label(self.kind, lang)

    def risk_label(self, lang: Lang = "vi") -> str:
        """Risk level in words (``rất cao``), empty when the plan gives none."""
        # The catalog's words are those of geodata.risk.RiskLevel (a test keeps them equal);
        # importing that module would pull geopandas into "patrol export".
        return _word("risk", self.risk_level, lang, self.risk_level)

    def window_label(self) -> str:
        """Planned window ``01:00-03:00``, or empty when the plan gives none."""
        if self.earliest is None or self.latest is None:
            return ""
        return f"{self.earliest:%H:%M}-{self.latest:%H:%M}"

    def address_label(self, lang: Lang = "vi") -> str:
        """``Địa chỉ: 12 Phố Cát Linh``, or that there is none (with the street it stands on).

        A key route is driven, not visited: ``đi hết tuyến, 0,6 km``.
        """
        if self.kind == KEY_ROUTE_KIND:
            km = fmt_decimal(self.length_m / 1000, lang, decimals=1)
            return text("key_route_drive", lang).format(km=km)
        if self.address:
            return f"{text('address', lang)}: {self.address}"
        on = f" ({text('on_street', lang)} {self.street})" if self.street else ""
        return f"{text('no_address', lang)}{on}"

    def guard_label(self, lang: Lang = "vi") -> str:
        """``Bảo vệ: có`` / ``không có`` / ``chưa rõ``; empty when the plan does not say."""
        if self.guard not in ("yes", "no", "unknown"):
            return ""
        return f"{text('guard', lang)}: {_word('guard', self.guard, lang, self.guard)}"

    def contact_label(self, lang: Lang = "vi") -> str:
        """``Liên hệ: Nguyễn Văn A / 0912 345 678``; empty when nobody is known."""
        return f"{text('contact', lang)}: {self.contact}" if self.contact else ""

    def reason_label(self, lang: Lang = "vi") -> str:
        """Return the risk's one-line reason in ``lang`` (else the other language's)."""
        return str(self.reason.get(lang) or next(iter(self.reason.values()), ""))

    def people_line(self, lang: Lang = "vi") -> str:
        """Guard and contact on one line (``Bảo vệ: có · Liên hệ: ...``), empty if unknown."""
        return " · ".join(x for x in (self.guard_label(lang), self.contact_label(lang)) if x)

    def details(self, lang: Lang = "vi") -> list[str]:
        """Lines a leader reads under the stop's name: address, guard and contact, risk reason."""
        lines = [self.address_label(lang), self.people_line(lang)]
        if self.risk_level:
            reason = self.reason_label(lang)
            lines.append(
                f"{text('risk', lang)} {self.risk_label(lang)}" + (f": {reason}" if reason else "")
            )
        return [line for line in lines if line]

    def title(self, lang: Lang = "vi") -> str:
        """``01. Cây ATM Vietinbank`` as waypoints and placemarks name the stop."""
        return f"{self.order:02d}. {self.name}"

    def summary(self, lang: Lang = "vi") -> str:
        """One line: kind, planned start and dwell, window, risk and notes."""
        parts = [
            self.kind_label(lang),
            f"{text('start', lang).lower()} {self.start:%H:%M}, "
            f"{text('dwell', lang).lower()} {round(self.dwell_s / 60)} {text('minutes', lang)}",
        ]
        if self.window_label():
            parts.append(f"{text('window', lang).lower()} {self.window_label()}")
        parts.append(self.address_label(lang))
        parts += [x for x in (self.guard_label(lang), self.contact_label(lang)) if x]
        if self.risk_level:
            reason = self.reason_label(lang)
            parts.append(
                f"{text('risk', lang).lower()} {self.risk_label(lang)}"
                + (f" ({reason})" if reason else "")
            )
        if self.notes:
            parts.append(self.notes)
        return "; ".join(parts)


@dataclass(frozen=True)
class CrewMember:
    """A person of a team as the briefing lists them."""

    name: str
    role: str = ""
    unit: str = ""
    rank: str = ""
    phone: str = ""
    leader: bool = False

    def line(self, lang: Lang = "vi") -> str:
        """``Tổ trưởng: Nguyễn Văn An (Thượng úy, Công an phường) - ĐT 0912 345 678``."""
        unit = self.unit or _word("role", self.role, lang, self.role)
        inner = ", ".join(x for x in (self.rank, unit) if x)
        text_ = f"{self.name} ({inner})" if inner else self.name
        if self.leader:
            text_ = f"{text('leader', lang)}: {text_}"
        if self.phone:
            text_ += f" - {text('phone', lang)} {self.phone}"
        return text_


@dataclass(frozen=True)
class TeamRoute:
    """One team's closed loop: depot, street path ``(lon, lat)`` and ordered stops."""

    team: str
    depot: Depot
    path: tuple[tuple[float, float], ...]
    stops: tuple[StopView, ...]
    leave: datetime
    back: datetime
    travel_s: int
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    member_counts: Mapping[str, int] = field(default_factory=dict)
    vehicle: str = ""
    people: tuple[CrewMember, ...] = ()
    """Who goes, leader first, with unit, rank and phone (plans made from a roster)."""

    @property
    def street_path(self) -> tuple[tuple[float, float], ...]:
        """The path without the places themselves: the streets only.

        ``patrol plan`` paths start, end and pass through the depot and each site, which stand a
        few metres to tens of metres off the street; a GPS track of streets leaves those kerb-to-
        door steps to the waypoints.
        """
        places = [(self.depot.lon, self.depot.lat)] + [(s.lon, s.lat) for s in self.stops]
        tol = 3e-6  # degrees, about 0.3 m: the same place written with fewer decimals
        kept = tuple(
            p for p in self.path
            if not any(abs(p[0] - x) <= tol and abs(p[1] - y) <= tol for x, y in places)
        )  # fmt: skip
        return kept if len(kept) >= 2 else self.path

    def vehicle_label(self, lang: Lang = "vi") -> str:
        """Return the travel mode in words (``xe máy``), or as the plan writes it."""
        return _word("vehicle", self.vehicle, lang, self.vehicle)

    def member_lines(self, lang: Lang = "vi") -> list[str]:
        """Return who goes, one line each: person, unit, rank and phone.

        Plans without the crew give ``Công an: A, B`` per role; without names, the head count
        (``Công an: 2 người``).
        """
        if self.people:
            return [person.line(lang) for person in self.people]
        lines = []
        for role, names in self.members.items():
            lines.append(f"{_word('role', role, lang, role)}: {', '.join(names)}")
        if not lines:
            for role, count in self.member_counts.items():
                people = "người" if lang == "vi" else "person" if count == 1 else "persons"
                lines.append(f"{_word('role', role, lang, role)}: {count} {people}")
        return lines


@dataclass(frozen=True)
class PlanExport:
    """A plan checked for export: identity, approval and one ``TeamRoute`` per team."""

    plan_id: str
    problem: str
    area: str
    shift: Shift
    version: int
    status: str
    approved_by: str
    approved_at: str
    attribution: str
    routes: tuple[TeamRoute, ...]
    source: str = "plan"
    cover: Mapping[str, Any] = field(default_factory=dict)
    """The night's ``coverage`` and ``capacity`` (``patrol.advice`` words them)."""
    demo: bool = False
    """The risk levels come from generated demonstration incidents (``demo_incidents`` of the
    plan): every export says so (``marks``, ``identity``, banners)."""
    night: Mapping[str, str] = field(default_factory=dict)
    """The night's holiday, Tết or event sentence per language (``geodata.briefing``); empty
    on an ordinary night."""
    background: Any = None
    """The area's street background (``geodata.basemap.StreetBackground``), attached by a
    caller that has the area (``with_background``); the phone page and the PDF briefing draw
    their maps on it. ``None``: the loop on a plain ground, as a plan file alone allows."""
    web_links: bool = False
    """Let the phone page link to outside web sites (OsmAnd, Google Maps); off by default, when
    it uses ``geo:`` and app links only. ``[area] online`` turns it on."""
    heading: str = ""
    """What the document is, in its language (``Tuyên truyền lưu động``), for loops that are
    not a joint team's night; empty: the closed-loop patrol plan."""

    @classmethod
    def draft_loop(
        cls,
        route: TeamRoute,
        *,
        plan_id: str,
        area: str,
        shift: Shift,
        source: str,
        heading: str,
        background: Any = None,
    ) -> PlanExport:
        """Return a loop that is not a joint team's night as a one-route draft, version 1.

        For a campaign run or a people's patrol team's walk, so that the joint teams' writers
        (PDF, phone page, GPX) make its files.
        """
        from geodata.area import ATTRIBUTION

        return cls(
            plan_id=plan_id, problem="", area=area, shift=shift, version=1, status="draft",
            approved_by="", approved_at="", attribution=ATTRIBUTION, routes=(route,),
            source=source, background=background, heading=heading,
        )  # fmt: skip

    def title(self, lang: Lang = "vi") -> str:
        """Return what the document is: its ``heading``, else the closed-loop patrol plan."""
        return self.heading or text("title", lang)

    def team_title(self, team: str, lang: Lang = "vi") -> str:
        """``Tổ T1 - Kế hoạch tuần tra khép kín``, or ``<heading> - <team>`` with a heading."""
        if self.heading:
            return f"{self.heading} - {team}"
        return f"{text('team', lang)} {team} - {text('title', lang)}"

    @property
    def is_draft(self) -> bool:
        """True unless the plan was approved: drafts are marked on every export."""
        return self.status != "approved"

    def marks(self, lang: Lang = "vi") -> str:
        """Prefix of every name in an export: ``[BẢN NHÁP] [DỮ LIỆU MINH HỌA] `` as they apply."""
        marks = [text("draft", lang)] if self.is_draft else []
        marks += [text("demo", lang)] if self.demo else []
        return "".join(f"[{m}] " for m in marks)

    @property
    def teams(self) -> tuple[str, ...]:
        """Team ids in plan order."""
        return tuple(r.team for r in self.routes)

    @property
    def expires_at(self) -> datetime:
        """End of the shift, timezone-aware: links to this plan's exports expire then."""
        return self.shift.end_dt.replace(tzinfo=WARD_TZ)

    def route(self, team: str) -> TeamRoute:
        """Return the route of ``team``; ``PlanFileError`` naming the plan's teams if absent."""
        for route in self.routes:
            if route.team == team:
                return route
        known = ", ".join(self.teams) or "none"
        msg = f"{self.source}: team {team!r} is not in the plan (routes[].team); teams: {known}"
        err = PlanFileError(msg)
        err.message_vi = f"{self.source}: kế hoạch không có tổ {team!r}; các tổ có: {known}"
        raise err

    def select(self, team: str | None) -> tuple[TeamRoute, ...]:
        """All routes for ``None``, else the one route of ``team``."""
        return self.routes if team is None else (self.route(team),)

    def identity(self, team: str | None = None, lang: Lang = "vi") -> str:
        """``Ngày 23/11/2026, ca 22:00-05:00, tổ T1, phiên bản 3`` (+ draft mark)."""
        parts = [
            f"{text('area', lang)}: {self.area}" if self.area else "",
            f"{text('date', lang)} {self.shift.date:%d/%m/%Y}",
            f"{text('shift', lang).lower()} {self.shift.start:%H:%M}-{self.shift.end:%H:%M}",
            f"{text('team', lang).lower()} {team}" if team else "",
            f"{text('version', lang).lower()} {self.version}",
        ]
        line = ", ".join(p for p in parts if p)
        if self.demo:
            line = f"{text('demo', lang)} - {line}"
        return f"{text('draft', lang)} - {line}" if self.is_draft else line

    def night_line(self, lang: Lang = "vi") -> str:
        """Return the night's holiday, Tết or event in one sentence (empty: ordinary night)."""
        return str(self.night.get(lang) or "")

    def approval(self, lang: Lang = "vi") -> str:
        """``Đã được {họ và tên} phê duyệt lúc 22:21 ngày 02/12/2026``, or the draft note."""
        if self.is_draft:
            return text("draft_note", lang)
        when = _local_time(self.approved_at, lang)
        if lang == "vi":
            return f"Đã được {self.approved_by} phê duyệt" + (f" lúc {when}" if when else "")
        return f"Approved by {self.approved_by}" + (f" at {when}" if when else "")

    def base_name(self, team: str | None) -> str:
        """File name stem: ``2026-11-23-van-mieu-v3-t1`` (``-nhap`` for drafts)."""
        stem = f"{self.plan_id}-v{self.version}" + (f"-{slug(team)}" if team else "")
        return stem + ("-nhap" if self.is_draft else "") + ("-minh-hoa" if self.demo else "")


def _local_time(iso: str, lang: Lang = "vi") -> str:
    """``22:21 ngày 02/12/2026`` (``22:21 on 02/12/2026``) in the ward's time."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone(WARD_TZ)
    return f"{when:%H:%M} {'ngày' if lang == 'vi' else 'on'} {when:%d/%m/%Y}"


# --- writing ----------------------------------------------------------------------------------


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file renamed over it: never a half file.

    Parameters
    ----------
    path
        Target file; its folder is created when missing.
    data
        Bytes, or text written as UTF-8.

    Returns
    -------
    Path
        The written path.

    """
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)  # a folder the product makes is the owner's alone
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # mkstemp makes the file 0600; the rename keeps that mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def dumps_json(data: Any) -> str:
    """JSON as exports write it: UTF-8 text, Vietnamese kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
