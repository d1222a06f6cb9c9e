"""A4 briefing (PDF) for one team: map of the loop, stop table, members, emergency numbers.

Drawn with fpdf2 alone: the map is vector lines in the page's own coordinates (no tiles, no
image), text is set in DejaVu Sans embedded from matplotlib's installed copy, which has every
precomposed Vietnamese letter (a system font path would not exist on every ward's machine).
Drafts carry a red "BẢN NHÁP" banner and watermark on every page.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import TableCellFillMode, TableHeadingsDisplay, XPos, YPos
from fpdf.fonts import FontFace

from patrol.advice import coverage_lines, key_route_lines, left_out_lines
from patrol.export._common import Lang, PlanExport, TeamRoute, text, write_atomic
from patrol.export.kml import team_colour

__all__ = ["font_path", "to_pdf", "write_pdf"]

_FONT = "DejaVu"
_MAP_H_MM = 84.0


def font_path(bold: bool = False) -> Path:
    """DejaVu Sans as matplotlib ships it: a TTF with the Vietnamese letters."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(str(resources.files("matplotlib") / "mpl-data" / "fonts" / "ttf" / name))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _nfc(value: str) -> str:
    # Decomposed input (a base letter plus combining marks) would print the marks apart.
    return unicodedata.normalize("NFC", value)


class _Briefing(FPDF):
    def __init__(self, plan: PlanExport, team: str, lang: Lang) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.plan, self.team = plan, team
        self.map_top = 0.0
        """Where the map starts on the page (the QR code sits in its corner)."""
        self.lang: Lang = lang
        self.add_font(_FONT, "", str(font_path()))
        self.add_font(_FONT, "B", str(font_path(bold=True)))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(12, 12, 12)
        self.set_title(_nfc(f"{plan.title(lang)} - {plan.identity(team, lang)}"))
        self.set_author(_nfc(plan.approved_by or plan.area))
        self.set_subject(_nfc(plan.attribution))
        self.set_creator("patrol-planner")

    def header(self) -> None:
        if self.plan.demo:  # on every page, above the content
            self.set_font(_FONT, "B", 8)
            self.set_text_color(180, 60, 0)
            self.set_xy(self.l_margin, 4)
            self.cell(0, 4, _nfc(text("demo_note", self.lang)), align="C")
            self.set_xy(self.l_margin, self.t_margin)
            self.set_text_color(0, 0, 0)
        if not self.plan.is_draft:
            return
        # Watermark first, so the page's content is printed over it.
        self.set_font(_FONT, "B", 70)
        self.set_text_color(250, 205, 205)
        with self.rotation(35, x=105, y=160):
            self.text(38, 175, text("draft", self.lang))
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(_FONT, "", 7)
        self.set_text_color(90, 90, 90)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width - 14, 3.5, _nfc(self.plan.attribution), align="L")
        self.cell(
            14, 3.5, f"{self.page_no()}/{{nb}}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.cell(width, 3.5, _nfc(self.plan.identity(self.team, self.lang)), align="L")
        self.set_text_color(0, 0, 0)

    def line_of(self, value: str, *, size: float = 9, bold: bool = False, h: float = 4.6) -> None:
        self.set_font(_FONT, "B" if bold else "", size)
        self.multi_cell(0, h, _nfc(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def to_pdf(
    plan: PlanExport,
    *,
    team: str,
    lang: Lang = "vi",
    hotline: str | None = None,
    link: str | None = None,
) -> bytes:
    """One team's printable A4 briefing.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        The team to brief.
    lang
        Language of the page.
    hotline
        The ward's hotline number; ``None`` leaves a blank to fill in by hand.
    link
        The team's signed download link (``link_for``): printed as a QR code on the map, so a
        phone on the ward network fetches the route from the paper.

    Returns
    -------
    bytes
        The PDF: title, identity (date, shift, team, version), who approved it (or the draft
        banner), the map of the loop, the ordered stop table with times, dwell, risk and notes,
        team members, emergency numbers 113/114/115 and the hotline, OSM attribution in the
        footer of every page.

    Raises
    ------
    PlanFileError
        ``team`` is not in the plan.

    """
    route = plan.route(team)
    pdf = _Briefing(plan, team, lang)
    pdf.add_page()
    title = (
        plan.team_title(team, lang)
        if plan.heading
        else f"{text('title', lang)} - {text('team', lang)} {team}"
    ).upper()
    pdf.line_of(title, size=15, bold=True, h=7)
    if plan.is_draft:
        pdf.set_fill_color(200, 0, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(_FONT, "B", 11)
        pdf.cell(
            0,
            7,
            _nfc(text("draft_note", lang)),
            fill=True,
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(0, 0, 0)
    if plan.demo:
        pdf.set_fill_color(230, 110, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(_FONT, "B", 10)
        pdf.multi_cell(
            0, 6, _nfc(text("demo_note", lang)), fill=True, align="C", new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )  # fmt: skip
        pdf.set_text_color(0, 0, 0)
    pdf.line_of(plan.identity(team, lang), size=10)
    if plan.night_line(lang):
        pdf.set_fill_color(255, 233, 168)
        pdf.set_font(_FONT, "B", 9.5)
        pdf.multi_cell(
            0, 5, _nfc(plan.night_line(lang)), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    high = plan.shift
    pdf.line_of(
        f"{text('high_risk', lang)}: {high.high_risk_start:%H:%M}-{high.high_risk_end:%H:%M} · "
        f"{text('leave', lang)} {route.leave:%H:%M} · {text('back', lang)} {route.back:%H:%M} · "
        f"{text('depot', lang)}: {route.depot.name}"
    )
    pdf.line_of(plan.approval(lang), bold=True)
    # The night's key targets and what the teams can do, as the commander saw them.
    window = f"{high.high_risk_start:%H:%M}-{high.high_risk_end:%H:%M}"
    for line in coverage_lines(plan.cover, window=window, lang=lang):
        pdf.line_of(line, size=8, h=4)
    for line in left_out_lines(plan.cover, lang=lang):
        pdf.line_of(f"! {line}", size=8, h=4)
    for line in key_route_lines(plan.cover, lang=lang):
        pdf.line_of(line, size=8, h=4)
    pdf.ln(1.5)
    _draw_map(pdf, plan, route, team_colour(plan, team))
    if link:
        _qr(pdf, link, lang)
    pdf.ln(2)
    _stop_table(pdf, route, lang)
    pdf.ln(2)
    pdf.line_of(text("members", lang), size=10, bold=True)
    for line in route.member_lines(lang) or ["-"]:
        pdf.line_of(f"• {line}")
    travel_min = round(route.travel_s / 60)
    pdf.line_of(
        f"{text('travel', lang)}: {travel_min} {text('minutes', lang)}"
        + (f" · {route.vehicle_label(lang)}" if route.vehicle else "")
    )
    pdf.ln(2)
    _emergency(pdf, lang, hotline)
    return bytes(pdf.output())


def _draw_map(pdf: _Briefing, plan: PlanExport, route: TeamRoute, colour: str) -> None:
    pdf.map_top = pdf.get_y()
    if plan.background is not None:
        _draw_street_map(pdf, plan, route, colour)
        return
    x0, y0 = pdf.l_margin, pdf.get_y()
    w, h = pdf.w - pdf.l_margin - pdf.r_margin, _MAP_H_MM
    lons = [p[0] for p in route.path] + [s.lon for s in route.stops] + [route.depot.lon]
    lats = [p[1] for p in route.path] + [s.lat for s in route.stops] + [route.depot.lat]
    lat0 = (min(lats) + max(lats)) / 2
    kx = 111_320.0 * math.cos(math.radians(lat0))
    ky = 110_574.0
    span_x = max((max(lons) - min(lons)) * kx, 1.0)
    span_y = max((max(lats) - min(lats)) * ky, 1.0)
    pad = 8.0
    mm_per_m = min((w - 2 * pad) / span_x, (h - 2 * pad) / span_y)
    cx = x0 + w / 2 - (min(lons) + max(lons)) / 2 * kx * mm_per_m
    cy = y0 + h / 2 + (min(lats) + max(lats)) / 2 * ky * mm_per_m

    def at(lon: float, lat: float) -> tuple[float, float]:
        return cx + lon * kx * mm_per_m, cy - lat * ky * mm_per_m

    pdf.set_fill_color(246, 243, 236)
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.2)
    pdf.rect(x0, y0, w, h, style="DF")
    with pdf.rect_clip(x0, y0, w, h):
        pdf.set_draw_color(190, 190, 190)
        pdf.set_line_width(0.8)
        for other in plan.routes:
            if other.team != route.team:
                pdf.polyline([at(*p) for p in other.path])
        pdf.set_draw_color(*_rgb(colour))
        pdf.set_line_width(1.1)
        pdf.polyline([at(*p) for p in route.path])
    dx, dy = at(route.depot.lon, route.depot.lat)
    pdf.set_fill_color(26, 35, 126)
    pdf.rect(dx - 2.2, dy - 2.2, 4.4, 4.4, style="F")
    _stop_marks(pdf, route, colour, at)
    _scale_bar(pdf, x0 + 4, y0 + h - 5, mm_per_m)
    _legend(pdf, x0 + 3, y0 + 3, colour, pdf.lang)
    pdf.set_font(_FONT, "", 6)
    pdf.set_xy(x0 + w - 62, y0 + h - 5)
    pdf.cell(60, 4, _nfc(plan.attribution), align="R")
    pdf.set_xy(x0, y0 + h)


def _draw_street_map(pdf: _Briefing, plan: PlanExport, route: TeamRoute, colour: str) -> None:
    """Draw the loop on the area's streets: buildings, water, street names, scale, north.

    The background and the loop come from ``geodata.basemap`` as a vector image; the street
    names it places are written here as text (a PDF reader finds them, ``pdftotext`` reads them),
    then the numbered stops and the depot over everything.
    """
    from patrol.export.background import (
        loop_extent,
        place_labels,
        render_map_svg,
        streets_along,
    )

    x0, y0 = pdf.l_margin, pdf.get_y()
    w, h = pdf.w - pdf.l_margin - pdf.r_margin, _MAP_H_MM
    lons = [p[0] for p in route.path] + [s.lon for s in route.stops] + [route.depot.lon]
    lats = [p[1] for p in route.path] + [s.lat for s in route.stops] + [route.depot.lat]
    bbox = loop_extent(lons, lats, pad_m=60.0)
    bg = plan.background

    def loop(ax: Any, project: Any) -> None:
        xs, ys = project([p[0] for p in route.path], [p[1] for p in route.path])
        ax.plot(xs, ys, color=colour, linewidth=2.4, alpha=0.9, zorder=3,
                solid_joinstyle="round", solid_capstyle="round")  # fmt: skip

    svg, to_mm = render_map_svg(bg, bbox, width_mm=w, height_mm=h, lang=pdf.lang, overlay=loop)
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.2)
    pdf.rect(x0, y0, w, h)
    pdf.image(io.BytesIO(svg), x=x0, y=y0, w=w, h=h)
    marks = [(s.lon, s.lat, 2.8) for s in route.stops] + [(route.depot.lon, route.depot.lat, 2.8)]
    font_pt = 6.0
    labels = place_labels(bg, bbox, width_mm=w, height_mm=h, font_pt=font_pt, obstacles=marks)
    pdf.set_font(_FONT, "", font_pt)
    for label in labels:
        lx, ly = to_mm(label.lon, label.lat)
        name = _nfc(label.name)
        width = pdf.get_string_width(name)
        height = font_pt * 0.3528  # points to millimetres
        with pdf.rotation(label.angle_deg, x=x0 + lx, y=y0 + ly):
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(x0 + lx - width / 2 - 0.4, y0 + ly - height * 0.55, width + 0.8,
                     height * 1.1, style="F")  # fmt: skip
            pdf.set_text_color(55, 55, 55)
            pdf.text(x0 + lx - width / 2, y0 + ly + height * 0.35, name)
    pdf.set_text_color(0, 0, 0)
    dx, dy = to_mm(route.depot.lon, route.depot.lat)
    pdf.set_fill_color(26, 35, 126)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.4)
    pdf.rect(x0 + dx - 2.2, y0 + dy - 2.2, 4.4, 4.4, style="DF")
    _stop_marks(pdf, route, colour, lambda lon, lat: _shift(to_mm(lon, lat), x0, y0))
    _legend(pdf, x0 + 3, y0 + 3, colour, pdf.lang)
    pdf.set_xy(x0, y0 + h + 1)
    along = streets_along(bg, route.path)
    if along:
        pdf.line_of(f"{text('along', pdf.lang)}: {', '.join(along)}", size=8, h=4)


def _shift(point: tuple[float, float], x0: float, y0: float) -> tuple[float, float]:
    return x0 + point[0], y0 + point[1]


def _stop_marks(
    pdf: _Briefing, route: TeamRoute, colour: str, at: Callable[[float, float], tuple[float, float]]
) -> None:
    """Numbered stop markers; a site visited twice gets one marker with both numbers."""
    by_site: dict[tuple[float, float], list[int]] = {}
    for stop in route.stops:
        by_site.setdefault((stop.lon, stop.lat), []).append(stop.order)
    pdf.set_font(_FONT, "B", 6.5)
    for (lon, lat), orders in by_site.items():
        px, py = at(lon, lat)
        label = ",".join(map(str, orders))
        r = 2.3 + 0.9 * (len(label) - 1)
        pdf.set_fill_color(*_rgb(colour))
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.4)
        pdf.ellipse(px - r, py - 2.3, 2 * r, 4.6, style="DF")
        pdf.set_text_color(255, 255, 255)
        pdf.set_xy(px - r, py - 2.3)
        pdf.cell(2 * r, 4.6, label, align="C")
    pdf.set_text_color(0, 0, 0)


def _qr(pdf: _Briefing, link: str, lang: Lang) -> None:
    """Print the download link as a QR code in the map's top right corner, captioned."""
    from patrol.export.links import qr_png

    side = 26.0
    y_after = pdf.get_y()
    x = pdf.w - pdf.r_margin - side - 2
    y = pdf.map_top + 2
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x - 1, y - 1, side + 2, side + 6, style="F")
    pdf.image(io.BytesIO(qr_png(link, scale=4)), x=x, y=y, w=side, h=side)
    pdf.set_font(_FONT, "", 5.5)
    pdf.set_xy(x - 1, y + side)
    pdf.cell(side + 2, 4, _nfc(text("download", lang)), align="C")
    pdf.set_xy(pdf.l_margin, y_after)


def _legend(pdf: _Briefing, x: float, y: float, colour: str, lang: Lang) -> None:
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, 52, 12, style="F")
    pdf.set_fill_color(26, 35, 126)
    pdf.rect(x + 2, y + 1.8, 3, 3, style="F")
    pdf.set_fill_color(*_rgb(colour))
    pdf.ellipse(x + 2, y + 7, 3, 3, style="F")
    pdf.set_font(_FONT, "", 6.5)
    pdf.set_xy(x + 6, y + 1.3)
    pdf.cell(45, 4, _nfc(text("depot", lang)))
    pdf.set_xy(x + 6, y + 6.5)
    pdf.cell(45, 4, _nfc(f"{text('stops', lang)} ({text('order', lang)})"))


def _scale_bar(pdf: _Briefing, x: float, y: float, mm_per_m: float) -> None:
    metres = next((m for m in (50, 100, 200, 500, 1000, 2000, 5000) if m * mm_per_m >= 15), 10000)
    length = metres * mm_per_m
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.5)
    pdf.line(x, y, x + length, y)
    pdf.line(x, y - 1, x, y + 0.5)
    pdf.line(x + length, y - 1, x + length, y + 0.5)
    pdf.set_font(_FONT, "", 6.5)
    pdf.set_xy(x + length + 1, y - 2)
    pdf.cell(20, 4, f"{metres} m" if metres < 1000 else f"{metres // 1000} km")


def _stop_table(pdf: _Briefing, route: TeamRoute, lang: Lang) -> None:
    heads = [
        text(k, lang)
        for k in ("order", "window", "arrive", "start", "dwell", "site", "risk", "notes")
    ]
    heads[4] = f"{text('dwell_long', lang)} ({text('minutes', lang)})"
    pdf.set_font(_FONT, "", 8)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=(7, 22, 11, 21, 13, 63, 16, 33),
        text_align=("CENTER", "CENTER", "CENTER", "CENTER", "CENTER", "LEFT", "CENTER", "LEFT"),
        line_height=4.2,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 232, 232)),
        first_row_as_headings=True,
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        cell_fill_mode=TableCellFillMode.NONE,
    ) as table:
        row = table.row()
        for head in heads:
            row.cell(_nfc(head))
        depot = route.depot
        row = table.row()
        for value in (
            "0",
            "",
            "",
            f"{route.leave:%H:%M}",
            "",
            f"{depot.name} ({text('leave', lang)})",
            "",
            "",
        ):
            row.cell(_nfc(value))
        for stop in route.stops:
            row = table.row()
            values = (
                str(stop.order),
                stop.window_label(),
                f"{stop.arrive:%H:%M}",
                f"{stop.start:%H:%M}-{stop.depart:%H:%M}",
                str(round(stop.dwell_s / 60)),
                "\n".join(
                    x
                    for x in (
                        f"{stop.name} ({stop.kind_label(lang)})",
                        stop.address_label(lang),
                        stop.people_line(lang),
                    )
                    if x
                ),
                stop.risk_label(lang),
                "\n".join(x for x in (stop.reason_label(lang), stop.notes) if x),
            )
            for value in values:
                row.cell(_nfc(value))
        row = table.row()
        back = f"{depot.name} ({text('back', lang)})"
        for value in ("", "", f"{route.back:%H:%M}", "", "", back, "", ""):
            row.cell(_nfc(value))


def _emergency(pdf: _Briefing, lang: Lang, hotline: str | None) -> None:
    if pdf.get_y() + 18 > pdf.page_break_trigger:
        pdf.add_page()  # keep the emergency box whole on one page
    pdf.set_draw_color(200, 0, 0)
    pdf.set_line_width(0.5)
    y = pdf.get_y()
    pdf.set_font(_FONT, "B", 11)
    line = (
        f"{text('emergency', lang)}:  113 {text('police', lang)}  ·  114 {text('fire', lang)}  ·  "
        f"115 {text('ambulance', lang)}"
    )
    pdf.cell(0, 7, _nfc(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    shown = hotline if hotline else "_" * 24
    pdf.cell(0, 7, _nfc(f"{text('hotline', lang)}: {shown}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.rect(pdf.l_margin - 1, y - 1, pdf.w - pdf.l_margin - pdf.r_margin + 2, pdf.get_y() - y + 2)


def write_pdf(
    plan: PlanExport,
    path: str | Path,
    *,
    team: str,
    lang: Lang = "vi",
    hotline: str | None = None,
    link: str | None = None,
) -> Path:
    """Write ``to_pdf`` atomically to ``path``; return the path."""
    return write_atomic(path, to_pdf(plan, team=team, lang=lang, hotline=hotline, link=link))
