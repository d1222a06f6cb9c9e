"""Texts of the monthly report in Vietnamese and English, and the sentences made of numbers.

Vietnamese numbers use the decimal comma. The statistical words (Gi*, FDR, permutations) appear
only in the annex, in plain words.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from geodata.review import EmergingCategory
from patrolbase.lang import Lang
from patrolbase.schema import IncidentType, stop_kind_label

if TYPE_CHECKING:
    from geodata.review import MonthlyReview

__all__ = [
    "TEXT",
    "Lang",
    "category_label",
    "kind_label",
    "method_text",
    "missing_reason",
    "number",
    "pct",
    "period_words",
    "summary_text",
    "target_text",
    "tr",
    "type_label",
]


# key: (Vietnamese, English)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("BÁO CÁO RÀ SOÁT ĐIỂM NÓNG THÁNG {month}", "HOTSPOT REVIEW, {month}"),
    "subtitle": (
        "Tình hình vụ việc, điểm nóng và hiện diện tuần tra",
        "Incidents, hotspots and patrol presence",
    ),
    "area": ("Địa bàn: {name}", "Area: {name}"),
    "dated": ("Ngày {day} tháng {month} năm {year}", "Dated {day}/{month}/{year}"),
    "demo": (
        "DỮ LIỆU MINH HỌA: {n} vụ việc được tạo tự động, không phải số liệu thật.",
        "DEMONSTRATION DATA: {n} generated incidents, not real records.",
    ),
    "audit_head": (
        "Nhật ký hệ thống khi lập báo cáo: đến dòng {id}, mã đầu chuỗi {hash} (đối chiếu bằng "
        "lệnh patrol audit verify).",
        "Audit log when this report was made: up to row {id}, chain head {hash} (check with "
        "patrol audit verify).",
    ),
    "summary": ("1. Tóm tắt", "1. Summary"),
    "summary_line": (
        "Tháng {month}: {n} vụ việc (tháng trước {prev}, cùng kỳ năm trước {year}). "
        "{hot} ô điểm nóng Gi* (mức ý nghĩa {alpha}, {fdr}); {gaps} khoảng trống tuần tra; "
        "{plans} kế hoạch đã phê duyệt được tính.",
        "{month}: {n} incidents (previous month {prev}, same month last year {year}). "
        "{hot} Gi* hotspot cells (significance {alpha}, {fdr}); {gaps} coverage gaps; "
        "{plans} approved plans counted.",
    ),
    "fdr_on": ("hiệu chỉnh FDR", "FDR-corrected"),
    "fdr_off": ("không hiệu chỉnh FDR", "no FDR correction"),
    "method": (
        "Hệ tọa độ {crs}; ô {cell} m; bán kính quanh cơ sở {radius} m; băng thông mật độ "
        "{bw} m ({rule}); {perm} lần hoán vị.",
        "CRS {crs}; cells of {cell} m; facility radius {radius} m; density bandwidth {bw} m "
        "({rule}); {perm} permutations.",
    ),
    "notices": ("Lưu ý về dữ liệu", "Notes on the data"),
    "gaps": ("2. Khoảng trống tuần tra (ưu tiên)", "2. Coverage gaps (first)"),
    "no_hotspots": (
        "Không có điểm nóng có ý nghĩa thống kê trong tháng.",
        "No statistically significant hotspot this month.",
    ),
    "no_gaps": (
        "Không có điểm nóng nào thiếu lực lượng hiện diện.",
        "No hotspot lacks planned presence.",
    ),
    "recommendations": ("3. Kiến nghị", "3. Recommendations"),
    "no_recommendations": ("Không có kiến nghị từ số liệu tháng này.", "No recommendation."),
    "maps": ("4. Bản đồ", "4. Maps"),
    "map_density": ("Mật độ vụ việc (vụ/km²)", "Incident density (per km²)"),
    "map_gi": ("Điểm nóng / điểm lạnh Gi*", "Gi* hot and cold spots"),
    "map_emerging": ("Xu hướng điểm nóng {n} tháng", "Emerging hotspots over {n} months"),
    "changes": ("5. So sánh", "5. Comparison"),
    "chart_types": ("Vụ việc theo loại", "Incidents by type"),
    "chart_monthly": ("Vụ việc theo tháng", "Incidents per month"),
    "chart_hours": ("Vụ việc theo giờ và thứ", "Incidents by hour and weekday"),
    "target": ("6. Chỉ tiêu giảm tội phạm", "6. Reduction target"),
    "target_line": (
        "Từ đầu năm đến tháng {month}: {now} vụ phạm tội, cùng kỳ năm trước {before} "
        "({change}). Chỉ tiêu giảm {target} cho phép tối đa {allowed} vụ: {verdict}.",
        "January to {month}: {now} criminal offences against {before} a year earlier "
        "({change}). The {target} reduction target allows {allowed}: {verdict}.",
    ),
    "on_track": ("đạt chỉ tiêu", "on track"),
    "off_track": ("chưa đạt chỉ tiêu", "not on track"),
    "facilities": ("7. Cơ sở trọng điểm", "7. Key facilities"),
    "col.type": ("Loại vụ việc", "Type"),
    "col.month": ("Tháng này", "This month"),
    "col.previous": ("Tháng trước", "Previous month"),
    "col.last_year": ("Cùng kỳ năm trước", "Same month last year"),
    "col.change_prev": ("So với tháng trước", "vs previous month"),
    "col.change_year": ("So với cùng kỳ", "vs last year"),
    "col.cell": ("Ô", "Cell"),
    "col.place": ("Khu vực (đường phố)", "Area (street)"),
    "col.count": ("Số vụ", "Incidents"),
    "col.presence": ("Hiện diện (phút)", "Presence (min)"),
    "col.gap": ("Khoảng trống", "Gap"),
    "col.class": ("Gi*", "Gi*"),
    "col.category": ("Xu hướng", "Trend"),
    "col.name": ("Tên cơ sở", "Facility"),
    "col.kind": ("Loại hình", "Kind"),
    "col.within": ("Số vụ trong {r} m", "Incidents within {r} m"),
    "col.hour": ("Giờ", "Hour"),
    "col.z": ("z", "z"),
    "col.p": ("p (hoán vị)", "p (permutation)"),
    "col.month_label": ("Tháng", "Month"),
    "col.incidents": ("Số vụ", "Incidents"),
    "col.notice": ("Lưu ý", "Note"),
    "col.recommendation": ("Kiến nghị", "Recommendation"),
    "total": ("Tổng", "Total"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "class.hot": ("Điểm nóng", "Hot spot"),
    "class.cold": ("Điểm lạnh", "Cold spot"),
    "class.ns": ("Không có ý nghĩa thống kê", "Not significant"),
    "facility_legend": ("Cơ sở", "Facility"),
    "stops_legend": ("Điểm dừng theo kế hoạch", "Planned stops"),
    "incidents_legend": ("Vụ việc", "Incidents"),
    "axis_x": ("Đông (m)", "East (m)"),
    "axis_y": ("Bắc (m)", "North (m)"),
    "not_computed": ("Không tính được: {why}", "Not computed: {why}"),
    "footer": (
        "Dữ liệu đường phố © OpenStreetMap (ODbL). Trang {page}",
        "Street data © OpenStreetMap contributors (ODbL). Page {page}",
    ),
    "col.near": ("Mục tiêu lân cận", "Sites nearby"),
    "col.basis": ("Số liệu hiện diện", "Presence from"),
    "col.night": ("Đêm", "Night"),
    "col.team": ("Tổ", "Team"),
    "col.planned_visits": ("Lượt kiểm tra theo kế hoạch", "Planned visits"),
    "col.made": ("Lượt đã đến", "Visits made"),
    "col.late": ("Đến muộn", "Late"),
    "col.hours": ("Giờ tuần tra", "Hours"),
    "col.km": ("Quãng đường (km)", "Distance (km)"),
    "col.top": ("Mục tiêu trọng điểm giờ cao điểm", "Top-level targets in the high-risk window"),
    "basis.actual": ("Thực tế (GPS)", "Actual (GPS)"),
    "basis.planned": ("Theo kế hoạch", "As planned"),
    "basis.track_only": ("Lộ trình, không có kế hoạch", "Track, no plan"),
    "basis.mixed": ("Thực tế và kế hoạch", "Actual and planned"),
    "national": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "number": ("Số: …/BC-{code}", "No.: …/BC-{code}"),
    "place_date": (
        "{place}, ngày {day} tháng {month} năm {year}",
        "{place}, {day}/{month}/{year}",
    ),
    "doc_title": ("BÁO CÁO", "REPORT"),
    "doc_subject": (
        "Kết quả tuần tra, kiểm soát và tình hình điểm nóng về trật tự, an toàn xã hội {period}",
        "Patrol results and crime hotspots, {period}",
    ),
    "period.month": ("tháng {label}", "month {label}"),
    "period.15-14": (
        "kỳ báo cáo tháng {month} (từ {start} đến {end})",
        "reporting period {month} ({start} to {end})",
    ),
    "intro": (
        "Thực hiện kế hoạch phòng ngừa, đấu tranh với tội phạm cướp, trộm tài sản tại ngân hàng, "
        "phòng giao dịch, cửa hàng vàng và cơ quan trên địa bàn {area}, {unit} báo cáo kết quả "
        "{period} như sau:",
        "Under the plan against robbery and theft at banks, transaction offices, gold shops and "
        "offices in {area}, {unit} reports the results of {period} as follows:",
    ),
    "part.situation": ("I. TÌNH HÌNH VỤ VIỆC", "I. INCIDENTS"),
    "part.patrol": ("II. KẾT QUẢ TUẦN TRA, KIỂM SOÁT", "II. PATROL RESULTS"),
    "part.hotspots": ("III. ĐIỂM NÓNG VÀ ĐIỂM NÓNG MỚI", "III. HOTSPOTS AND EMERGING HOTSPOTS"),
    "part.targets": ("IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU", "IV. PROGRESS AGAINST THE TARGETS"),
    "part.campaign": ("V. TUYÊN TRUYỀN LƯU ĐỘNG", "V. LOUDSPEAKER CAMPAIGN"),
    "part.recommendations": ("VI. KIẾN NGHỊ, ĐỀ XUẤT", "VI. RECOMMENDATIONS"),
    "part.annex": ("PHỤ LỤC: CÁCH TÍNH SỐ LIỆU", "ANNEX: HOW THE FIGURES ARE MADE"),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "signature_blank": ("(Ký, ghi rõ họ tên và đóng dấu)", "(Signature, full name and seal)"),
    "situation_line": (
        "Trong {period}, trên địa bàn xảy ra {n} vụ việc (kỳ trước {prev} vụ, {change_prev}; "
        "cùng kỳ năm trước {year} vụ, {change_year}).",
        "In {period}, {n} incidents were recorded in the area (previous period {prev}, "
        "{change_prev}; same period last year {year}, {change_year}).",
    ),
    "situation_peak": (
        "Vụ việc tập trung vào khung giờ {hours}; loại nhiều nhất: {kind} ({count} vụ).",
        "Incidents clustered at {hours}; the most frequent type: {kind} ({count}).",
    ),
    "patrol_line": (
        "Tuần tra {nights} đêm, {team_nights} lượt tổ, tổng {hours} giờ tuần tra; kế hoạch đã "
        "phê duyệt bố trí {planned} lượt kiểm tra mục tiêu.",
        "Patrols on {nights} nights, {team_nights} team-nights, {hours} patrol hours in all; the "
        "approved plans set {planned} visits to sites.",
    ),
    "patrol_actual": (
        "Đối chiếu lộ trình GPS của {recorded} lượt tổ: đã đến {made}/{checked} lượt kiểm tra "
        "({share}), trong đó {late} lượt đến muộn; quãng đường {km} km.",
        "GPS tracks of {recorded} team-nights compared: {made}/{checked} visits made ({share}), "
        "{late} of them late; {km} km ridden.",
    ),
    "patrol_planned": (
        "{n} lượt tổ chưa có lộ trình GPS: hiện diện của các lượt này được tính theo kế hoạch "
        "đã phê duyệt.",
        "{n} team-nights have no GPS track: their presence is counted as planned.",
    ),
    "patrol_top": (
        "Mục tiêu trọng điểm được tuần tra trong khung giờ cao điểm: {covered}/{planned} lượt.",
        "Top-level targets patrolled in the high-risk window: {covered}/{planned}.",
    ),
    "patrol_alarm": ("Phản ứng báo động: {n} lần.", "Alarm responses: {n}."),
    "campaign_none": (
        "Trong kỳ không có kế hoạch tuyên truyền lưu động nào được lưu.",
        "No loudspeaker campaign week was saved for the period.",
    ),
    "campaign_line": (
        "Kế hoạch có {planned} chuyến xe tuyên truyền lưu động; đã thực hiện {made} chuyến, không "
        "thực hiện {not_made} chuyến, chưa ghi nhận kết quả {unmarked} chuyến. Các chuyến đã thực "
        "hiện đi qua {covered}/{streets} đoạn phố, ngõ trong khu dân cư, {share} tổng chiều dài "
        "({km_covered}/{km} km).",
        "{planned} loudspeaker runs planned; {made} made, {not_made} not made, {unmarked} not "
        "marked yet. The runs made drove along {covered}/{streets} residential street "
        "sections, {share} of their length ({km_covered}/{km} km).",
    ),
    "campaign_reasons": ("Lý do không thực hiện: {reasons}.", "Why runs were not made: {reasons}."),
    "col.group": ("Khu dân cư", "Residential area"),
    "col.streets_covered": ("Đoạn phố, ngõ đã đi qua/tổng số", "Sections driven/all"),
    "col.km_covered": ("Chiều dài đã đi qua/tổng (km)", "Length driven/all (km)"),
    "col.share": ("Tỷ lệ chiều dài", "Share of length"),
    "col.runs": ("Số chuyến đi qua", "Runs through it"),
    "col.passes": ("Số lượt qua các đoạn phố, ngõ", "Passes along its sections"),
    "patrol_none": (
        "Trong kỳ không có kế hoạch tuần tra đã phê duyệt và không có lộ trình tuần tra nào.",
        "No approved patrol plan and no patrol track in the period.",
    ),
    "hotspots_line": (
        "{hot} khu vực là điểm nóng; {new} khu vực là điểm nóng mới hoặc gia tăng; {gaps} điểm "
        "nóng thiếu lực lượng tuần tra hiện diện (liệt kê trước trong bảng).",
        "{hot} areas are hotspots; {new} are new or intensifying; {gaps} hotspots lack patrol "
        "presence (listed first in the table).",
    ),
    "type_target_line": (
        "{type}: {now} vụ, cùng kỳ năm trước {before} vụ; chỉ tiêu giảm {target}: {verdict}.",
        "{type}: {now} against {before} a year earlier; reduction target {target}: {verdict}.",
    ),
    "no_measure": ("chưa đủ số liệu để đánh giá", "not enough records to tell"),
    "annex_method": (
        "Điểm nóng: địa bàn được chia thành các ô vuông cạnh {cell} m. Một ô là điểm nóng khi số "
        "vụ việc ở ô đó và các ô xung quanh cao hơn hẳn mức trung bình của địa bàn, đến mức khó "
        "xảy ra do ngẫu nhiên (kiểm định thống kê Getis-Ord Gi*, mức ý nghĩa {alpha}, có hiệu "
        "chỉnh cho việc kiểm tra nhiều ô cùng lúc). Điểm lạnh là nơi thấp hơn hẳn mức trung "
        "bình.",
        "Hotspots: the area is divided into squares of {cell} m. A square is a hotspot when its "
        "incidents and its neighbours' are so far above the area's average that chance is "
        "unlikely (the Getis-Ord Gi* test at significance {alpha}, corrected for testing many "
        "squares at once). A cold spot is far below the average.",
    ),
    "annex_emerging": (
        "Điểm nóng mới, gia tăng, kéo dài: so sánh kết quả của {n} kỳ gần nhất; điểm nóng mới "
        "là nơi chỉ nóng trong 1-2 kỳ cuối; gia tăng là nơi nóng hầu hết các kỳ và ngày càng "
        "tăng.",
        "New, intensifying and persistent hotspots: the last {n} periods compared; new means hot "
        "only in the last one or two; intensifying means hot in most periods and rising.",
    ),
    "annex_presence": (
        "Hiện diện: số phút lực lượng tuần tra có mặt trong phạm vi {radius} m quanh mục tiêu. "
        "Đêm có lộ trình GPS: tính theo thời gian thực tế có mặt (trong phạm vi {match} m, liên "
        "tục ít nhất {dwell} phút); đêm chưa có lộ trình: tính theo kế hoạch đã phê duyệt.",
        "Presence: minutes a patrol spent within {radius} m of a site. Nights with a GPS track "
        "count the time actually spent (within {match} m, at least {dwell} minutes without a "
        "break); nights without one count the approved plan.",
    ),
    "annex_target": (
        'Chỉ tiêu giảm tội phạm: so sánh số vụ phạm tội (mọi loại trừ "khác") từ đầu năm '
        "đến hết kỳ báo cáo với cùng kỳ năm trước.",
        'Reduction target: criminal offences (every type but "other") from the start of the '
        "year to the end of the period against the same part of last year.",
    ),
}


def tr(key: str, lang: Lang = "vi", /, **values: Any) -> str:
    """Return the text of ``key`` in ``lang``, with ``values`` put in."""
    vi, en = TEXT[key]
    return (vi if lang == "vi" else en).format(**values)


def number(value: float, lang: Lang = "vi", digits: int = 0) -> str:
    """Write a number; Vietnamese takes the decimal comma."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def pct(value: float | None, lang: Lang = "vi", *, signed: bool = True) -> str:
    """Write a share or a change as a percentage (``-`` when unknown)."""
    if value is None or math.isnan(value):
        return "-"
    if value == 0:
        return "0%"
    digits = 1 if abs(value) < 0.1 else 0
    text = f"{value:+.{digits}%}" if signed else f"{value:.{digits}%}"
    return text.replace(".", ",") if lang == "vi" else text


def type_label(value: str, lang: Lang) -> str:
    """Name of an incident type (``total``: the total row)."""
    if value == "total":
        return tr("total", lang)
    try:
        kind = IncidentType(value)
    except ValueError:
        return value
    return kind.label_vi if lang == "vi" else kind.label_en


def kind_label(value: str, lang: Lang) -> str:
    """Name of a facility kind (or a key route)."""
    return stop_kind_label(value, lang)


def category_label(value: str, lang: Lang) -> str:
    """Name of an emerging-hotspot category."""
    category = EmergingCategory(value)
    return category.label_vi if lang == "vi" else category.label_en


def period_words(review: MonthlyReview, lang: Lang) -> str:
    """Write the period in words: ``tháng 10/2026`` or ``kỳ báo cáo tháng 11/2026 (từ ...)``."""
    period = review.period
    if period is None or period.kind == "month":
        return tr("period.month", lang, label=review.period_label)
    return tr("period.15-14", lang, month=f"{period.month:%m/%Y}",
              start=f"{period.start:%d/%m/%Y}", end=f"{period.last_day:%d/%m/%Y}")  # fmt: skip


def summary_text(review: MonthlyReview, lang: Lang) -> str:
    """One paragraph: the period's incidents against the comparisons, hotspots, gaps, plans."""
    bt = review.by_type.loc["total"]
    hs = review.settings.hotspots
    return tr(
        "summary_line", lang, month=review.period_label, n=int(bt["month"]),
        prev=int(bt["previous"]), year=int(bt["last_year"]),
        hot=len(review.gi.hot) if review.gi is not None else 0,
        alpha=number(hs.significance, lang, 2), fdr=tr("fdr_on" if hs.fdr else "fdr_off", lang),
        gaps=len(review.gaps), plans=review.plans_used,
    )  # fmt: skip


def method_text(review: MonthlyReview, lang: Lang) -> str:
    """How the statistics were computed: CRS, cell, radius, bandwidth, permutations."""
    hs = review.settings.hotspots
    grid = review.grid
    return tr(
        "method", lang, crs=review.crs, cell=f"{grid.cell_m:.0f}" if grid is not None else "-",
        radius=f"{hs.radius_m:g}",
        bw=f"{review.kde.bandwidth_m:.0f}" if review.kde is not None else "-",
        rule=hs.bandwidth_rule if hs.bandwidth_m is None else "fixed", perm=hs.permutations,
    )  # fmt: skip


def target_text(review: MonthlyReview, lang: Lang) -> str:
    """Progress against the yearly reduction target, in one sentence."""
    t = review.target
    return tr(
        "target_line", lang, month=review.period_label, now=t.this_year, before=t.last_year,
        change=pct(t.change if t.change is not None else math.nan, lang),
        target=pct(t.target, lang, signed=False), allowed=f"{t.allowed:.0f}",
        verdict=tr("on_track" if t.on_track else "off_track", lang),
    )  # fmt: skip


def missing_reason(review: MonthlyReview, name: str, lang: Lang) -> str:
    """Say why the figure ``name`` was not drawn, from the review's notices."""
    topic = "emerging" if name == "emerging" else "statistics"
    notes = review.notices_for(topic) or review.notices_for("statistics")
    why = " ".join(n.text(lang) for n in notes if n.severity != "info") or "-"
    return tr("not_computed", lang, why=why)
