"""The plans a monthly review counts, from the store's approval records only.

An uploaded plan file is never trusted for its own status: it counts only when its content is
a version the store approved (then as that plan, once); otherwise it is a draft, whatever its
``status`` says, and the same content uploaded twice is one plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from patrol.store.db import Store
from patrol.store.models import Area, Plan, PlanVersion

__all__ = ["ReviewPlans", "plans_for_review"]


_IDENTITY_KEYS = frozenset({"id", "version", "status", "approved_by", "approved_at", "area"})
"""Keys an exported plan file adds or a user may edit: not part of what was approved."""


def _content_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of a plan's content as approved: routes, stops, shift; no status or identity."""
    from routing.model import PatrolPlan

    canonical = PatrolPlan.from_dict(dict(document)).to_dict()
    kept = {k: v for k, v in canonical.items() if k not in _IDENTITY_KEYS}
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReviewPlans:
    """The plans a monthly review counts, their status set by the store alone.

    ``documents``: each approved plan of the month once (its latest approved version, ``status``
    ``approved``), then the uploaded files the store never approved, marked ``draft`` (the review
    lists them as not counted). ``approved``: how many approved plans; ``unconfirmed``: names of
    uploaded files that say "approved" although the store has no such approval; ``duplicates``:
    uploads of a plan already counted.
    """

    documents: list[dict[str, Any]]
    approved: int
    unconfirmed: list[str]
    duplicates: int


def plans_for_review(
    store: Store,
    *,
    month: date,
    area: str | None = None,
    uploads: Sequence[tuple[str, Mapping[str, Any]]] = (),
    period_kind: str = "month",
) -> ReviewPlans:
    """Collect the approved plans of ``month`` from the store's approval records.

    Parameters
    ----------
    store
        The store.
    month
        Any day of the month that names the period reviewed.
    area
        Only plans of this area (ward); every area when ``None``.
    uploads
        ``(file name, patrol-plan/1 document)`` pairs a user supplied. A file counts only when
        its content is a version the store approved (then as that plan, once, whatever the file
        says of itself); otherwise it is a draft, whatever its ``status`` says. The same
        content uploaded twice is one plan.
    period_kind
        ``month`` (the calendar month) or ``15-14`` (15th of the month before to the 14th).

    Returns
    -------
    ReviewPlans
        The documents to pass to the review, and what was refused.

    """
    from geodata.review.period import Period

    period = Period(month.replace(day=1), "15-14" if period_kind == "15-14" else "month")
    first, nxt = period.start, period.end
    query = (
        select(PlanVersion, Plan, Area.name)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Area, Plan.area_id == Area.id)
        .where(PlanVersion.status == "approved")
        .order_by(PlanVersion.plan_id, PlanVersion.version)
    )
    if area is not None:
        query = query.where(Area.name == area)
    latest: dict[int, dict[str, Any]] = {}  # plan id -> its latest approved version, stamped
    in_month: set[int] = set()
    by_digest: dict[str, int] = {}
    with store.read() as session:
        for version, plan, area_name in session.execute(query):
            document = json.loads(version.document)
            by_digest[_content_digest(document)] = plan.id
            latest[plan.id] = {
                **document,
                "id": f"plan-{plan.id}",
                "version": version.version,
                "status": "approved",
                "area": area_name,
            }
            if first <= plan.shift_date < nxt:
                in_month.add(plan.id)
    counted = {pid: latest[pid] for pid in sorted(in_month)}
    drafts: list[dict[str, Any]] = []
    unconfirmed: list[str] = []
    duplicates = 0
    seen_drafts: set[str] = set()
    for name, document in uploads:
        digest = _content_digest(document)
        plan_id = by_digest.get(digest)
        if plan_id is None:
            if document.get("status") == "approved":
                unconfirmed.append(name)
            if digest in seen_drafts:
                duplicates += 1
                continue
            seen_drafts.add(digest)
            drafts.append({**document, "status": "draft", "approved_by": None})
        elif plan_id in counted:
            duplicates += 1
        # else: approved, but for another month or area: not this review's

    return ReviewPlans([*counted.values(), *drafts], len(counted), unconfirmed, duplicates)
