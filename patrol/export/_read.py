"""Reading a plan for export: every field an export needs, checked at once.

Problems are collected over the whole document and raised together in one ``PlanFileError``
naming each field (``routes[1].path``, ``shift``...), with the same in Vietnamese.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from geodata.shift import Shift
from patrol.export._common import (
    OSM_ATTRIBUTION,
    CrewMember,
    Depot,
    PlanExport,
    StopView,
    TeamRoute,
    slug,
)
from patrolbase.errors import PlanFileError, SettingsError
from routing.model import PatrolPlan

__all__ = ["check_against_area", "read_plan"]


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[str, str, str]] = []

    def add(self, where: str, message: str, message_vi: str) -> None:
        self.items.append((where, message, message_vi))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:30]
        msg = f"{self.source}: {len(self.items)} problem(s) for export: " + "; ".join(
            f"{w}: {m}" for w, m, _ in shown
        )
        err = PlanFileError(msg)
        err.message_vi = f"{self.source}: {len(self.items)} lỗi, không xuất được: " + "; ".join(
            f"{w}: {v}" for w, _, v in shown
        )
        raise err


def _coord(value: Any, low: float, high: float) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok and low <= value <= high else None


def read_plan(
    plan: str | Path | Mapping[str, Any] | PatrolPlan, *, source: str | None = None
) -> PlanExport:
    """Read and check a plan for export.

    Parameters
    ----------
    plan
        A plan file path, a decoded ``patrol-plan/1`` document or a ``PatrolPlan``.
    source
        Name used in error messages (the file name by default).

    Returns
    -------
    PlanExport
        The plan with its identity and every route ready to write.

    Raises
    ------
    PlanFileError
        Not a ``patrol-plan/1``; no ``shift``; a route without street ``path`` or depot; a stop
        without name or coordinates. Every problem is named by its field, all at once.

    """
    if isinstance(plan, str | Path):
        parsed = PatrolPlan.from_file(plan)
        source = source or str(plan)
    elif isinstance(plan, PatrolPlan):
        parsed = plan
    else:
        parsed = PatrolPlan.from_dict(dict(plan), source=source or "plan")
    source = source or "plan"
    check = _Problems(source)
    extra = dict(parsed.extra)

    shift = _read_shift(extra.get("shift"), check)
    version = extra.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        check.add(
            "version",
            f"must be a whole number from 1, got {version!r}",
            f"phải là số nguyên từ 1, đang là {version!r}",
        )
        version = 1
    status = extra.get("status", "draft")
    if status not in ("draft", "approved"):
        check.add(
            "status",
            f"must be 'draft' or 'approved', got {status!r}",
            f"phải là 'draft' hoặc 'approved', đang là {status!r}",
        )
    if status == "approved" and not extra.get("approved_by"):
        check.add(
            "approved_by",
            "an approved plan must name who approved it",
            "kế hoạch đã phê duyệt phải ghi người phê duyệt",
        )
    if not parsed.routes:
        check.add(
            "routes",
            "the plan has no route: nothing to export",
            "kế hoạch không có lộ trình nào để xuất",
        )

    routes = []
    seen: set[str] = set()
    for i, route in enumerate(parsed.routes):
        where = f"routes[{i}]"
        if route.team in seen:
            check.add(
                f"{where}.team", f"duplicate team {route.team!r}", f"tổ {route.team!r} bị trùng"
            )
        elif slug(route.team) in {slug(t) for t in seen}:
            # File names and KML ids come from the slug: two teams must not share one.
            check.add(
                f"{where}.team",
                f"team {route.team!r} has the same file name as another team; rename one",
                f"tên tổ {route.team!r} trùng tên tệp với tổ khác",
            )
        seen.add(route.team)
        made = _read_route(route, where, shift, check)
        if made is not None:
            routes.append(made)
    check.raise_if_any()
    assert shift is not None  # checked above: raise_if_any refused a plan without one
    area = _clean(str(extra.get("area") or ""))
    plan_id = str(extra.get("id") or slug(f"{shift.date:%Y-%m-%d} {area or parsed.problem}"))
    return PlanExport(
        plan_id=slug(plan_id),
        problem=parsed.problem,
        area=area,
        shift=shift,
        version=int(version),
        status=str(status),
        approved_by=_clean(str(extra.get("approved_by") or "")),
        approved_at=str(extra.get("approved_at") or ""),
        attribution=str(extra.get("attribution") or OSM_ATTRIBUTION),
        routes=tuple(routes),
        source=source,
        cover={k: extra[k] for k in ("coverage", "capacity") if isinstance(extra.get(k), dict)},
        demo=extra.get("demo_incidents") is True,
        night=_languages(
            (extra.get("night") or {}).get("line") if isinstance(extra.get("night"), dict) else None
        ),
    )


def _read_shift(raw: Any, check: _Problems) -> Shift | None:
    if not isinstance(raw, dict) or "date" not in raw:
        check.add(
            "shift",
            'missing: give {"date": "YYYY-MM-DD", "start": "22:00", '
            '"end": "05:00"} as "patrol plan" writes it',
            "thiếu ca trực (ngày, giờ bắt đầu, giờ kết thúc)",
        )
        return None
    try:
        return Shift.parse(
            raw["date"],
            f"{raw.get('start', '22:00')}-{raw.get('end', '05:00')}",
            str(raw.get("high_risk", "01:00-03:00")),
        )
    except SettingsError as exc:
        check.add("shift", str(exc), f"ca trực không hợp lệ: {exc}")
        return None


def _read_route(route: Any, where: str, shift: Shift | None, check: _Problems) -> TeamRoute | None:
    extra = dict(route.extra)
    before = len(check.items)
    path = _read_path(extra.get("path"), f"{where}.path", check)
    depot = _read_depot(extra.get("depot"), f"{where}.depot", check)
    stops = []
    for k, stop in enumerate(route.stops):
        sw = f"{where}.stops[{k}]"
        se = dict(stop.extra)
        lat = _coord(se.get("lat"), -90, 90)
        lon = _coord(se.get("lon"), -180, 180)
        if lat is None or lon is None:
            check.add(
                sw,
                f"needs lat and lon in WGS84 (got {se.get('lat')!r}, {se.get('lon')!r})",
                "điểm dừng thiếu tọa độ (lat, lon)",
            )
            continue
        if shift is None:
            continue
        name = _clean(str(se.get("name") or "")) or stop.site
        earliest, latest = se.get("earliest"), se.get("latest")
        stops.append(
            StopView(
                order=k + 1,
                site=stop.site,
                visit=stop.visit,
                name=str(name),
                kind=str(se.get("kind") or ""),
                lat=lat,
                lon=lon,
                arrive=shift.at(stop.arrive),
                start=shift.at(stop.start),
                depart=shift.at(stop.depart),
                earliest=shift.at(earliest) if isinstance(earliest, int | float) else None,
                latest=shift.at(latest) if isinstance(latest, int | float) else None,
                risk_level=str(se.get("risk_level") or ""),
                notes=_clean(str(se.get("notes") or "")),
                address=_clean(str(se.get("address") or "")),
                street=_clean(str(se.get("street") or "")),
                contact=_clean(str(se.get("contact") or "")),
                guard=str(se.get("guard") or ""),
                reason=_languages(se.get("risk_reason")),
                length_m=float(se.get("length_m") or 0.0),
            )
        )
    if len(check.items) > before or shift is None or depot is None:
        return None
    return TeamRoute(
        team=route.team,
        depot=depot,
        path=path,
        stops=tuple(stops),
        leave=shift.at(route.depart),
        back=shift.at(route.return_),
        travel_s=route.travel_s,
        members=_read_members(extra.get("members")),
        member_counts=_read_counts(extra.get("members"), extra.get("member_counts")),
        vehicle=str(extra.get("vehicle") or ""),
        people=_read_people(extra.get("people")),
    )


def _languages(raw: Any) -> dict[str, str]:
    """``{"vi": ..., "en": ...}`` texts cleaned; a plain string counts as Vietnamese."""
    if isinstance(raw, str):
        return {"vi": _clean(raw)} if raw.strip() else {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): _clean(str(v)) for k, v in raw.items() if k in ("vi", "en") and v}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    """Drop control characters (XML cannot hold them) and outer spaces; NFC for printing."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()


def _read_path(raw: Any, where: str, check: _Problems) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        check.add(
            where,
            "no street geometry: give the loop as [[lon, lat], ...] (2+ points), "
            "as 'patrol plan' writes it",
            "lộ trình thiếu đường đi theo phố (path)",
        )
        return ()
    points = []
    for n, point in enumerate(raw):
        ok = isinstance(point, Sequence) and len(point) >= 2
        lon = _coord(point[0], -180, 180) if ok else None
        lat = _coord(point[1], -90, 90) if ok else None
        if lon is None or lat is None:
            check.add(
                f"{where}[{n}]",
                f"must be [lon, lat] in WGS84, got {point!r}",
                f"tọa độ không hợp lệ: {point!r}",
            )
            return ()
        points.append((lon, lat))
    return tuple(points)


def _read_depot(raw: Any, where: str, check: _Problems) -> Depot | None:
    lat = _coord(raw.get("lat"), -90, 90) if isinstance(raw, dict) else None
    lon = _coord(raw.get("lon"), -180, 180) if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or lat is None or lon is None:
        check.add(
            where,
            'must be {"id", "name", "lat", "lon"} of the police post or command',
            "thiếu trụ sở xuất phát (depot) có tọa độ",
        )
        return None
    name = _clean(str(raw.get("name") or "")) or str(raw.get("id") or "")
    return Depot(str(raw.get("id") or "depot"), name, lat, lon)


def _read_members(raw: Any) -> dict[str, tuple[str, ...]]:
    """Names by role from ``{"police": ["A", "B"]}`` or ``[{"name": "A", "role": "police"}]``."""
    members: dict[str, list[str]] = {}
    if isinstance(raw, list):
        for person in raw:
            if isinstance(person, dict) and person.get("name"):
                role = str(person.get("role") or "police")
                members.setdefault(role, []).append(_clean(str(person["name"])))
    elif isinstance(raw, dict):
        for role, names in raw.items():
            if isinstance(names, list):
                members[str(role)] = [_clean(str(n)) for n in names]
            elif isinstance(names, str):
                members[str(role)] = [_clean(names)]
    return {role: tuple(names) for role, names in members.items()}


def _read_people(raw: Any) -> tuple[CrewMember, ...]:
    """Return the crew of ``[{"name", "role", "unit", "rank", "phone", "leader"}]``; else none."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        CrewMember(
            _clean(str(p["name"])),
            _clean(str(p.get("role") or "")),
            _clean(str(p.get("unit") or "")),
            _clean(str(p.get("rank") or "")),
            _clean(str(p.get("phone") or "")),
            p.get("leader") is True,
        )
        for p in raw
        if isinstance(p, dict) and p.get("name")
    )


def _read_counts(raw: Any, counts: Any) -> dict[str, int]:
    """Head counts by role: ``member_counts``, or ``members`` when it holds counts."""
    found: dict[str, int] = {}
    for source in (counts, raw):
        if isinstance(source, dict):
            for role, count in source.items():
                if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                    found.setdefault(str(role), count)
    return found


def check_against_area(
    plan: PlanExport,
    *,
    sites: Collection[str],
    bbox: tuple[float, float, float, float] | None = None,
    margin_m: float = 300.0,
) -> None:
    """Check that a plan belongs to an area: its sites exist there and its geometry lies inside.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    sites
        Facility ids of the area (``area.facilities.index``); every stop's site and every depot
        must be one of them.
    bbox
        ``(west, south, east, north)`` of the area; stops, depots and path points farther than
        ``margin_m`` outside it are reported.
    margin_m
        Slack around ``bbox`` in metres (a loop may use a street just beyond the extract's edge).

    Raises
    ------
    PlanFileError
        Every unknown site and every point outside the area, named by its field, at once.

    """
    known = set(sites)
    check = _Problems(plan.source)
    inside = _inside(bbox, margin_m) if bbox is not None else None
    for i, route in enumerate(plan.routes):
        where = f"routes[{i}]"
        if route.depot.id not in known:
            check.add(f"{where}.depot.id", f"{route.depot.id!r} is not a facility of the area; "
                      "was the plan made for another area?",
                      f"trụ sở {route.depot.id!r} không thuộc địa bàn")  # fmt: skip
        for k, stop in enumerate(route.stops):
            if stop.site not in known:
                check.add(f"{where}.stops[{k}].site", f"{stop.site!r} is not a site of the area; "
                          "was the plan made for another area?",
                          f"mục tiêu {stop.site!r} không thuộc địa bàn")  # fmt: skip
            if inside is not None and not inside(stop.lon, stop.lat):
                check.add(f"{where}.stops[{k}]", f"({stop.lat}, {stop.lon}) lies outside the area",
                          "điểm dừng nằm ngoài địa bàn")  # fmt: skip
        if inside is not None:
            outside = [n for n, (lon, lat) in enumerate(route.path) if not inside(lon, lat)]
            if outside:
                check.add(f"{where}.path[{outside[0]}]", f"{len(outside)} point(s) of the street "
                          "path lie outside the area", "lộ trình đi ra ngoài địa bàn")  # fmt: skip
    check.raise_if_any()


def _inside(
    bbox: tuple[float, float, float, float], margin_m: float
) -> Callable[[float, float], bool]:
    west, south, east, north = bbox
    dlat = margin_m / 110_574.0
    dlon = margin_m / (111_320.0 * max(math.cos(math.radians((south + north) / 2)), 0.01))

    def inside(lon: float, lat: float) -> bool:
        return west - dlon <= lon <= east + dlon and south - dlat <= lat <= north + dlat

    return inside
