"""A week's rota: consecutive nights planned together, with a guarantee and no learnable pattern.

Each night is planned by ``plan_shift`` with its own seed (other loops, other times, other
teams), and with weights from the nights before it:

- a top-level target still short of ``cover.rota_window_nights`` nights inside the high-risk
  window has its window bonus raised by how urgent it has become (nights it still needs over
  nights left), so that a night that cannot put every top-level target in the window gives the
  window to those that need it most;
- a high-level target not yet visited ``cover.rota_high_nights`` times that week gets a share of
  a cover bonus that grows likewise, up to first place on its last chance.

A night where a team would drive the same loop as the night before is planned again with
another seed. The report gives every top- and high-level target's arrival times across the
week, the share of stops two consecutive nights have in common (same target in the same half
hour, ``routing.metrics.overlap``), and the targets that fall short of the guarantee with how
many more team-nights would meet it.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodata.coverage import LEVEL_RANK
from patrol.personnel import team_label
from patrolbase.errors import SettingsError
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from geodata.shift import Shift
    from patrol.pipeline import Inputs, ShiftPlan

__all__ = ["Rota", "plan_week", "rota_text", "write_rota_outputs"]

_RESEEDS = 3
"""Most seeds tried for a night whose loop repeats the night before's."""


@dataclass(frozen=True, eq=False)
class Rota:
    """The nights of a rota and what they add up to."""

    nights: list[ShiftPlan]
    window_nights: int
    """The guarantee: nights each top-level target is visited inside the window."""
    high_nights: int
    """The guarantee: nights each high-level target is visited."""
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Target id -> ``name``, ``level`` (highest of the week), ``arrivals`` (per night: clock
    times ``HH:MM`` of its visits, with the team), ``window_nights``, ``nights``."""
    overlap: list[float] = field(default_factory=list)
    """Share of stops night ``i + 1`` has in common with night ``i``."""
    repeated_loops: list[str] = field(default_factory=list)
    """Teams whose loop is the same as the night before (after reseeding), as ``date team``."""
    shortfall: list[dict[str, Any]] = field(default_factory=list)
    """Targets short of the guarantee: ``site``, ``name``, ``level``, ``got``, ``needed``."""
    more_team_nights: int = 0
    """Estimated team-nights that would meet the guarantee (0 when it holds)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (``rota.json``)."""
        return {
            "format": "patrol-rota/1",
            "nights": [
                {"date": n.shift.date.isoformat(), "seed": n.plan.extra["search"]["seed"]}
                for n in self.nights
            ],
            "window_nights": self.window_nights,
            "high_nights": self.high_nights,
            "targets": self.targets,
            "overlap": self.overlap,
            "repeated_loops": self.repeated_loops,
            "shortfall": self.shortfall,
            "more_team_nights": self.more_team_nights,
        }


def plan_week(
    inputs: Inputs,
    first: Shift,
    *,
    nights: int = 7,
    n_teams: int = 3,
    seed: int | None = None,
    time_limit_s: float | None = None,
    events: Iterable[date | str] = (),
    settings: Settings | None = None,
    **options: Any,
) -> Rota:
    """Plan ``nights`` consecutive nights from ``first``, with the rota's guarantee.

    Parameters
    ----------
    inputs
        From ``patrol.pipeline.load_inputs``.
    first
        The first night's shift; the others have the same hours, one day later each.
    nights
        How many nights (1-14).
    n_teams, seed, time_limit_s, events, settings, options
        As ``plan_shift`` takes them; night ``d`` uses seed ``seed + d``.

    Returns
    -------
    Rota
        The nights and the report.

    """
    from patrol.pipeline import plan_shift
    from routing.metrics import overlap

    settings = settings or Settings()
    if not 1 <= nights <= 14:
        msg = f"nights = {nights}: plan between 1 and 14 nights"
        raise SettingsError(msg)
    cover = settings.cover
    base_seed = settings.routing.seed if seed is None else seed
    top: set[str] = set()
    in_window: dict[str, int] = {}
    visited: dict[str, int] = {}
    plans: list[ShiftPlan] = []
    repeated: list[str] = []
    for d in range(nights):
        shift = replace(first, date=first.date + timedelta(days=d))
        left = nights - d
        window_weight = {
            t: 1.0 + min(1.0, max(0, cover.rota_window_nights - in_window.get(t, 0)) / left)
            for t in top
        }
        cover_weight = {
            t: min(1.0, max(0, cover.rota_high_nights - got) / left)
            for t, got in visited.items()
            if t not in top
        }
        night = None
        for attempt in range(_RESEEDS):
            night = plan_shift(
                inputs,
                shift,
                n_teams=n_teams,
                seed=base_seed + d + 100 * attempt,
                time_limit_s=time_limit_s,
                events=events,
                settings=settings,
                window_weight=window_weight,
                cover_weight=cover_weight,
                **options,
            )
            if not plans or not _same_loops(plans[-1], night):
                break
        assert night is not None
        if plans:
            repeated += [
                f"{shift.date:%d/%m/%Y} {team_label(team)}"
                for team in _same_loops(plans[-1], night)
            ]
        plans.append(night)
        lo, hi = shift.high_risk_s
        starts = _starts(night)
        for site in night.problem.sites:
            times = starts.get(site.id, [])
            if site.extra.get("top"):
                top.add(site.id)
            in_window[site.id] = in_window.get(site.id, 0) + any(lo <= t <= hi for t, _ in times)
            if site.extra.get("risk_level") == "high":
                visited[site.id] = visited.get(site.id, 0) + bool(times)
    targets = _arrivals(plans)
    window_needed = min(cover.rota_window_nights, nights)
    high_needed = min(cover.rota_high_nights, nights)
    shortfall = [
        {**_named(targets, t), "got": in_window.get(t, 0), "needed": window_needed}
        for t in sorted(top)
        if in_window.get(t, 0) < window_needed
    ] + [
        {**_named(targets, t), "got": got, "needed": high_needed}
        for t, got in sorted(visited.items())
        if t not in top and got < high_needed
    ]
    return Rota(
        plans,
        cover.rota_window_nights,
        cover.rota_high_nights,
        targets,
        [overlap(a.plan, b.plan) for a, b in itertools.pairwise(plans)],
        repeated,
        shortfall,
        _more_team_nights(plans, shortfall, n_teams),
    )


def _starts(night: ShiftPlan) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for route in night.plan.routes:
        for stop in route.stops:
            out.setdefault(stop.site, []).append((stop.start, route.team))
    return out


def _same_loops(before: ShiftPlan, after: ShiftPlan) -> list[str]:
    """Teams that drive the same targets in the same order as the night before."""
    loops = {r.team: [s.site for s in r.stops] for r in before.plan.routes}
    return [r.team for r in after.plan.routes if [s.site for s in r.stops] == loops.get(r.team)]


def _arrivals(plans: list[ShiftPlan]) -> dict[str, dict[str, Any]]:
    """Every high- and top-level target's visits night by night."""
    targets: dict[str, dict[str, Any]] = {}
    for d, night in enumerate(plans):
        starts = _starts(night)
        lo, hi = night.shift.high_risk_s
        for site in night.problem.sites:
            level = str(site.extra.get("risk_level", "low"))
            if LEVEL_RANK.get(level, 0) < LEVEL_RANK["high"]:
                continue
            entry = targets.setdefault(
                site.id,
                {
                    "name": str(site.extra.get("name", site.id)),
                    "level": level,
                    "arrivals": [[] for _ in plans],
                    "nights": 0,
                    "window_nights": 0,
                },
            )
            if LEVEL_RANK[level] > LEVEL_RANK[entry["level"]]:
                entry["level"] = level
            times = sorted(starts.get(site.id, []))
            entry["arrivals"][d] = [f"{night.shift.at(t):%H:%M} {team}" for t, team in times]
            entry["nights"] += bool(times)
            entry["window_nights"] += any(lo <= t <= hi for t, _ in times)
    return targets


def _named(targets: dict[str, dict[str, Any]], site: str) -> dict[str, Any]:
    entry = targets.get(site, {})
    return {"site": site, "name": entry.get("name", site), "level": entry.get("level", "")}


def _more_team_nights(plans: list[ShiftPlan], shortfall: list[dict[str, Any]], teams: int) -> int:
    """Team-nights that would add the visits missing, at the week's rate per team-night.

    The rate is the number of top-level targets a team visited inside the window per night
    (for window nights) or targets it visited per night (for the rest), measured on the
    week's own plans: an estimate, stated as one.
    """
    if not shortfall:
        return 0
    team_nights = max(1, teams * len(plans))
    in_window = sum(
        n.metrics.get("coverage", {}).get("levels", {}).get("very_high", {}).get("in_window", 0)
        for n in plans
    )
    visited = sum(n.metrics.get("coverage", {}).get("visited", 0) for n in plans)
    missing_window = sum(s["needed"] - s["got"] for s in shortfall if s["level"] == "very_high")
    missing_other = sum(s["needed"] - s["got"] for s in shortfall if s["level"] != "very_high")
    need = 0.0
    if missing_window:
        need += missing_window / max(in_window / team_nights, 1e-9)
    if missing_other:
        need += missing_other / max(visited / team_nights, 1e-9)
    return math.ceil(need)


_LEVEL_VI = {"very_high": "rất cao", "high": "cao"}


def rota_text(rota: Rota) -> str:
    """Write the rota's report in Vietnamese, for ``rota.txt`` and the plan page."""
    first, last = rota.nights[0].shift.date, rota.nights[-1].shift.date
    window = rota.nights[0].shift
    hr = f"{window.high_risk_start:%H:%M}-{window.high_risk_end:%H:%M}"
    lines = [
        f"LỊCH TUẦN TRA {len(rota.nights)} ĐÊM: {first:%d/%m/%Y} – {last:%d/%m/%Y}",
        f"Cam kết: mỗi mục tiêu mức rất cao được kiểm tra trong khung giờ {hr} ít nhất "
        f"{min(rota.window_nights, len(rota.nights))} đêm; mỗi mục tiêu mức cao ít nhất "
        f"{min(rota.high_nights, len(rota.nights))} đêm.",
    ]
    if rota.nights[0].plan.extra.get("demo_incidents"):
        lines.append("Vụ việc dùng để đánh giá nguy cơ: DỮ LIỆU MINH HỌA (không phải số liệu thật)")
    if rota.shortfall:
        lines.append(
            f"CHƯA ĐẠT cam kết với {len(rota.shortfall)} mục tiêu; cần thêm khoảng "
            f"{rota.more_team_nights} lượt tổ-đêm (ước tính theo số mục tiêu một tổ kiểm tra "
            "được mỗi đêm trong tuần này):"
        )
        lines += [
            f"  - {s['name']} (mức {_LEVEL_VI.get(s['level'], s['level'])}): {s['got']}/"
            f"{s['needed']} đêm"
            for s in rota.shortfall
        ]
    else:
        lines.append("Đạt cam kết với mọi mục tiêu.")
    shares = ", ".join(f"{100 * x:.0f} %" for x in rota.overlap)
    if shares:
        lines.append(
            "Tỷ lệ điểm dừng trùng giữa hai đêm liền nhau (cùng mục tiêu, cùng nửa giờ): " + shares
        )
    if rota.repeated_loops:
        lines.append("Tổ lặp lại đúng lộ trình đêm trước: " + ", ".join(rota.repeated_loops))
    else:
        lines.append("Không tổ nào lặp lại lộ trình của đêm trước.")
    lines.append("")
    codes = sorted({r.team for n in rota.nights for r in n.plan.routes})
    named = [f"{code} = {team_label(code)}" for code in codes if team_label(code) != code]
    if named:
        lines.append("Mỗi ô: giờ đến và tổ (" + ", ".join(named) + ").")
    header = "Mục tiêu | mức | " + " | ".join(f"{n.shift.date:%d/%m}" for n in rota.nights)
    lines.append(header)
    ordered = sorted(
        rota.targets.items(), key=lambda kv: (-LEVEL_RANK[kv[1]["level"]], kv[1]["name"])
    )
    for _, entry in ordered:
        cells = [", ".join(times) or "–" for times in entry["arrivals"]]
        level = _LEVEL_VI.get(entry["level"], entry["level"])
        lines.append(f"{entry['name']} | {level} | " + " | ".join(cells))
    return "\n".join(lines) + "\n"


def write_rota_outputs(rota: Rota, out_dir: str | Path, *, lang: str = "vi") -> list[Path]:
    """Write each night into ``NN-YYYY-MM-DD/`` (as ``patrol plan``) and ``rota.txt``/``.json``."""
    from patrol.plan_files import write_plan_outputs

    out = Path(out_dir)
    written: list[Path] = []
    for d, night in enumerate(rota.nights, start=1):
        folder = out / f"{d:02d}-{night.shift.date.isoformat()}"
        written += write_plan_outputs(night, folder, lang=lang)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("rota.txt", rota_text(rota)),
        ("rota.json", json.dumps(rota.to_dict(), ensure_ascii=False, indent=1)),
    ):
        target = out / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
