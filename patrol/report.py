"""The monthly hotspot review as a PDF, a self-contained HTML page and tables (CSV/XLSX).

Everything shown comes from one ``geodata.review.MonthlyReview``; this module only lays it out.
Maps and charts are drawn with matplotlib on projected coordinates (no tiles, no network); the
PDF embeds DejaVu Sans (``patrol.export.pdf.font_path``), which has every Vietnamese letter.
Where a result could not be computed, the notice that says why is printed in its place, so no
chart is ever silently empty. Vietnamese by default, English with ``lang="en"``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.review import WEEKDAYS_EN, WEEKDAYS_VI, EmergingCategory, MonthlyReview
from patrol.files import private_folder, private_open, write_private
from patrolbase.lang import Lang
from patrolbase.schema import FacilityKind, IncidentType
from patrolbase.wording import catalog_texts, fmt_decimal, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "TEXT",
    "Lang",
    "figure_density",
    "figure_emerging",
    "figure_gi",
    "figure_hour_weekday",
    "figure_monthly",
    "figure_types",
    "method_text",
    "missing_reason",
    "render_figures",
    "review_tables",
    "summary_text",
    "target_text",
    "tr",
    "write_html",
    "write_pdf",
    "write_tables",
]


TEXT: dict[str, tuple[str, str]] = {
    key.removeprefix("report."): texts
    for key, texts in catalog_texts().items()
    if key.startswith("report.")
}
"""The report's texts, key -> (Vietnamese, English), from the catalog's ``report.*`` entries."""


def tr(key: str, lang: Lang = "vi", /, **values: Any) -> str:
    """Text ``report.<key>`` of the catalog in ``lang``, with ``values`` put in."""
    return say(f"report.{key}", lang, **values)


def _pct(value: float | None, lang: Lang = "vi") -> str:
    """``+4,7 %`` / ``-12 %`` in Vietnamese (decimal comma), ``+4.7%`` in English."""
    if value is None or math.isnan(value):
        return "-"
    digits = 1 if abs(value) < 0.1 else 0
    number = fmt_decimal(100 * value, lang, decimals=digits)
    sign = "+" if value > 0 or (value == 0 and not number.startswith("-")) else ""
    return f"{sign}{number} %" if lang == "vi" else f"{sign}{number}%"


def _type_label(value: str, lang: Lang) -> str:
    if value == "total":
        return tr("total", lang)
    try:
        kind = IncidentType(value)
    except ValueError:
        return value
    return kind.label_vi if lang == "vi" else kind.label_en


def _kind_label(value: str, lang: Lang) -> str:
    try:
        kind = FacilityKind(value)
    except ValueError:
        return value
    return kind.label_vi if lang == "vi" else kind.label_en


def _category_label(value: str, lang: Lang) -> str:
    category = EmergingCategory(value)
    return category.label_vi if lang == "vi" else category.label_en


def _month_label(review: MonthlyReview) -> str:
    return f"{review.month:%m/%Y}"


# --- tables -----------------------------------------------------------------------------------


def review_tables(review: MonthlyReview, *, lang: Lang = "vi") -> dict[str, pd.DataFrame]:
    """Return the review's tables with translated headers, in the report's order.

    Keys: ``coverage`` (gaps first), ``recommendations``, ``by_type``, ``monthly``,
    ``hour_weekday``, ``cells`` (cells with incidents, a class or presence), ``facilities``,
    ``notices``. Empty frames where nothing was computed.
    """
    c: Callable[..., str] = lambda key, **kw: tr(f"col.{key}", lang, **kw)  # noqa: E731
    tables: dict[str, pd.DataFrame] = {}
    if review.coverage is not None and len(review.coverage):
        cov = review.coverage
        names = review.facilities["name"] if review.facilities is not None else pd.Series()
        tables["coverage"] = pd.DataFrame(
            {
                c("cell"): cov.index,
                c("place"): [
                    f"{a:.5f}, {b:.5f}" for a, b in zip(cov["lat"], cov["lon"], strict=True)
                ],
                c("count"): cov["count"].astype(int).to_numpy(),
                c("presence"): cov["presence_min"].round(0).to_numpy(),
                c("gap"): [tr("yes" if g else "no", lang) for g in cov["gap"]],
                c("class"): [tr(f"class.{v}", lang) for v in cov["gi_class"]],
                c("category"): [_category_label(v, lang) for v in cov["category"]],
                c("near"): [
                    "; ".join(str(names.get(f, f)) or str(f) for f in ids[:4])
                    for ids in cov["facilities"]
                ],
            }
        )
    else:
        tables["coverage"] = pd.DataFrame()
    tables["recommendations"] = pd.DataFrame(
        {c("recommendation"): [r.in_lang(lang) for r in review.recommendations]}
    )
    bt = review.by_type
    tables["by_type"] = pd.DataFrame(
        {
            c("type"): [_type_label(v, lang) for v in bt.index],
            c("month"): bt["month"].to_numpy(),
            c("previous"): bt["previous"].to_numpy(),
            c("last_year"): bt["last_year"].to_numpy(),
            c("change_prev"): [_pct(v, lang) for v in bt["change_prev"]],
            c("change_year"): [_pct(v, lang) for v in bt["change_year"]],
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
                c("category"): [_category_label(v, lang) for v in sub["category"]],
                c("presence"): sub["presence_min"].round(0).to_numpy(),
            }
        )
    else:
        tables["cells"] = pd.DataFrame()
    if review.facilities is not None:
        fac = review.facilities
        tables["facilities"] = pd.DataFrame(
            {
                "facility_id": fac.index,
                c("name"): fac["name"].to_numpy(),
                c("kind"): [_kind_label(v, lang) for v in fac["kind"]],
                c("within", r=f"{review.settings.hotspots.radius_m:g}"): fac[
                    "incidents"
                ].to_numpy(),
                c("presence"): fac["presence_min"].round(0).to_numpy(),
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


# --- figures ----------------------------------------------------------------------------------

_CLASS_COLOURS = {"hot": "#d7301f", "cold": "#2b8cbe", "ns": "#f0f0f0"}
_CATEGORY_COLOURS = {
    "new": "#fd8d3c",
    "intensifying": "#bd0026",
    "persistent": "#e31a1c",
    "diminishing": "#fed976",
    "sporadic": "#c994c7",
    "historical": "#bdbdbd",
    "none": "#f7f7f7",
}


def _new_figure(size: tuple[float, float] = (7.0, 5.0)) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=110, layout="constrained")


def _map_axes(fig: Figure, review: MonthlyReview, lang: Lang) -> Any:
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_xlabel(tr("axis_x", lang) + f" · {review.crs}", fontsize=7)
    ax.set_ylabel(tr("axis_y", lang), fontsize=7)
    ax.tick_params(labelsize=6)
    ax.ticklabel_format(useOffset=False, style="plain")
    return ax


def _draw_context(ax: Any, review: MonthlyReview, lang: Lang) -> None:
    """Boundary and facilities on a map, projected to the review's CRS."""
    if review.boundary is not None and len(review.boundary):
        shapes = review.boundary.to_crs(review.crs).geometry
        # Polygons are drawn by their outline; boundary lines (incomplete relations) as they are.
        polygons = shapes.geom_type.isin(["Polygon", "MultiPolygon"])
        outlines = shapes.where(~polygons, shapes.boundary)
        outlines.plot(ax=ax, color="#555555", linewidth=0.7, linestyle="--")
    fac = review.facility_frame
    if fac is not None and len(fac):
        from geodata.hotspots import project_lonlat

        xy = project_lonlat(fac["lon"].to_numpy(), fac["lat"].to_numpy(), crs=review.crs)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=9,
            marker="s",
            facecolor="white",
            edgecolor="black",
            linewidth=0.6,
            label=tr("facility_legend", lang),
            zorder=4,
        )
    if review.grid is not None:  # keep the map on the area, not on everything drawn
        minx, miny, maxx, maxy = review.grid.cells.total_bounds
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)


def _cells_map(
    review: MonthlyReview,
    column: str,
    colours: dict[str, str],
    labels: dict[str, str],
    title: str,
    lang: Lang,
) -> Figure:
    from matplotlib.patches import Patch

    assert review.grid is not None and review.cells is not None
    fig = _new_figure()
    ax = _map_axes(fig, review, lang)
    values = review.cells[column]
    background = "ns" if column == "gi_class" else "none"
    grid = review.grid
    if grid.kind == "square":
        # One raster for the whole lattice: thousands of city cells draw in milliseconds.
        from matplotlib.colors import to_rgba

        rgba = np.array([to_rgba(colours.get(v, colours[background])) for v in values])
        nrows, ncols = grid.shape
        x0, y0 = grid.origin
        ax.imshow(
            rgba.reshape(nrows, ncols, 4),
            origin="lower",
            interpolation="nearest",
            extent=(x0, x0 + ncols * grid.cell_m, y0, y0 + nrows * grid.cell_m),
        )
    else:
        geoms = grid.cells.geometry
        shown = (values != background).to_numpy()
        geoms[~shown].plot(ax=ax, color=colours[background], edgecolor="#dddddd", linewidth=0.2)
        for value, colour in colours.items():
            mask = (values == value).to_numpy() & shown
            if mask.any():
                geoms[mask].plot(ax=ax, color=colour, edgecolor="#888888", linewidth=0.3)
    _draw_context(ax, review, lang)
    present = [v for v in colours if (values == v).any()]
    handles = [Patch(facecolor=colours[v], edgecolor="#888888", label=labels[v]) for v in present]
    ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(title, fontsize=10)
    return fig


def figure_density(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Kernel density of the month's incidents, or ``None`` when it was not computed."""
    kde = review.kde
    if kde is None:
        return None
    fig = _new_figure()
    ax = _map_axes(fig, review, lang)
    image = ax.imshow(kde.density, origin="lower", extent=kde.extent, cmap="YlOrRd")
    fig.colorbar(image, ax=ax, shrink=0.8, label=tr("map_density", lang))
    _draw_context(ax, review, lang)
    from geodata.hotspots import project_lonlat

    inc = review.incidents
    xy = project_lonlat(inc["lon"].to_numpy(), inc["lat"].to_numpy(), crs=review.crs)
    ax.scatter(
        xy[:, 0], xy[:, 1], s=1.5, color="#333333", alpha=0.5, label=tr("incidents_legend", lang)
    )
    ax.set_title(
        f"{tr('map_density', lang)} · {_month_label(review)} · h = {kde.bandwidth_m:.0f} m",
        fontsize=10,
    )
    return fig


def figure_gi(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Gi* classes per cell with the planned stops, or ``None`` when Gi* was not computed."""
    if review.gi is None or review.cells is None:
        return None
    labels = {k: tr(f"class.{k}", lang) for k in _CLASS_COLOURS}
    title = f"{tr('map_gi', lang)} · {_month_label(review)}"
    fig = _cells_map(review, "gi_class", _CLASS_COLOURS, labels, title, lang)
    ax = fig.axes[0]
    cells = review.cells
    present = cells[cells["presence_min"] > 0]
    if len(present):
        ax.scatter(
            present["x"],
            present["y"],
            s=14,
            marker="^",
            color="#238b45",
            zorder=5,
            label=tr("stops_legend", lang),
        )
    return fig


def figure_emerging(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Emerging-hotspot categories per cell, or ``None`` when the history was too short."""
    if review.cells is None or review.history_months < 6:
        return None
    labels = {k: _category_label(k, lang) for k in _CATEGORY_COLOURS}
    title = tr("map_emerging", lang, n=review.history_months)
    return _cells_map(review, "category", _CATEGORY_COLOURS, labels, title, lang)


def figure_types(review: MonthlyReview, *, lang: Lang = "vi") -> Figure:
    """Incidents by type: this month, the previous month and the same month last year."""
    fig = _new_figure((7.0, 3.6))
    ax = fig.add_subplot()
    bt = review.by_type.drop(index="total")
    y = np.arange(len(bt))
    height = 0.27
    for k, (col, colour) in enumerate(
        (("month", "#d7301f"), ("previous", "#fc8d59"), ("last_year", "#91bfdb"))
    ):
        ax.barh(
            y + (k - 1) * height, bt[col], height=height, color=colour, label=tr(f"col.{col}", lang)
        )
    ax.set_yticks(y, [_type_label(v, lang) for v in bt.index], fontsize=7)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7)
    ax.set_title(tr("chart_types", lang), fontsize=10)
    return fig


def figure_monthly(review: MonthlyReview, *, lang: Lang = "vi") -> Figure:
    """Incidents per month over the review's history, the reviewed month highlighted."""
    fig = _new_figure((7.0, 2.8))
    ax = fig.add_subplot()
    values = review.monthly
    colours = ["#fc8d59"] * len(values)
    colours[-1] = "#d7301f"
    ax.bar(range(len(values)), values.to_numpy(), color=colours)
    ax.set_xticks(range(len(values)), [m[5:] + "/" + m[2:4] for m in values.index], fontsize=6)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(tr("chart_monthly", lang), fontsize=10)
    return fig


def figure_hour_weekday(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Hour of day by weekday of the month's incidents; ``None`` for a month without any."""
    table = review.hour_weekday
    if int(table.to_numpy().sum()) == 0:
        return None
    fig = _new_figure((7.0, 4.2))
    ax = fig.add_subplot()
    image = ax.imshow(table.to_numpy().T, aspect="auto", cmap="Reds", origin="upper")
    days = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    ax.set_yticks(range(7), list(days), fontsize=7)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)], fontsize=7)
    ax.set_xlabel(tr("col.hour", lang), fontsize=7)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(f"{tr('chart_hours', lang)} · {_month_label(review)}", fontsize=10)
    return fig


FIGURES: dict[str, Callable[..., Figure | None]] = {
    "density": figure_density,
    "gi": figure_gi,
    "emerging": figure_emerging,
    "types": figure_types,
    "monthly": figure_monthly,
    "hours": figure_hour_weekday,
}


def render_figures(
    review: MonthlyReview, *, lang: Lang = "vi", dpi: int = 130
) -> dict[str, bytes | None]:
    """PNG bytes of every map and chart (``None`` where not computable), by name."""
    out: dict[str, bytes | None] = {}
    for name, draw in FIGURES.items():
        fig = draw(review, lang=lang)
        if fig is None:
            out[name] = None
            continue
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        out[name] = buffer.getvalue()
    return out


def missing_reason(review: MonthlyReview, name: str, lang: Lang) -> str:
    """Say why the figure ``name`` was not drawn, from the review's notices."""
    topic = "emerging" if name == "emerging" else "statistics"
    notes = review.notices_for(topic) or review.notices_for("statistics")
    why = " ".join(n.text(lang) for n in notes if n.severity != "info") or "-"
    return tr("not_computed", lang, why=why)


# --- PDF --------------------------------------------------------------------------------------


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", str(value))


def write_pdf(
    review: MonthlyReview,
    path: str | Path,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
) -> Path:
    """Write the report as an A4 PDF: title page dated the 15th, gaps first, maps, tables.

    ``audit_head`` (the store's last audit row id and hash) is printed under the method: the
    paper copy anchors the audit log outside the store.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from patrol.export.pdf import font_path

    figures = figures if figures is not None else render_figures(review, lang=lang)
    font = "DejaVu"

    class _Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(font, "", 7)
            self.set_text_color(90, 90, 90)
            self.cell(0, 4, _nfc(tr("footer", lang, page=self.page_no())), align="C")
            self.set_text_color(0, 0, 0)

    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.add_font(font, "", str(font_path()))
    pdf.add_font(font, "B", str(font_path(bold=True)))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    title = tr("title", lang, month=_month_label(review))
    pdf.set_title(_nfc(title))
    pdf.set_creator("patrol-planner")

    def para(text: str, *, size: float = 10, bold: bool = False, h: float = 5.2) -> None:
        pdf.set_font(font, "B" if bold else "", size)
        pdf.multi_cell(0, h, _nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        pdf.ln(3)
        para(text, size=13, bold=True, h=7)
        pdf.ln(1)

    def notice_box(text: str) -> None:
        pdf.set_fill_color(255, 243, 205)
        pdf.set_font(font, "", 9.5)
        pdf.multi_cell(0, 5, _nfc(text), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def table(
        frame: pd.DataFrame, *, widths: tuple[float, ...] | None = None, size: float = 7.5
    ) -> None:
        if frame.empty:
            return
        pdf.set_font(font, "", size)
        with pdf.table(col_widths=widths, line_height=size * 0.55, text_align="LEFT") as t:
            head = t.row()
            for name in frame.columns:
                head.cell(_nfc(str(name)))
            for values in frame.itertuples(index=False):
                row = t.row()
                for value in values:
                    row.cell(_nfc("" if value is None else str(value)))
        pdf.ln(2)

    def figure(name: str, *, width: float = 175) -> None:
        png = figures.get(name)
        if png is None:
            notice_box(missing_reason(review, name, lang))
            return
        pdf.image(io.BytesIO(png), w=width, x=(pdf.w - width) / 2)
        pdf.ln(2)

    # Title page
    pdf.add_page()
    pdf.ln(45)
    pdf.set_font(font, "B", 20)
    pdf.multi_cell(0, 11, _nfc(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(font, "", 13)
    pdf.multi_cell(0, 7, _nfc(tr("subtitle", lang)), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if review.area_name:
        pdf.multi_cell(
            0,
            7,
            _nfc(tr("area", lang, name=review.area_name)),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(30)
    due = review.report_date
    pdf.multi_cell(
        0,
        7,
        _nfc(tr("dated", lang, day=f"{due.day:02d}", month=f"{due.month:02d}", year=due.year)),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    demo = int(review.incidents["demo"].astype(bool).sum()) if "demo" in review.incidents else 0
    if demo:
        pdf.ln(10)
        pdf.set_text_color(180, 0, 0)
        para(tr("demo", lang, n=demo), bold=True)
        pdf.set_text_color(0, 0, 0)

    # 1. Summary and notices
    pdf.add_page()
    heading(tr("summary", lang))
    para(summary_text(review, lang))
    para(method_text(review, lang), size=8.5)
    if audit_head is not None:
        para(tr("audit_head", lang, id=audit_head[0], hash=audit_head[1]), size=7.5)
    general = [n for n in review.notices if n.topic not in ("coverage", "target")]
    if general:
        pdf.ln(2)
        para(tr("notices", lang), bold=True)
        for n in general:
            notice_box(n.text(lang))

    tables = review_tables(review, lang=lang)
    # 2. Gaps first
    heading(tr("gaps", lang))
    for n in review.notices_for("coverage"):
        notice_box(n.text(lang))
    if review.coverage is None:
        notice_box(missing_reason(review, "gi", lang))
    elif len(review.coverage) == 0:
        para(tr("no_hotspots", lang))
    elif len(review.gaps) == 0:
        para(tr("no_gaps", lang))
    table(tables["coverage"].head(25), widths=(12, 24, 9, 12, 11, 14, 20, 30))

    # 3. Recommendations
    heading(tr("recommendations", lang))
    if review.recommendations:
        for k, r in enumerate(review.recommendations, start=1):
            para(f"{k}. {r.in_lang(lang)}")
            pdf.ln(1)
    else:
        para(tr("no_recommendations", lang))

    # 4. Maps
    pdf.add_page()
    heading(tr("maps", lang))
    figure("density", width=165)
    figure("gi", width=165)
    figure("emerging", width=165)

    # 5. Comparison
    pdf.add_page()
    heading(tr("changes", lang))
    table(tables["by_type"], widths=(40, 18, 18, 22, 22, 22))
    figure("types", width=160)
    figure("monthly", width=160)
    figure("hours", width=160)

    # 6. Target
    heading(tr("target", lang))
    target_notes = review.notices_for("target")
    if target_notes:
        for n in target_notes:
            notice_box(n.text(lang))
    else:
        para(target_text(review, lang))

    # 7. Facilities
    if not tables["facilities"].empty:
        heading(tr("facilities", lang))
        table(tables["facilities"].head(30), widths=(34, 50, 34, 22, 22))

    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    return write_private(path, bytes(pdf.output()))


def summary_text(review: MonthlyReview, lang: Lang) -> str:
    """One paragraph: the month's incidents against the comparisons, hotspots, gaps, plans."""
    bt = review.by_type.loc["total"]
    hs = review.settings.hotspots
    return tr(
        "summary_line",
        lang,
        month=_month_label(review),
        n=int(bt["month"]),
        prev=int(bt["previous"]),
        year=int(bt["last_year"]),
        hot=len(review.gi.hot) if review.gi is not None else 0,
        alpha=f"{hs.significance:g}",
        fdr=tr("fdr_on" if hs.fdr else "fdr_off", lang),
        gaps=len(review.gaps),
        plans=review.plans_used,
    )


def method_text(review: MonthlyReview, lang: Lang) -> str:
    """How the statistics were computed: CRS, cell, radius, bandwidth, permutations."""
    hs = review.settings.hotspots
    grid = review.grid
    return tr(
        "method",
        lang,
        crs=review.crs,
        cell=f"{grid.cell_m:.0f}" if grid is not None else "-",
        radius=f"{hs.radius_m:g}",
        bw=f"{review.kde.bandwidth_m:.0f}" if review.kde is not None else "-",
        rule=hs.bandwidth_rule if hs.bandwidth_m is None else "fixed",
        perm=hs.permutations,
    )


def target_text(review: MonthlyReview, lang: Lang) -> str:
    """Progress against the yearly reduction target, in one sentence."""
    t = review.target
    return tr(
        "target_line",
        lang,
        month=_month_label(review),
        now=t.this_year,
        before=t.last_year,
        change=_pct(t.change if t.change is not None else math.nan, lang),
        target=f"{t.target:.0%}".replace("%", " %" if lang == "vi" else "%"),
        allowed=f"{t.allowed:.0f}",
        verdict=tr("on_track" if t.on_track else "off_track", lang),
    )


# --- HTML -------------------------------------------------------------------------------------


def write_html(
    review: MonthlyReview,
    path: str | Path,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
) -> Path:
    """Write the report as one self-contained HTML file (images inline, no outside links).

    ``figures`` are ``render_figures``'s PNGs when already drawn (the PDF and the HTML share them).
    """
    figures = figures if figures is not None else render_figures(review, lang=lang)
    tables = review_tables(review, lang=lang)
    esc = html.escape
    due = review.report_date
    parts: list[str] = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(tr('title', lang, month=_month_label(review)))}</title>",
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:auto;"
        "padding:1em;color:#222}table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
        "td,th{border:1px solid #bbb;padding:.2em .4em}th{background:#eee}"
        ".notice{background:#fff3cd;padding:.4em .6em;margin:.3em 0;border-left:4px solid #e0a800}"
        ".demo{color:#b00;font-weight:bold}img{max-width:100%}</style></head><body>",
        f"<h1>{esc(tr('title', lang, month=_month_label(review)))}</h1>",
        f"<p>{esc(tr('subtitle', lang))}</p>",
    ]
    if review.area_name:
        parts.append(f"<p>{esc(tr('area', lang, name=review.area_name))}</p>")
    dated = tr("dated", lang, day=f"{due.day:02d}", month=f"{due.month:02d}", year=due.year)
    parts.append(f"<p>{esc(dated)}</p>")
    demo = int(review.incidents["demo"].astype(bool).sum()) if "demo" in review.incidents else 0
    if demo:
        parts.append(f'<p class="demo">{esc(tr("demo", lang, n=demo))}</p>')

    def notice(text: str) -> None:
        parts.append(f'<div class="notice">{esc(text)}</div>')

    def img(name: str) -> None:
        png = figures.get(name)
        if png is None:
            notice(missing_reason(review, name, lang))
        else:
            data = base64.b64encode(png).decode("ascii")
            parts.append(f'<p><img alt="{esc(name)}" src="data:image/png;base64,{data}"></p>')

    def tab(name: str) -> None:
        if not tables[name].empty:
            parts.append(tables[name].to_html(index=False, escape=True, border=0))

    parts.append(f"<h2>{esc(tr('summary', lang))}</h2><p>{esc(summary_text(review, lang))}</p>")
    parts.append(f"<p><small>{esc(method_text(review, lang))}</small></p>")
    if audit_head is not None:
        head = tr("audit_head", lang, id=audit_head[0], hash=audit_head[1])
        parts.append(f'<p id="audit-head"><small>{esc(head)}</small></p>')
    for n in review.notices:
        if n.topic not in ("coverage", "target"):
            notice(n.text(lang))
    parts.append(f"<h2>{esc(tr('gaps', lang))}</h2>")
    for n in review.notices_for("coverage"):
        notice(n.text(lang))
    if review.coverage is None:
        notice(missing_reason(review, "gi", lang))
    elif len(review.coverage) == 0:
        parts.append(f"<p>{esc(tr('no_hotspots', lang))}</p>")
    elif len(review.gaps) == 0:
        parts.append(f"<p>{esc(tr('no_gaps', lang))}</p>")
    tab("coverage")
    parts.append(f"<h2>{esc(tr('recommendations', lang))}</h2><ol>")
    parts.extend(f"<li>{esc(r.in_lang(lang))}</li>" for r in review.recommendations)
    parts.append("</ol>")
    parts.append(f"<h2>{esc(tr('maps', lang))}</h2>")
    for name in ("density", "gi", "emerging"):
        img(name)
    parts.append(f"<h2>{esc(tr('changes', lang))}</h2>")
    tab("by_type")
    for name in ("types", "monthly", "hours"):
        img(name)
    parts.append(f"<h2>{esc(tr('target', lang))}</h2>")
    target_notes = review.notices_for("target")
    for n in target_notes:
        notice(n.text(lang))
    if not target_notes:
        parts.append(f"<p>{esc(target_text(review, lang))}</p>")
    if not tables["facilities"].empty:
        parts.append(f"<h2>{esc(tr('facilities', lang))}</h2>")
        tab("facilities")
    parts.append("</body></html>")
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    return write_private(path, "\n".join(parts))
