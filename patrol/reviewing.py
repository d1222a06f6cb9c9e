"""The review's inputs from the ward's store: approved plans and patrol records, each once.

``review_inputs`` collects, for one reporting period and area, the plans the store approved
(uploaded plan files count only when the store approved their content, and a plan identity
once: ``patrol.store.plans.plans_for_review``) and the latest patrol record of each team and
night (``patrol.store.records.records_for_review``), and the loudspeaker campaign's stored runs
(``patrol.store.campaigns.campaign_for_review``). The command and the dashboard page pass
them to ``geodata.review.monthly_review``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from patrolbase.settings import Settings

if TYPE_CHECKING:
    from geodata.review.campaign import CampaignLog
    from geodata.trackmatch import TrackMatch
    from patrol.store.db import Store
    from patrol.store.plans import ReviewPlans
    from routing.model import PatrolPlan

__all__ = ["ReviewInputs", "review_inputs"]


@dataclass(frozen=True)
class ReviewInputs:
    """Plans and records of a period, and what the store said of the uploaded files."""

    plans: list[PatrolPlan]
    records: list[TrackMatch]
    counted: ReviewPlans
    campaign: CampaignLog | None = None
    """The loudspeaker campaign's stored runs of the period (none stored: no runs)."""


def review_inputs(
    store: Store,
    *,
    month: date,
    area: str,
    uploads: Sequence[tuple[str, Mapping[str, Any]]] = (),
    settings: Settings | None = None,
) -> ReviewInputs:
    """Collect the approved plans and the patrol records of the period named by ``month``."""
    from geodata.review.period import Period
    from patrol.store.campaigns import campaign_for_review
    from patrol.store.records import records_for_review
    from patrol.store.review_plans import plans_for_review
    from routing.model import PatrolPlan

    settings = settings or Settings()
    kind = settings.report.period
    period = Period(month.replace(day=1), kind)
    counted = plans_for_review(store, month=month, area=area, uploads=uploads, period_kind=kind)
    records = records_for_review(store, area=area, start=period.start, end=period.end)
    campaign = campaign_for_review(store, area=area, start=period.start, end=period.end)
    return ReviewInputs(
        [PatrolPlan.from_dict(d) for d in counted.documents],
        [r.match for r in records],
        counted,
        campaign,
    )
