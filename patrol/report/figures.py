"""The report's maps and charts, drawn with matplotlib (no tiles, no network).

Maps are drawn on the ward's own streets (``geodata.basemap.draw_background``: buildings,
streets with their names, scale bar, north arrow, OpenStreetMap credit), without coordinate
axes; hot and cold areas, the density of incidents and the emerging categories lie over the
streets half-transparent, and the sites that matter (those of the hotspots) are named.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from geodata.mapstyle import HOTSPOT_COLOURS
from geodata.review import WEEKDAYS_EN, WEEKDAYS_VI
from patrol.report.text import Lang, category_label, missing_reason, tr, type_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from geodata.review import MonthlyReview

__all__ = [
    "FIGURES",
    "figure_density",
    "figure_emerging",
    "figure_gi",
    "figure_hour_weekday",
    "figure_monthly",
    "figure_types",
    "missing_reason",
    "render_figures",
]

_CLASS_COLOURS = HOTSPOT_COLOURS
_CATEGORY_COLOURS = {
    "new": "#fd8d3c",
    "intensifying": "#bd0026",
    "persistent": "#e31a1c",
    "diminishing": "#fed976",
    "sporadic": "#c994c7",
    "historical": "#bdbdbd",
    "none": "#f7f7f7",
}
_OVERLAY_ALPHA = 0.5
_SITES_NAMED = 8
"""Sites named on a map at most: those of the hotspots with most incidents."""


def _new_figure(size: tuple[float, float] = (7.0, 5.4)) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=110, layout="constrained")


def _extent(review: MonthlyReview) -> tuple[float, float, float, float]:
    if review.grid is not None:
        minx, miny, maxx, maxy = review.grid.cells.total_bounds
        return float(minx), float(miny), float(maxx), float(maxy)
    from geodata.hotspots import project_lonlat

    w, s, e, n = review.bbox
    xy = project_lonlat(np.array([w, e]), np.array([s, n]), crs=review.crs)
    return float(xy[0, 0]), float(xy[0, 1]), float(xy[1, 0]), float(xy[1, 1])


def _street_map(review: MonthlyReview, lang: Lang, title: str) -> tuple[Figure, Any]:
    """Draw the ward's streets (without them, the boundary) on a new figure, without axes."""
    from geodata.basemap import draw_attribution, draw_north_arrow, draw_scale_bar

    fig = _new_figure()
    ax = fig.add_subplot()
    extent = _extent(review)
    if review.background is not None:
        from geodata.basemap import draw_background

        draw_background(ax, review.background, extent=extent, crs=review.crs, lang=lang,
                        font_size=5.5)  # fmt: skip
    else:
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal")
        draw_scale_bar(ax, crs=review.crs)
        draw_north_arrow(ax, lang=lang)
        draw_attribution(ax)
    if review.boundary is not None and len(review.boundary):
        shapes = review.boundary.to_crs(review.crs).geometry
        polygons = shapes.geom_type.isin(["Polygon", "MultiPolygon"])
        outlines = shapes.where(~polygons, shapes.boundary)
        outlines.plot(ax=ax, color="#555555", linewidth=0.7, linestyle="--", zorder=2)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return fig, ax


def _name_sites(ax: Any, review: MonthlyReview, lang: Lang) -> None:
    """Mark the facilities and name those of the hotspots (most incidents first)."""
    from matplotlib.patheffects import withStroke

    from geodata.hotspots import project_lonlat

    fac = review.facility_frame
    if fac is None or not len(fac):
        return
    xy = project_lonlat(fac["lon"].to_numpy(), fac["lat"].to_numpy(), crs=review.crs)
    ax.scatter(xy[:, 0], xy[:, 1], s=8, marker="s", facecolor="white", edgecolor="black",
               linewidth=0.5, zorder=4, label=tr("facility_legend", lang))  # fmt: skip
    named: list[str] = []
    if review.coverage is not None and review.facilities is not None:
        for ids in review.coverage["facilities"]:
            named.extend(i for i in ids if i not in named)
        ranked = review.facilities.loc[[i for i in named if i in review.facilities.index]]
        named = list(ranked.sort_values("incidents", ascending=False).index[:_SITES_NAMED])
    position = {fid: k for k, fid in enumerate(fac.index)}
    for fid in named:
        k = position.get(fid)
        name = str(fac.iloc[k]["name"]) if k is not None else ""
        if k is None or not name:
            continue
        ax.annotate(name, (xy[k, 0], xy[k, 1]), xytext=(4, 3), textcoords="offset points",
                    fontsize=5.5, color="#111111", zorder=5,
                    path_effects=[withStroke(linewidth=2, foreground="white")])  # fmt: skip


def _overlay(ax: Any, review: MonthlyReview, column: str, colours: dict[str, str]) -> None:
    """Colour the cells of ``column`` over the streets; the background class stays clear."""
    from matplotlib.colors import to_rgba

    assert review.grid is not None and review.cells is not None
    grid, values = review.grid, review.cells[column]
    clear = "ns" if column == "gi_class" else "none"
    if grid.kind == "square":
        # One raster for the whole lattice: thousands of cells draw in milliseconds.
        rgba = np.array([(0.0, 0.0, 0.0, 0.0) if v == clear else
                         to_rgba(colours.get(v, colours[clear]), _OVERLAY_ALPHA)
                         for v in values])  # fmt: skip
        nrows, ncols = grid.shape
        x0, y0 = grid.origin
        ax.imshow(rgba.reshape(nrows, ncols, 4), origin="lower", interpolation="nearest",
                  extent=(x0, x0 + ncols * grid.cell_m, y0, y0 + nrows * grid.cell_m),
                  zorder=1.5)  # fmt: skip
    else:
        geoms = grid.cells.geometry
        for value, colour in colours.items():
            mask = (values == value).to_numpy() & (values != clear).to_numpy()
            if mask.any():
                geoms[mask].plot(ax=ax, color=colour, alpha=_OVERLAY_ALPHA, edgecolor="none",
                                 zorder=1.5)  # fmt: skip
    extent = _extent(review)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])


def _legend(ax: Any, colours: dict[str, str], labels: dict[str, str], present: list[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colours[v], alpha=_OVERLAY_ALPHA, edgecolor="#888888",
                     label=labels[v]) for v in present]  # fmt: skip
    extra, names = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, *extra], labels=[*(h.get_label() for h in handles), *names],
              fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1))  # fmt: skip


def figure_density(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Density of the period's incidents over the streets, or ``None`` when not computed."""
    kde = review.kde
    if kde is None:
        return None
    title = f"{tr('map_density', lang)} · {review.period_label}"
    fig, ax = _street_map(review, lang, title)
    density = np.ma.masked_less(kde.density, float(kde.density.max()) * 0.05)
    image = ax.imshow(density, origin="lower", extent=kde.extent, cmap="YlOrRd",
                      alpha=0.6, zorder=1.5)  # fmt: skip
    fig.colorbar(image, ax=ax, shrink=0.7, label=tr("map_density", lang))
    _name_sites(ax, review, lang)
    extent = _extent(review)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    return fig


def figure_gi(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Hot and cold areas over the streets, with the patrols' stops; ``None`` without Gi*."""
    if review.gi is None or review.cells is None:
        return None
    title = f"{tr('map_gi', lang)} · {review.period_label}"
    fig, ax = _street_map(review, lang, title)
    _overlay(ax, review, "gi_class", _CLASS_COLOURS)
    cells = review.cells
    present = cells[cells["presence_min"] > 0]
    if len(present):
        ax.scatter(present["x"], present["y"], s=14, marker="^", color="#238b45", zorder=5,
                   label=tr("stops_legend", lang))  # fmt: skip
    _name_sites(ax, review, lang)
    labels = {k: tr(f"class.{k}", lang) for k in _CLASS_COLOURS}
    shown = [v for v in ("hot", "cold") if (cells["gi_class"] == v).any()]
    _legend(ax, _CLASS_COLOURS, labels, shown)
    return fig


def figure_emerging(review: MonthlyReview, *, lang: Lang = "vi") -> Figure | None:
    """Emerging-hotspot categories over the streets, or ``None`` when the history was short."""
    if review.cells is None or review.history_months < 6:
        return None
    fig, ax = _street_map(review, lang, tr("map_emerging", lang, n=review.history_months))
    _overlay(ax, review, "category", _CATEGORY_COLOURS)
    _name_sites(ax, review, lang)
    labels = {k: category_label(k, lang) for k in _CATEGORY_COLOURS}
    values = review.cells["category"]
    shown = [v for v in _CATEGORY_COLOURS if v != "none" and (values == v).any()]
    _legend(ax, _CATEGORY_COLOURS, labels, shown)
    return fig


def figure_types(review: MonthlyReview, *, lang: Lang = "vi") -> Figure:
    """Incidents by type: this period, the previous one and the same one last year."""
    fig = _new_figure((7.0, 3.6))
    ax = fig.add_subplot()
    bt = review.by_type.drop(index="total")
    y = np.arange(len(bt))
    height = 0.27
    for k, (col, colour) in enumerate(
        (("month", "#d7301f"), ("previous", "#fc8d59"), ("last_year", "#91bfdb"))
    ):
        ax.barh(y + (k - 1) * height, bt[col], height=height, color=colour,
                label=tr(f"col.{col}", lang))  # fmt: skip
    ax.set_yticks(y, [type_label(v, lang) for v in bt.index], fontsize=7)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7)
    ax.set_title(tr("chart_types", lang), fontsize=10)
    return fig


def figure_monthly(review: MonthlyReview, *, lang: Lang = "vi") -> Figure:
    """Incidents per period over the review's history, the reviewed one highlighted."""
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
    """Hour of day by weekday of the period's incidents; ``None`` for a period without any."""
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
    ax.set_title(f"{tr('chart_hours', lang)} · {review.period_label}", fontsize=10)
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
