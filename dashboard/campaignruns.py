"""The campaign page's stored runs: save the planned week, then record each run's result.

``save_button`` stores the planned week (``patrol.store.campaigns.save_week``: the runs still
planned are replaced, runs with a result are kept); ``runs_section`` lists the saved runs of the
chosen week with their result and lets the commander record one run made, or not made with a
reason, or set back to planned. The store checks the permission and writes the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import access, cache
from dashboard import state as session
from patrolbase.wording import fmt_decimal, say

if TYPE_CHECKING:
    from geodata.campaign import CampaignWeek
    from patrol.store.campaigns import StoredRun

__all__ = ["runs_section", "save_button"]

_STATUSES = ("made", "not_made", "planned")


def _label(run: StoredRun, lang: str, status: str = "") -> str:
    """``Ngày 07/12/2026, 06:30, xe 1 (Xe máy)``, followed by ``: status`` when given."""
    text = say(
        "campaign.marked",
        lang,
        run=say("campaign.run", lang, day=f"{run.day:%d/%m/%Y}", start=run.start,
                vehicle=run.vehicle_no),
        vehicle=say(f"settings.mode.{run.vehicle}", lang),
        status=status,
    )  # fmt: skip
    return text if status else text.removesuffix(": ")


def save_button(week: CampaignWeek, lang: str) -> None:
    """Offer «Lưu kế hoạch tuần»; on a click store ``week`` and say what was saved."""
    from patrol.store.campaigns import save_week

    if not st.button(say("campaign.page.save", lang), key="campaign_save"):
        return
    with session.guard():
        saved = save_week(access.store(), access.principal(), week, source=access.source())
        st.success(
            say("campaign.saved", lang, week=f"{week.week_of:%d/%m/%Y}",
                vehicle=say(f"settings.mode.{week.vehicle}", lang), planned=saved.planned,
                kept=saved.kept)
        )  # fmt: skip


def runs_section(first: date, lang: str) -> None:
    """List the saved runs of the week from ``first``; record one run's result."""
    from patrol.store.campaigns import list_runs, mark_run

    st.subheader(say("campaign.page.runs", lang))
    area = cache.area_name()
    marked = st.session_state.pop("campaign_marked", None)
    if marked:
        st.success(marked)
    runs: list[StoredRun] = []
    with session.guard():
        runs = list_runs(access.store(), access.principal(), area=area, start=first,
                         end=first + timedelta(days=7))  # fmt: skip
    if not runs:
        st.info(say("campaign.page.runs_none", lang))
        return
    st.dataframe(
        [
            {
                say("campaign.page.col.run", lang): _label(run, lang),
                say("campaign.page.col.minutes", lang): fmt_decimal(run.minutes, lang, decimals=0),
                say("campaign.page.col.streets", lang): len(set(run.streets)),
                say("campaign.page.col.status", lang): say(f"campaign.status.{run.status}", lang),
                say("campaign.page.col.reason", lang): run.reason,
            }
            for run in runs
        ],
        hide_index=True,
    )
    c1, c2, c3 = st.columns([2, 1, 2])
    chosen = c1.selectbox(say("campaign.page.col.run", lang), range(len(runs)),
                          format_func=lambda i: _label(runs[i], lang),
                          key="campaign_mark_run")  # fmt: skip
    status = c2.radio(say("campaign.page.mark_status", lang), _STATUSES,
                      format_func=lambda s: say(f"campaign.status.{s}", lang),
                      key="campaign_mark_status")  # fmt: skip
    reason = c3.text_input(say("campaign.page.mark_reason", lang), key="campaign_mark_reason")
    if st.button(say("campaign.page.mark", lang), key="campaign_mark") and chosen is not None:
        run = runs[int(chosen)]
        with session.guard():
            done = mark_run(
                access.store(), access.principal(), area=area, day=run.day, start=run.start,
                vehicle_no=run.vehicle_no, vehicle=run.vehicle, status=str(status),
                reason=str(reason or ""), source=access.source(),
            )  # fmt: skip
            st.session_state["campaign_marked"] = _label(
                done, lang, say(f"campaign.status.{done.status}", lang)
            )
        if "campaign_marked" in st.session_state:
            st.rerun()
