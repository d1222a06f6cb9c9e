"""The monthly report as an administrative document, laid out once for every writer.

``official_document(review, ...)`` returns an ``OfficialDocument``: the header of the ward's
documents (issuing unit on the left; national heading and motto on the right; ``Số: …/BC-…``;
place and date), ``BÁO CÁO`` and its subject, the numbered parts (situation, patrol results,
hotspots, targets, loudspeaker campaign, recommendations), the annex that says in plain words how
the figures are made, ``Nơi nhận`` and the signature block. Issuing unit, signer, recipients and
place come from ``[report]`` settings. The Word, PDF and HTML writers only lay these blocks out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd

from patrol.report.text import (
    Lang,
    missing_reason,
    number,
    pct,
    period_words,
    target_text,
    tr,
    type_label,
)

if TYPE_CHECKING:
    from geodata.review import MonthlyReview

__all__ = ["Block", "OfficialDocument", "Part", "campaign_part", "official_document", "patrol_part"]

BlockKind = Literal["text", "notice", "table", "figure", "list"]


@dataclass(frozen=True)
class Block:
    """One piece of a part: a paragraph, a notice, a table, a figure (PNG) or a numbered list."""

    kind: BlockKind
    text: str = ""
    table: pd.DataFrame | None = None
    png: bytes | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """A numbered part (``I. TÌNH HÌNH VỤ VIỆC``) and its blocks."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class OfficialDocument:
    """Everything a writer lays out, in order."""

    lang: Lang
    parent: str
    unit: str
    number: str
    national: str
    motto: str
    place_date: str
    title: str
    subject: str
    intro: str
    parts: tuple[Part, ...]
    annex: Part
    recipients_label: str
    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str
    signature_note: str
    demo: str = ""
    audit: str = ""
    footer: str = ""
    figure_names: tuple[str, ...] = field(default=())

    @property
    def file_title(self) -> str:
        """Title for the file's properties: ``BÁO CÁO`` and the subject."""
        return f"{self.title} {self.subject}"


def _text(text: str) -> Block:
    return Block("text", text)


def _notice(text: str) -> Block:
    return Block("notice", text)


def _figure(review: MonthlyReview, figures: dict[str, bytes | None], name: str, lang: Lang):
    png = figures.get(name)
    return Block("figure", name, png=png) if png else _notice(missing_reason(review, name, lang))


def _situation(review: MonthlyReview, figures: dict[str, bytes | None], lang: Lang) -> Part:
    from patrol.report.tables import review_tables

    total = review.by_type.loc["total"]
    line = tr(
        "situation_line", lang, period=period_words(review, lang), n=int(total["month"]),
        prev=int(total["previous"]), year=int(total["last_year"]),
        change_prev=pct(total["change_prev"], lang), change_year=pct(total["change_year"], lang),
    )  # fmt: skip
    blocks = [_text(line)]
    kinds = review.by_type.drop(index="total")["month"]
    hours = review.hour_weekday.sum(axis=1)
    if int(kinds.sum()) > 0:
        peak = int(hours.idxmax())
        blocks.append(
            _text(tr("situation_peak", lang, hours=f"{peak:02d}:00-{(peak + 1) % 24:02d}:00",
                     kind=type_label(str(kinds.idxmax()), lang), count=int(kinds.max())))
        )  # fmt: skip
    blocks.extend(_notice(n.text(lang)) for n in review.notices_for("incidents"))
    blocks.extend(_notice(n.text(lang)) for n in review.notices_for("month"))
    blocks.append(Block("table", table=review_tables(review, lang=lang)["by_type"]))
    blocks.extend(_figure(review, figures, name, lang) for name in ("types", "monthly", "hours"))
    return Part(tr("part.situation", lang), tuple(blocks))


def patrol_part(review: MonthlyReview, lang: Lang) -> Part:
    """Part II: nights, team-hours, visits planned and made, top-level targets, alarms."""
    from patrol.report.tables import patrol_table

    results = review.patrol
    if results is None or not len(results.nights):
        return Part(tr("part.patrol", lang), (_text(tr("patrol_none", lang)),))
    blocks = [
        _text(tr("patrol_line", lang, nights=results.nights_patrolled,
                 team_nights=len(results.nights), hours=number(results.team_hours, lang, 1),
                 planned=results.visits_planned)),
    ]  # fmt: skip
    recorded = results.count("actual")
    if recorded:
        nights = results.nights[results.nights["basis"] == "actual"]
        share = results.visits_made / results.visits_checked if results.visits_checked else None
        blocks.append(
            _text(tr("patrol_actual", lang, recorded=recorded, made=results.visits_made,
                     checked=results.visits_checked, share=pct(share, lang, signed=False),
                     late=int(nights["late"].sum()), km=number(nights["km"].sum(), lang, 1)))
        )  # fmt: skip
    if results.count("planned"):
        blocks.append(_text(tr("patrol_planned", lang, n=results.count("planned"))))
    if results.top_planned:
        blocks.append(_text(tr("patrol_top", lang, covered=results.top_covered,
                               planned=results.top_planned)))  # fmt: skip
    blocks.append(_text(tr("patrol_alarm", lang, n=results.alarm_responses)))
    blocks.extend(_notice(n.text(lang)) for n in review.notices_for("coverage"))
    blocks.append(Block("table", table=patrol_table(review, lang=lang)))
    return Part(tr("part.patrol", lang), tuple(blocks))


def _hotspots(review: MonthlyReview, figures: dict[str, bytes | None], lang: Lang) -> Part:
    from geodata.review import EmergingCategory
    from patrol.report.tables import coverage_frame

    blocks: list[Block] = []
    if review.coverage is None:
        blocks.append(_notice(missing_reason(review, "gi", lang)))
    elif len(review.coverage) == 0:
        blocks.append(_text(tr("no_hotspots", lang)))
    else:
        cells = review.cells
        assert cells is not None
        fresh = cells["category"].isin([EmergingCategory.NEW.value,
                                        EmergingCategory.INTENSIFYING.value])  # fmt: skip
        blocks.append(
            _text(tr("hotspots_line", lang, hot=int((cells["gi_class"] == "hot").sum()),
                     new=int((fresh & (cells["count"] > 0)).sum()), gaps=len(review.gaps)))
        )  # fmt: skip
        if len(review.gaps) == 0:
            blocks.append(_text(tr("no_gaps", lang)))
        blocks.append(Block("table", table=coverage_frame(review, lang).head(15)))
    blocks.extend(_notice(n.text(lang)) for n in review.notices_for("statistics")
                  if n.severity != "info")  # fmt: skip
    blocks.extend(_figure(review, figures, name, lang) for name in ("gi", "density", "emerging"))
    return Part(tr("part.hotspots", lang), tuple(blocks))


def _targets(review: MonthlyReview, lang: Lang) -> Part:
    notes = review.notices_for("target")
    blocks = [_notice(n.text(lang)) for n in notes] or [_text(target_text(review, lang))]
    for t in review.type_targets:
        verdict = (tr("no_measure", lang) if t.on_track is None
                   else tr("on_track" if t.on_track else "off_track", lang))  # fmt: skip
        blocks.append(
            _text(tr("type_target_line", lang, type=type_label(t.type, lang), now=t.this_year,
                     before=t.last_year, target=pct(t.target, lang, signed=False),
                     verdict=verdict))
        )  # fmt: skip
    return Part(tr("part.targets", lang), tuple(blocks))


def campaign_part(review: MonthlyReview, lang: Lang) -> Part:
    """Part V: loudspeaker runs planned, made, not made; coverage per residential group."""
    from patrol.report.tables import campaign_table

    counts = review.campaign
    if counts is None:
        return Part(tr("part.campaign", lang), (_text(tr("campaign_none", lang)),))
    groups = counts.groups
    blocks = [
        _text(tr("campaign_line", lang, planned=counts.planned, made=counts.made,
                 not_made=counts.not_made, unmarked=counts.unmarked,
                 covered=int(groups["covered"].sum()), streets=int(groups["streets"].sum()),
                 share=pct(counts.share, lang, signed=False),
                 km_covered=number(float(groups["km_covered"].sum()), lang, 1),
                 km=number(float(groups["km"].sum()), lang, 1))),
    ]  # fmt: skip
    if counts.reasons:
        reasons = "; ".join(dict.fromkeys(counts.reasons))
        blocks.append(_text(tr("campaign_reasons", lang, reasons=reasons)))
    blocks.append(Block("table", table=campaign_table(review, lang=lang)))
    return Part(tr("part.campaign", lang), tuple(blocks))


def _recommendations(review: MonthlyReview, lang: Lang) -> Part:
    if not review.recommendations:
        return Part(tr("part.recommendations", lang), (_text(tr("no_recommendations", lang)),))
    items = tuple(r.in_lang(lang) for r in review.recommendations)
    return Part(tr("part.recommendations", lang), (Block("list", items=items),))


def _annex(review: MonthlyReview, lang: Lang) -> Part:
    hs, rec = review.settings.hotspots, review.settings.records
    cell = f"{review.grid.cell_m:.0f}" if review.grid is not None else f"{hs.cell_m:.0f}"
    blocks = [
        _text(tr("annex_method", lang, cell=cell, alpha=number(hs.significance, lang, 2))),
        _text(tr("annex_emerging", lang, n=review.history_months or hs.months)),
        _text(tr("annex_presence", lang, radius=f"{hs.radius_m:g}", match=f"{rec.match_m:g}",
                 dwell=number(rec.min_on_site_s / 60, lang, 0))),
        _text(tr("annex_target", lang)),
    ]  # fmt: skip
    blocks.extend(_notice(n.text(lang)) for n in review.notices
                  if n.topic in ("statistics", "emerging") and n.severity == "info")  # fmt: skip
    return Part(tr("part.annex", lang), tuple(blocks))


def official_document(
    review: MonthlyReview,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
    issued: date | None = None,
) -> OfficialDocument:
    """Lay the review out as the ward's report: header, numbered parts, annex, recipients.

    Parameters
    ----------
    review
        The period's review.
    lang
        ``vi`` (the document sent) or ``en``.
    figures
        ``render_figures``'s PNGs when already drawn.
    audit_head
        The store's last audit row id and hash, printed in the annex: the paper copy anchors
        the audit log outside the store.
    issued
        The date written on the document; default the report's due date (the 15th).

    """
    from patrol.report.figures import render_figures

    figures = figures if figures is not None else render_figures(review, lang=lang)
    settings = review.settings.report
    day = issued or review.report_date
    period = period_words(review, lang)
    demo = int(review.incidents["demo"].astype(bool).sum()) if "demo" in review.incidents else 0
    area = review.area_name or "-"
    return OfficialDocument(
        lang=lang,
        parent=settings.issuing_parent,
        unit=settings.issuing_unit,
        number=tr("number", lang, code=settings.unit_code),
        national=tr("national", lang),
        motto=tr("motto", lang),
        place_date=tr(
            "place_date",
            lang,
            place=settings.place,
            day=f"{day.day:02d}",
            month=f"{day.month:02d}",
            year=day.year,
        ),
        title=tr("doc_title", lang),
        subject=tr("doc_subject", lang, period=period),
        intro=tr("intro", lang, area=area, unit=settings.unit_name, period=period),
        parts=(
            _situation(review, figures, lang),
            patrol_part(review, lang),
            _hotspots(review, figures, lang),
            _targets(review, lang),
            campaign_part(review, lang),
            _recommendations(review, lang),
        ),
        annex=_annex(review, lang),
        recipients_label=tr("recipients", lang),
        recipients=tuple(settings.recipients),
        signer_title=settings.signer_title,
        signer_name=settings.signer_name,
        signature_note=tr("signature_blank", lang),
        demo=tr("demo", lang, n=demo) if demo else "",
        audit=tr("audit_head", lang, id=audit_head[0], hash=audit_head[1]) if audit_head else "",
        footer=tr("footer", lang, page="{page}"),
        figure_names=tuple(k for k, v in figures.items() if v),
    )
