"""The loudspeaker campaign in a review: runs planned, made and not made; streets per group.

The store keeps each saved week's runs with their status and the residential streets the week
was planned on (``patrol.store.campaigns``); ``campaign_counts`` turns the period's runs into
the review's figures. A street counts as covered when a run *made* broadcast along it at least
once; a group's share is the length of its covered streets over the length of all its
residential streets. Streets are known across weeks by ``key`` (end nodes and length), so a
street planned in two weeks counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

__all__ = ["CampaignCounts", "CampaignLog", "CampaignRunLog", "CampaignStreet", "campaign_counts"]

STATUSES = ("planned", "made", "not_made")
"""A run's status: still planned (not marked yet), made, not made (with a reason)."""


@dataclass(frozen=True)
class CampaignStreet:
    """A residential street of a saved week: its key across weeks, group and length."""

    key: str
    name: str
    group_id: str
    group: str
    length_m: float


@dataclass(frozen=True)
class CampaignRunLog:
    """A stored run as the review reads it: when, which vehicle, status, streets broadcast."""

    day: date
    start: str
    vehicle: str
    vehicle_no: int
    status: str
    reason: str
    street_keys: tuple[str, ...]


@dataclass(frozen=True)
class CampaignLog:
    """The period's stored runs and the residential streets their weeks were planned on."""

    runs: tuple[CampaignRunLog, ...]
    streets: tuple[CampaignStreet, ...]


@dataclass(frozen=True)
class CampaignCounts:
    """Runs planned, made and not made in the period, and coverage per residential group.

    ``groups`` is indexed by ``group_id`` with ``name``, ``streets``, ``km``, ``covered``
    (streets driven at least once), ``km_covered``, ``share`` (of the length, 0-1), ``runs``
    (made runs that broadcast in the group) and ``passes`` (times its streets were broadcast
    along by the made runs); ``reasons`` the reasons given for the runs not made.
    """

    planned: int
    made: int
    not_made: int
    groups: pd.DataFrame
    reasons: tuple[str, ...] = ()

    @property
    def unmarked(self) -> int:
        """Runs of the period not marked made or not made (yet)."""
        return self.planned - self.made - self.not_made

    @property
    def share(self) -> float:
        """Share of all residential street length covered by the made runs (0-1)."""
        km = float(self.groups["km"].sum())
        return float(self.groups["km_covered"].sum()) / km if km > 0 else 0.0


def campaign_counts(log: CampaignLog) -> CampaignCounts:
    """Count the period's runs and the coverage per group of the runs made.

    >>> street = CampaignStreet("1-2-50.0", "Ngõ 1", "kdc-1", "Khu dân cư số 1", 50.0)
    >>> run = CampaignRunLog(date(2026, 12, 7), "06:30", "motorbike", 1, "made", "", ("1-2-50.0",))
    >>> counts = campaign_counts(CampaignLog((run,), (street,)))
    >>> counts.made, float(counts.groups.at["kdc-1", "share"])
    (1, 1.0)
    """
    streets: dict[str, CampaignStreet] = {}
    for street in log.streets:  # a later week's record of the same street wins
        streets[street.key] = street
    passes: dict[str, int] = dict.fromkeys(streets, 0)
    runs_in: dict[str, int] = {}
    made = [r for r in log.runs if r.status == "made"]
    for run in made:
        groups_of_run = set()
        for key in run.street_keys:
            if key in passes:
                passes[key] += 1
                groups_of_run.add(streets[key].group_id)
        for group in groups_of_run:
            runs_in[group] = runs_in.get(group, 0) + 1
    rows: dict[str, dict[str, float | int | str]] = {}
    for key, street in streets.items():
        row = rows.setdefault(
            street.group_id,
            {"name": street.group, "streets": 0, "km": 0.0, "covered": 0, "km_covered": 0.0,
             "runs": runs_in.get(street.group_id, 0), "passes": 0},
        )  # fmt: skip
        row["streets"] = int(row["streets"]) + 1
        row["km"] = float(row["km"]) + street.length_m / 1000
        row["passes"] = int(row["passes"]) + passes[key]
        if passes[key] > 0:
            row["covered"] = int(row["covered"]) + 1
            row["km_covered"] = float(row["km_covered"]) + street.length_m / 1000
    columns = ["name", "streets", "km", "covered", "km_covered", "share", "runs", "passes"]
    table = pd.DataFrame.from_dict(rows, orient="index")
    if len(table):
        table["share"] = table["km_covered"] / table["km"].where(table["km"] > 0)
        table["share"] = table["share"].fillna(0.0)
        table = table.loc[sorted(table.index, key=lambda g: _key(str(g))), columns]
    else:
        table = pd.DataFrame(columns=columns)
    table.index.name = "group_id"
    return CampaignCounts(
        planned=len(log.runs),
        made=len(made),
        not_made=sum(1 for r in log.runs if r.status == "not_made"),
        groups=table,
        reasons=tuple(r.reason for r in log.runs if r.status == "not_made" and r.reason),
    )


def _key(text: str) -> tuple[str, int]:
    """Sort ``kdc-2`` before ``kdc-10``."""
    head, _, tail = text.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (text, -1)
