"""Independent checker of a ``patrol-plan/1`` against its ``patrol-problem/1``.

Plain dicts and arithmetic only: it shares no code with ``routing`` (not even the models), so a
mistake in the solver cannot hide itself. Used by ``bench/toptw.py`` and the routing tests.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["check_plan"]


def check_plan(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Every way ``plan`` breaks the contract for ``problem``; an empty list when it is valid.

    Checks: format, one route per known team at most, closed loops inside the shift,
    ``arrive <= start <= depart``, start inside the visit's window, ``depart = start + service``,
    next ``arrive = depart + travel``, return time, route and plan travel totals, plan value,
    each visit served at most once, the minimum gap between visits of one site, at most one
    served visit of each ``one_of`` group (the extension in docs/contract.md), and that every
    visit not served is listed once in ``unserved``.
    """
    errors: list[str] = []
    travel = problem["travel_s"]
    teams = {t["id"]: t for t in problem["teams"]}
    sites = {s["id"]: s for s in problem["sites"]}
    if plan.get("format") != "patrol-plan/1":
        errors.append(f"format is {plan.get('format')!r}")
    seen_teams: set[str] = set()
    served: dict[tuple[str, int], int] = {}
    value = 0.0
    total_travel = 0
    for r in plan.get("routes", []):
        team = teams.get(r["team"])
        if team is None:
            errors.append(f"route of unknown team {r['team']!r}")
            continue
        if r["team"] in seen_teams:
            errors.append(f"team {r['team']} has two routes")
        seen_teams.add(r["team"])
        open_s, close_s = team["shift"]
        if r["depart"] < open_s:
            errors.append(f"{r['team']} departs at {r['depart']} before its shift {open_s}")
        here, clock, driven = team["start"], r["depart"], 0
        for i, s in enumerate(r["stops"]):
            where = f"{r['team']} stop {i} ({s['site']}#{s['visit']})"
            site = sites.get(s["site"])
            if site is None or not 0 <= s["visit"] < len(site["visits"]):
                errors.append(f"{where}: unknown site or visit")
                continue
            visit = site["visits"][s["visit"]]
            if s["node"] != site["node"]:
                errors.append(f"{where}: node {s['node']} is not the site's {site['node']}")
            leg = travel[here][site["node"]]
            driven += leg
            if s["arrive"] != clock + leg:
                errors.append(f"{where}: arrive {s['arrive']} != {clock} + {leg}")
            if not s["arrive"] <= s["start"] <= s["depart"]:
                errors.append(f"{where}: not arrive <= start <= depart")
            if not visit["earliest"] <= s["start"] <= visit["latest"]:
                errors.append(
                    f"{where}: start {s['start']} outside [{visit['earliest']}, {visit['latest']}]"
                )
            if s["depart"] != s["start"] + site.get("service_s", 0):
                errors.append(f"{where}: depart != start + service")
            key = (s["site"], s["visit"])
            if key in served:
                errors.append(f"{where}: visit served twice")
            served[key] = s["start"]
            value += visit["value"]
            here, clock = site["node"], s["depart"]
        leg = travel[here][team["end"]]
        driven += leg
        if r["return"] != clock + leg:
            errors.append(f"{r['team']}: return {r['return']} != {clock} + {leg}")
        if r["return"] > close_s:
            errors.append(f"{r['team']}: back at {r['return']} after the shift ends at {close_s}")
        if r["travel_s"] != driven:
            errors.append(f"{r['team']}: travel_s {r['travel_s']} != driven {driven}")
        total_travel += driven
    for sid, site in sites.items():
        gap = site.get("min_gap_s") or 0
        starts = sorted(t for (s, _), t in served.items() if s == sid)
        for a, b in itertools.pairwise(starts):
            if b - a < gap:
                errors.append(f"site {sid}: visits start {b - a} s apart, gap is {gap}")
        for group in site.get("one_of", []):
            both = [k for k in group if (sid, k) in served]
            if len(both) > 1:
                errors.append(f"site {sid}: visits {both} of one one_of group are all served")
    if abs(plan.get("value", -1) - value) > 1e-6 * max(1.0, value):
        errors.append(f"plan value {plan.get('value')} != recomputed {value}")
    if plan.get("travel_s") != total_travel:
        errors.append(f"plan travel_s {plan.get('travel_s')} != recomputed {total_travel}")
    listed: dict[tuple[str, int], int] = {}
    for u in plan.get("unserved", []):
        key = (u["site"], u["visit"])
        listed[key] = listed.get(key, 0) + 1
    for sid, site in sites.items():
        for k in range(len(site["visits"])):
            key = (sid, k)
            if key in served and key in listed:
                errors.append(f"{sid}#{k} is both served and unserved")
            if key not in served and listed.get(key) != 1:
                errors.append(f"{sid}#{k} is not served and listed {listed.get(key, 0)} times")
    return errors
