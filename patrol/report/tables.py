"""The review's tables with translated headers: for the report's body and the data export.

Places are named by their street and the sites near them, never by a cell code; the cell table
with its statistics (z, p) is part of the export for analysts, not of the document's body.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geodata.review import WEEKDAYS_EN, WEEKDAYS_VI
from patrol.files import private_folder, private_open
from patrol.personnel import team_label
from patrol.report.text import Lang, category_label, kind_label, number, pct, tr, type_label

if TYPE_CHECKING:
    from geodata.review import MonthlyReview

__all__ = ["campaign_table", "patrol_table", "review_tables", "write_tables"]


def _place(street: str, lat: float, lon: float, lang: Lang) -> str:
    if street:
        return street
    if lang == "vi":
        return f"{number(lat, lang, 5)}; {number(lon, lang, 5)}"
    return f"{lat:.5f}, {lon:.5f}"


def _basis(actual_min: float, presence_min: float, lang: Lang) -> str:
    if presence_min <= 0:
        return "-"
    if actual_min >= presence_min - 1e-9:
        return tr("basis.actual", lang)
    return tr("basis.mixed" if actual_min > 0 else "basis.planned", lang)


def coverage_frame(review: MonthlyReview, lang: Lang) -> pd.DataFrame:
    """Hotspot areas by street and nearby sites: incidents, presence and where it comes from."""
    c: Callable[..., str] = lambda key, **kw: tr(f"col.{key}", lang, **kw)  # noqa: E731
    cov = review.coverage
    if cov is None or not len(cov):
        return pd.DataFrame()
    fac = review.facilities

    def site(fid: str) -> str:
        if fac is None or fid not in fac.index:
            return ""
        name = str(fac.at[fid, "name"] or "")
        return name or kind_label(str(fac.at[fid, "kind"]), lang)

    actual = cov["actual_min"] if "actual_min" in cov else pd.Series(0.0, index=cov.index)
    return pd.DataFrame(
        {
            c("place"): [_place(s, a, b, lang) for s, a, b in
                         zip(cov.get("street", [""] * len(cov)), cov["lat"], cov["lon"],
                             strict=True)],
            c("near"): ["; ".join(dict.fromkeys(site(f) for f in ids[:4] if site(f)))
                        for ids in cov["facilities"]],
            c("count"): cov["count"].astype(int).to_numpy(),
            c("presence"): cov["presence_min"].round(0).astype(int).to_numpy(),
            c("basis"): [_basis(a, p, lang) for a, p in zip(actual, cov["presence_min"],
                                                           strict=True)],
            c("gap"): [tr("yes" if g else "no", lang) for g in cov["gap"]],
            c("category"): [category_label(v, lang) for v in cov["category"]],
        }
    )  # fmt: skip


def campaign_table(review: MonthlyReview, *, lang: Lang = "vi") -> pd.DataFrame:
    """One row per residential group: streets, km, driven by the campaign runs made, passes."""
    c: Callable[..., str] = lambda key, **kw: tr(f"col.{key}", lang, **kw)  # noqa: E731
    if review.campaign is None:
        return pd.DataFrame()
    groups = review.campaign.groups
    return pd.DataFrame(
        {
            c("group"): groups["name"].astype(str).to_numpy(),
            c("streets_covered"): [f"{int(a)}/{int(b)}" for a, b in
                                   zip(groups["covered"], groups["streets"], strict=True)],
            c("km_covered"): [f"{number(a, lang, 2)}/{number(b, lang, 2)}" for a, b in
                              zip(groups["km_covered"], groups["km"], strict=True)],
            c("share"): [pct(v, lang, signed=False) for v in groups["share"]],
            c("runs"): groups["runs"].astype(int).to_numpy(),
            c("passes"): groups["passes"].astype(int).to_numpy(),
        }
    )  # fmt: skip


def patrol_table(review: MonthlyReview, *, lang: Lang = "vi") -> pd.DataFrame:
    """One row per team-night: planned visits, made, late, hours, distance, presence basis."""
    c: Callable[..., str] = lambda key, **kw: tr(f"col.{key}", lang, **kw)  # noqa: E731
    if review.patrol is None or not len(review.patrol.nights):
        return pd.DataFrame()
    nights = review.patrol.nights

    def count(v: float) -> str:
        return "-" if pd.isna(v) else str(int(v))

    return pd.DataFrame(
        {
            c("night"): [f"{d:%d/%m/%Y}" for d in nights["date"]],
            c("team"): [team_label(t, lang) for t in nights["team"]],
            c("basis"): [tr(f"basis.{b}", lang) for b in nights["basis"]],
            c("planned_visits"): nights["planned"].astype(int).to_numpy(),
            c("made"): [count(v) for v in nights["made"]],
            c("late"): [count(v) for v in nights["late"]],
            c("hours"): [number(h, lang, 1) for h in nights["hours"]],
            c("km"): ["-" if pd.isna(k) else number(k, lang, 1) for k in nights["km"]],
            c("top"): [f"{int(a)}/{int(b)}" if b else "-" for a, b in
                       zip(nights["top_covered"], nights["top_planned"], strict=True)],
        }
    )  # fmt: skip


def review_tables(review: MonthlyReview, *, lang: Lang = "vi") -> dict[str, pd.DataFrame]:
    """Return the review's tables with translated headers, in the report's order.

    Keys: ``coverage`` (hotspot areas by street, gaps first), ``patrol`` (team-nights),
    ``campaign`` (loudspeaker runs made: coverage per residential group),
    ``recommendations``, ``by_type``, ``monthly``, ``hour_weekday``, ``cells`` (the statistics
    of every cell with incidents, a class or presence: for analysts), ``facilities``,
    ``notices``. Empty frames where nothing was computed.
    """
    c: Callable[..., str] = lambda key, **kw: tr(f"col.{key}", lang, **kw)  # noqa: E731
    tables: dict[str, pd.DataFrame] = {"coverage": coverage_frame(review, lang),
                                       "patrol": patrol_table(review, lang=lang),
                                       "campaign": campaign_table(review, lang=lang)}  # fmt: skip
    tables["recommendations"] = pd.DataFrame(
        {c("recommendation"): [r.in_lang(lang) for r in review.recommendations]}
    )
    bt = review.by_type
    tables["by_type"] = pd.DataFrame(
        {
            c("type"): [type_label(v, lang) for v in bt.index],
            c("month"): bt["month"].to_numpy(),
            c("previous"): bt["previous"].to_numpy(),
            c("last_year"): bt["last_year"].to_numpy(),
            c("change_prev"): [pct(v, lang) for v in bt["change_prev"]],
            c("change_year"): [pct(v, lang) for v in bt["change_year"]],
        }
    )
    tables["monthly"] = pd.DataFrame(
        {c("month_label"): review.monthly.index, c("incidents"): review.monthly.to_numpy()}
    )
    days = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    hw = review.hour_weekday.copy()
    hw.columns = list(days)
    hw.insert(0, c("hour"), [f"{h:02d}:00" for h in hw.index])
    tables["hour_weekday"] = hw.reset_index(drop=True)
    if review.cells is not None:
        cells = review.cells
        keep = (
            (cells["count"] > 0)
            | (cells["gi_class"] != "ns")
            | (cells["category"] != "none")
            | (cells["presence_min"] > 0)
        )
        sub = cells[keep]
        tables["cells"] = pd.DataFrame(
            {
                c("cell"): sub.index,
                "lat": sub["lat"].round(6).to_numpy(),
                "lon": sub["lon"].round(6).to_numpy(),
                c("count"): sub["count"].astype(int).to_numpy(),
                c("z"): sub["z"].round(3).to_numpy(),
                c("p"): sub["p_sim"].round(4).to_numpy(),
                c("class"): [tr(f"class.{v}", lang) for v in sub["gi_class"]],
                c("category"): [category_label(v, lang) for v in sub["category"]],
                c("presence"): sub["presence_min"].round(0).to_numpy(),
            }
        )
    else:
        tables["cells"] = pd.DataFrame()
    if review.facilities is not None:
        fac = review.facilities
        tables["facilities"] = pd.DataFrame(
            {
                c("name"): fac["name"].to_numpy(),
                c("kind"): [kind_label(v, lang) for v in fac["kind"]],
                c("within", r=f"{review.settings.hotspots.radius_m:g}"): fac[
                    "incidents"
                ].to_numpy(),
                c("presence"): fac["presence_min"].round(0).astype(int).to_numpy(),
            }
        )
    else:
        tables["facilities"] = pd.DataFrame()
    tables["notices"] = pd.DataFrame({c("notice"): [n.text(lang) for n in review.notices]})
    return tables


def write_tables(review: MonthlyReview, folder: str | Path, *, lang: Lang = "vi") -> list[Path]:
    """Write every table as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and one XLSX.

    Returns the files written: ``<name>.csv`` per table and ``review-YYYY-MM.xlsx`` with one sheet
    per table.
    """
    folder = Path(folder)
    if not folder.exists():
        private_folder(folder)
    written: list[Path] = []
    tables = review_tables(review, lang=lang)
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        with private_open(path, "w", encoding="utf-8-sig", newline="") as handle:
            table.to_csv(handle, index=False)
        written.append(path)
    xlsx = folder / f"review-{review.month:%Y-%m}.xlsx"
    with private_open(xlsx, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as writer:
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name[:31], index=False)
    written.append(xlsx)
    return written
