"""From risk to a routing problem: the one place where risk becomes value.

``build_problem`` turns a shift's risk assessment, the teams and a travel-time matrix into a
``patrol-problem/1`` document (``routing.PatrolProblem``). The mapping, documented in
``docs/risk.md``:

- **Sites**: every target (``geodata.targets``: a bank branch with the ATMs at its door is one
  stop) that is not a depot (police post, military command) and has a positive risk; its risk
  in each slot is the highest of its parts. Depots are where teams start and end their loops.
- **Visits per site**: ``ceil(peak score / risk.score_per_visit)``, at most
  ``risk.max_visits_per_site``: riskier targets ask to be seen more often.
- **Cover first, then deepen**: the first visit is offered twice, inside the high-risk window
  (01:00-03:00 by default) or anywhere in the shift, and at most one of the two is served
  (the ``one_of`` extension of the contract); it is worth the target's risk over its window
  (times ``risk.high_risk_visit_weight`` inside the high-risk window). Repeats split the rest
  of the shift, before and after the high-risk window, each worth a declining share
  (``cover.repeat_visit_share``, its square, ...) of its window's risk.
- **Top level first**: the first visit of a top-level target (``cover.top_level``) carries a
  bonus larger than all other values together, and inside the high-risk window a second one
  larger than all values below the top level; so the engine covers every top-level target it
  can reach, inside the window where it can, before any lower visit.
- **Dwell** (``service_s``): by the site's risk level, 10-15 minutes at high and very high
  sites (the hot-spot dosage evidence), less elsewhere (``risk.dwell_s``).
- **Gap**: two visits of one site start at least ``risk.min_gap_s`` apart.
- **Travel**: the given matrix, as whole seconds, in the order of the given node ids.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.coverage import LEVEL_RANK
from patrolbase.errors import ProblemFormatError, SettingsError
from patrolbase.schema import DEPOT_KINDS, FacilityKind
from patrolbase.settings import Settings
from routing.model import Node, PatrolProblem, Site, Team, Visit

if TYPE_CHECKING:
    from geodata.risk import RiskAssessment
    from geodata.shift import Shift

__all__ = ["TeamSpec", "build_problem", "site_table", "visit_windows"]


@dataclass(frozen=True)
class TeamSpec:
    """A joint team as a commander describes it: who, from which depot, when.

    ``depot`` is the facility id of its police post or military command (one of the node ids);
    ``start``/``end`` default to the shift's own.
    """

    id: str
    depot: str
    members: Mapping[str, int] = field(default_factory=dict)
    start: time | None = None
    end: time | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def visit_windows(shift: Shift, count: int, *, service_s: int = 0) -> list[tuple[int, int, bool]]:
    """Windows ``(earliest, latest, in_high_risk)`` of ``count`` visits across ``shift``.

    The first visit lies in the high-risk window; the others split the time before and after it
    in proportion to its length (largest remainder), each part into equal windows. ``latest``
    leaves room for ``service_s`` where the window allows.

    >>> from geodata.shift import Shift
    >>> visit_windows(Shift.parse("2026-11-23", "22:00-05:00"), 3)
    [(10800, 18000, True), (0, 10800, False), (18000, 25200, False)]
    """
    if count < 1:
        return []
    hr_a, hr_b = shift.high_risk_s
    end = shift.duration_s
    segments = [(a, b) for a, b in ((0, hr_a), (hr_b, end)) if b > a]
    windows: list[tuple[int, int, bool]] = []
    rest = count - 1
    if not segments or rest == 0:
        # No time outside the high-risk window (or one visit): split the window itself.
        step = (hr_b - hr_a) / count
        bounds = [(hr_a + round(i * step), hr_a + round((i + 1) * step)) for i in range(count)]
        return [(a, _latest(a, b, service_s), True) for a, b in bounds]
    windows.append((hr_a, _latest(hr_a, hr_b, service_s), True))
    total = sum(b - a for a, b in segments)
    quotas = [rest * (b - a) / total for a, b in segments]
    shares = [math.floor(q) for q in quotas]
    order = sorted(range(len(segments)), key=lambda i: quotas[i] - shares[i], reverse=True)
    for i in order[: rest - sum(shares)]:
        shares[i] += 1
    for (a, b), k in zip(segments, shares, strict=True):
        for i in range(k):
            lo = a + round(i * (b - a) / k)
            hi = a + round((i + 1) * (b - a) / k)
            windows.append((lo, _latest(lo, hi, service_s), False))
    return windows


def _latest(a: int, b: int, service_s: int) -> int:
    return max(a, b - service_s)


def _window_mean(row: np.ndarray, starts_s: np.ndarray, end_s: int, a: int, b: int) -> float:
    """Time-weighted mean of slot scores over ``[a, b]`` (the slot at ``a`` when ``a == b``)."""
    ends = np.append(starts_s[1:], end_s)
    if b <= a:
        return float(row[max(0, int(np.searchsorted(starts_s, a, side="right")) - 1)])
    overlap = np.clip(np.minimum(ends, b) - np.maximum(starts_s, a), 0, None)
    return float((row * overlap).sum() / overlap.sum())


def _check_matrix(travel_s: Any, node_ids: Sequence[str]) -> np.ndarray:
    matrix = np.asarray(travel_s)
    n = len(node_ids)
    if matrix.ndim != 2 or matrix.shape != (n, n):
        msg = (
            f"travel_s: shape {matrix.shape} does not match the {n} node ids; give one row and "
            "one column per node id, in the same order"
        )
        raise ProblemFormatError(msg)
    if not np.issubdtype(matrix.dtype, np.number) or not np.isfinite(matrix).all():
        msg = "travel_s: every entry must be a finite number of seconds"
        raise ProblemFormatError(msg)
    if (matrix < 0).any():
        i, j = np.argwhere(matrix < 0)[0]
        msg = f"travel_s[{i}][{j}] = {matrix[i, j]}: travel times must be non-negative seconds"
        raise ProblemFormatError(msg)
    whole: np.ndarray = np.rint(matrix).astype(np.int64)
    return whole


def _teams(
    teams: Sequence[Team | TeamSpec],
    index_of: Mapping[str, int],
    shift: Shift,
) -> tuple[Team, ...]:
    if not teams:
        msg = "teams: give at least one team (a TeamSpec with its depot's facility id)"
        raise ProblemFormatError(msg)
    built = []
    for spec in teams:
        if isinstance(spec, Team):
            built.append(spec)
            continue
        if spec.depot not in index_of:
            msg = (
                f"team {spec.id!r}: depot {spec.depot!r} is not one of the node ids; add the "
                "police post or military command to the nodes"
            )
            raise ProblemFormatError(msg)
        node = index_of[spec.depot]
        a = 0 if spec.start is None else _clock_s(shift, spec.start, f"team {spec.id} start")
        b = (
            shift.duration_s
            if spec.end is None
            else _clock_s(shift, spec.end, f"team {spec.id} end")
        )
        if b <= a:
            msg = f"team {spec.id!r}: ends at {spec.end} before it starts at {spec.start}"
            raise SettingsError(msg)
        built.append(Team(spec.id, node, node, (a, b), dict(spec.members), dict(spec.extra)))
    return tuple(built)


def _clock_s(shift: Shift, clock: time, field_name: str) -> int:
    offset = (clock.hour * 3600 + clock.minute * 60) - (
        shift.start.hour * 3600 + shift.start.minute * 60
    )
    offset %= 86400
    if offset > shift.duration_s:
        msg = (
            f"{field_name} = {clock:%H:%M}: lies outside the shift {shift.label()}; "
            "choose a time inside it"
        )
        raise SettingsError(msg)
    return offset


def build_problem(
    assessment: RiskAssessment,
    *,
    travel_s: Any,
    node_ids: Sequence[str],
    teams: Sequence[Team | TeamSpec],
    name: str | None = None,
    area: str | None = None,
    settings: Settings | None = None,
    targets: Mapping[str, Sequence[str]] | None = None,
    window_weight: Mapping[str, float] | None = None,
    cover_weight: Mapping[str, float] | None = None,
) -> PatrolProblem:
    """Build the ``patrol-problem/1`` of a shift from its risk assessment.

    Parameters
    ----------
    assessment : RiskAssessment
        From ``geodata.risk.assess_risk`` for the shift; every node id must be one of its
        facilities (depots included).
    travel_s : array-like
        Square matrix of travel seconds between the nodes, in the order of ``node_ids``
        (``geodata.travel.travel_times(...).travel_s``).
    node_ids : sequence of str
        Facility ids of the matrix's rows: depots and candidate sites.
    teams : sequence of TeamSpec or routing.Team
        The teams; a ``TeamSpec`` names its depot by facility id.
    name : str, optional
        Problem name; default from the area and the shift.
    area : str, optional
        Area name, kept as the problem's ``area`` extra.
    settings : Settings, optional
        ``risk`` (dwell, visit count, weights), ``cover`` (repeat share, top level) and
        ``routing`` (time limit, seed).
    targets : mapping, optional
        Target id (a node id) -> its facility ids (``geodata.targets.group_targets``): the
        target's risk in each slot is the highest of its parts. Default: each node alone.
    window_weight : mapping, optional
        Top-level target id -> weight (1-2) of its in-window bonus: a week's rota raises it for
        targets still short of their nights in the window. Default 1.
    cover_weight : mapping, optional
        Other target id -> share (0-1) of a cover bonus that brings it into the night: a week's
        rota raises it for high-level targets not yet visited that week. Default 0.

    Returns
    -------
    routing.PatrolProblem
        Nodes in the order of ``node_ids`` with ``lat``/``lon`` and ``name``/``kind`` extras;
        one site per non-depot node with positive risk (extras ``name``, ``kind``,
        ``members``, ``risk_level``, ``risk_score``, ``top``, ``risk_values``, ``lat``,
        ``lon``, and ``one_of`` [[0, 1]]: the first visit inside the high-risk window or
        anywhere in the shift); the problem's ``shift`` extra.

    """
    settings = settings or Settings()
    shift = assessment.shift
    facilities = assessment.facilities
    ids = [str(i) for i in node_ids]
    unknown = [i for i in ids if i not in facilities.index]
    if unknown:
        msg = (
            f"node_ids: {len(unknown)} id(s) are not facilities of the assessment "
            f"({', '.join(unknown[:10])}); build the matrix from the assessed facilities"
        )
        raise ProblemFormatError(msg)
    if len(set(ids)) != len(ids):
        msg = "node_ids: ids repeat; give each facility once"
        raise ProblemFormatError(msg)
    matrix = _check_matrix(travel_s, ids)
    index_of = {fid: i for i, fid in enumerate(ids)}
    kinds = facilities["kind"].astype(str)

    nodes = []
    for fid in ids:
        row = facilities.loc[fid]
        kind = FacilityKind(kinds.loc[fid])
        nodes.append(
            Node(
                fid,
                float(row["lat"]),
                float(row["lon"]),
                {"name": str(row.get("name", "") or ""), "kind": kind.value},
            )
        )

    built_teams = _teams(teams, index_of, shift)
    depots = {t.start for t in built_teams} | {t.end for t in built_teams}

    drafts = _site_drafts(assessment, ids, index_of, depots, kinds, targets or {}, settings)
    sites = _valued_sites(
        drafts,
        settings,
        window_weight=window_weight or {},
        cover_weight=cover_weight or {},
    )
    window = f"{shift.high_risk_start:%H:%M}-{shift.high_risk_end:%H:%M}"
    extra: dict[str, Any] = {
        "shift": {
            "date": shift.date.isoformat(),
            "start": f"{shift.start:%H:%M}",
            "end": f"{shift.end:%H:%M}",
            "high_risk": window,
        }
    }
    if area:
        extra["area"] = area
    title = name or f"{area or 'Patrol'} {shift.label()}"
    frozen = matrix.copy()
    frozen.setflags(write=False)
    return PatrolProblem(
        title,
        tuple(nodes),
        frozen,
        built_teams,
        tuple(sites),
        settings.routing.time_limit_s,
        settings.routing.seed,
        extra,
    )


@dataclass(frozen=True)
class _Draft:
    """A target before its values get the top level's priority."""

    id: str
    node: int
    service_s: int
    level: str
    peak: float
    members: tuple[str, ...]
    windows: tuple[tuple[int, int], ...]
    risk_values: tuple[int, ...]
    """Risk points of each visit: the first inside the window, the first anywhere, repeats."""
    extra: dict[str, Any]


def _site_drafts(
    assessment: RiskAssessment,
    ids: Sequence[str],
    index_of: Mapping[str, int],
    depots: set[int],
    kinds: pd.Series,
    targets: Mapping[str, Sequence[str]],
    settings: Settings,
) -> list[_Draft]:
    """One draft per target: its windows and the risk each visit would cover."""
    from geodata.targets import target_name

    risk, shift = settings.risk, assessment.shift
    facilities = assessment.facilities
    depot_kinds = {k.value for k in DEPOT_KINDS}
    starts_s = np.array(
        [shift.seconds_at(s.to_pydatetime()) for s in assessment.slots], dtype=np.int64
    )
    peaks, levels, scores = assessment.peak, assessment.levels, assessment.scores
    share = settings.cover.repeat_visit_share
    end = shift.duration_s
    drafts = []
    for fid in ids:
        node = index_of[fid]
        if node in depots or kinds.loc[fid] in depot_kinds:
            continue
        members = tuple(targets.get(fid, (fid,)))
        main = max(members, key=lambda m: float(peaks.loc[m]))
        peak = float(peaks.loc[main])
        if not peak > 0:
            continue
        level = str(levels.loc[main])
        service = int(risk.dwell_s[level])
        count = min(risk.max_visits_per_site, max(1, math.ceil(peak / risk.score_per_visit)))
        row = scores.loc[list(members)].to_numpy(dtype=float).max(axis=0)

        def points(
            a: int, b: int, high: bool, row: np.ndarray = row, service: int = service
        ) -> float:
            mean = _window_mean(row, starts_s, end, a, b + service)
            return mean * (risk.high_risk_visit_weight if high else 1.0)

        windows = visit_windows(shift, count, service_s=service)
        a, b, high = windows[0]
        if high:
            # Present inside the window counts from the arrival: a check that starts at 02:55
            # is a check inside 01:00-03:00, as the metrics and the commander count it.
            b = max(b, min(shift.high_risk_s[1], end - service))
        anywhere = (0, _latest(0, end, service))
        firsts = [((a, b), points(a, b, high)), (anywhere, points(*anywhere, False))]
        repeats = sorted(
            (((lo, hi), points(lo, hi, h)) for lo, hi, h in windows[1:]),
            key=lambda item: -item[1],
        )
        valued = firsts + [(w, v * share ** (k + 1)) for k, (w, v) in enumerate(repeats)]
        facility = facilities.loc[fid]
        drafts.append(
            _Draft(
                fid,
                node,
                service,
                level,
                peak,
                members,
                tuple(w for w, _ in valued),
                tuple(max(1, round(v)) for _, v in valued),
                {
                    "name": target_name(facilities, members),
                    "kind": kinds.loc[fid],
                    "members": list(members),
                    "risk_level": level,
                    "risk_score": round(peak, 1),
                    "lat": float(facility["lat"]),
                    "lon": float(facility["lon"]),
                },
            )
        )
    return drafts


def _valued_sites(
    drafts: Sequence[_Draft],
    settings: Settings,
    *,
    window_weight: Mapping[str, float],
    cover_weight: Mapping[str, float],
) -> list[Site]:
    """Sites whose values put the top level first (``docs/risk.md``, "Cover first").

    Values are whole points. With ``cover.top_first`` a top-level target's first visit carries
    a cover bonus larger than every other value of the night together, and its first visit
    inside the window a window bonus larger than all values below the top level: covering one
    more top-level target beats any placement, one more inside the window beats any lower
    visit. A rota night's ``cover_weight`` adds a share of the lower total to a target's first
    visit; ``window_weight`` scales a top-level target's window bonus.
    """
    cover = settings.cover
    top_rank = LEVEL_RANK[cover.top_level]
    top = {d.id for d in drafts if LEVEL_RANK.get(d.level, 0) >= top_rank}
    lifted = top if cover.top_first else set()
    # Most risk a night can cover: the better first visit and every repeat of each target.
    reachable = sum(max(d.risk_values[:2]) + sum(d.risk_values[2:]) for d in drafts)
    lift = {
        d.id: round(reachable * min(1.0, max(0.0, cover_weight.get(d.id, 0.0))))
        for d in drafts
        if d.id not in top
    }
    below_top = reachable + sum(lift.values())
    window_bonus = below_top + 1
    heaviest = max([1.0, *(window_weight.get(t, 1.0) for t in lifted)])
    cover_bonus = math.ceil(len(lifted) * heaviest * window_bonus) + below_top + 1
    sites = []
    for d in drafts:
        values = list(d.risk_values)
        if d.id in lifted:
            weight = min(2.0, max(1.0, window_weight.get(d.id, 1.0)))
            values[0] += cover_bonus + round(weight * window_bonus)
            values[1] += cover_bonus
        elif lift.get(d.id):
            values[0] += lift[d.id]
            values[1] += lift[d.id]
        visits = tuple(Visit(a, b, float(v)) for (a, b), v in zip(d.windows, values, strict=True))
        sites.append(
            Site(
                d.id,
                d.node,
                d.service_s,
                visits,
                settings.risk.min_gap_s,
                {
                    **d.extra,
                    "top": d.id in top,
                    "risk_values": list(d.risk_values),
                    "one_of": [[0, 1]],
                },
            )
        )
    return sites


def site_table(problem: PatrolProblem) -> pd.DataFrame:
    """One row per visit of ``problem``: site, window, value, dwell (for review and tests)."""
    rows = [
        {
            "site": s.id,
            "visit": k,
            "earliest": v.earliest,
            "latest": v.latest,
            "value": v.value,
            "service_s": s.service_s,
            "risk_level": s.extra.get("risk_level", ""),
            "risk_score": s.extra.get("risk_score", math.nan),
        }
        for s in problem.sites
        for k, v in enumerate(s.visits)
    ]
    return pd.DataFrame(rows)
