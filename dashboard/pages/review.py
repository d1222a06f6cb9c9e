"""Rà soát điểm nóng: the monthly hotspot review, interactive.

Reads the month and the approved plans of the month from the store's approval records (the
session's latest plan and uploaded ``patrol-plan/1`` files count only when the store approved
their content, and each plan once: a file's own "approved" is not trusted), calls
``geodata.review.monthly_review`` once, and draws what the PDF report shows: notices in place of
what could not be computed, coverage gaps first, the recommendations, the maps (Gi* cells on the
offline base map; density, Gi* and emerging maps as in the report), the charts and the tables,
and the report itself to download. Texts shared with the report come from
``patrol.report.TEXT``; the few that belong to this page only are below.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import access, cache, shell
from dashboard import state as session
from dashboard.i18n import Lang, translator
from patrol.store.auth import Permission
from patrolbase.clock import ward_today
from patrolbase.errors import PatrolError

session.init()
access.require(Permission.HOTSPOT_REVIEW)
lang = session.lang()
T = translator(lang)
settings = session.settings()

# Strings of this page only: (Vietnamese, English).
_PAGE_TEXT: dict[str, tuple[str, str]] = {
    "month": ("Tháng rà soát", "Month to review"),
    "plans": (
        "Thêm tệp kế hoạch tuần tra (JSON, có thể chọn nhiều tệp; chỉ tính khi kế hoạch đã được "
        "phê duyệt trong hệ thống)",
        "More patrol plan files (JSON, several allowed; counted only when approved in the system)",
    ),
    "unconfirmed": (
        "Tệp {name} ghi “đã phê duyệt” nhưng hệ thống không có bản phê duyệt kế hoạch này: "
        "không được tính. Phê duyệt kế hoạch trên trang Lập kế hoạch.",
        "{name} says “approved” but the system has no approval of this plan: not counted. "
        "Approve the plan on the planning page.",
    ),
    "duplicates": (
        "{count} tệp là kế hoạch đã được tính: mỗi kế hoạch chỉ tính một lần.",
        "{count} file(s) repeat a plan already counted: each plan counts once.",
    ),
    "session_plan": (
        "Tính cả kế hoạch vừa lập trong phiên này (nếu đã phê duyệt)",
        "Include this session's latest plan (when approved)",
    ),
    "metric.month": ("Vụ việc trong tháng", "Incidents this month"),
    "metric.hot": ("Ô điểm nóng Gi*", "Gi* hotspot cells"),
    "metric.gaps": ("Khoảng trống tuần tra", "Coverage gaps"),
    "metric.plans": ("Kế hoạch được tính", "Plans counted"),
    "vs_prev": ("so với tháng trước", "vs previous month"),
    "interactive": ("Bản đồ tương tác: ô điểm nóng Gi*", "Interactive map: Gi* cells"),
    "prepare": ("Lập báo cáo (PDF, Word, HTML, XLSX)", "Make the report (PDF, Word, HTML, XLSX)"),
    "download_pdf": ("Tải báo cáo PDF", "Download the PDF report"),
    "download_docx": ("Tải báo cáo Word (để sửa, ký)", "Download the Word report (to edit, sign)"),
    "download_html": ("Tải báo cáo HTML", "Download the HTML report"),
    "download_xlsx": ("Tải bảng số liệu (XLSX)", "Download the tables (XLSX)"),
    "tables": ("Bảng số liệu", "Tables"),
    "working": ("Đang tính toán…", "Computing…"),
}


def P(key: str, **values: Any) -> str:
    """Text of this page in the session's language."""
    vi, en = _PAGE_TEXT[key]
    return (vi if lang == "vi" else en).format(**values)


def R(key: str, **values: Any) -> str:
    """Text shared with the report."""
    from patrol.report import tr

    return tr(key, lang, **values)


def _months(incidents: Any, today: date) -> list[str]:
    """Months with records up to this one, newest first; the previous month is the default."""
    import pandas as pd

    last = pd.Period(today, "M")
    first = pd.Period(incidents["time"].min(), "M") if len(incidents) else last - 12
    return [str(p) for p in pd.period_range(first, last, freq="M")][::-1]


@st.cache_resource(show_spinner=False, max_entries=8)
def _review(
    signature: str,
    month: str,
    plans_key: str,
    settings_json: str,
    _inputs: Any,
    _plans: Any,
    _records: Any,
    _campaign: Any = None,
) -> Any:
    from geodata.basemap import street_background
    from geodata.review import monthly_review
    from patrolbase.settings import Settings

    area = _inputs.area
    return monthly_review(
        _inputs.incidents, month=month, bbox=area.bbox, boundary=area.boundary,
        facilities=_inputs.facilities, plans=_plans, records=_records,
        background=street_background(area), campaign=_campaign, area_name=area.name, crs=area.crs,
        settings=Settings.model_validate_json(settings_json),
    )  # fmt: skip


_PLAN_MAX_BYTES = 10 * 1024 * 1024
"""Largest plan file accepted: a night's plan is tens of kilobytes."""


def _read_plans(uploads: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    from patrolbase.errors import PlanFileError
    from routing.model import PatrolPlan

    plans = []
    with tempfile.TemporaryDirectory(prefix="patrol-plans-") as tmp:
        for upload in uploads:
            if upload.size > _PLAN_MAX_BYTES:
                mb, limit = f"{upload.size / 2**20:.1f}", _PLAN_MAX_BYTES // 2**20
                err = PlanFileError(f"{upload.name}: {mb} MB; a plan file is at most {limit} MB")
                err.message_vi = (
                    f"{upload.name}: tệp dài {mb.replace('.', ',')} MB; tệp kế hoạch tối đa "
                    f"{limit} MB: chọn đúng tệp kế hoạch do phần mềm xuất ra"
                )
                raise err
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            plans.append((upload.name, PatrolPlan.from_file(path).to_dict()))
    return plans


st.title(T("page.review"))
inputs = shell.page_inputs()
today = ward_today()

with st.sidebar:
    months = _months(inputs.incidents, today)
    month = st.selectbox(P("month"), months, index=min(1, len(months) - 1), key="review_month")
    uploads = st.file_uploader(P("plans"), type=["json"], accept_multiple_files=True,
                               key="review_plans")  # fmt: skip
    use_session = st.checkbox(P("session_plan"), value=True, key="review_session_plan")

uploaded: list[tuple[str, dict[str, Any]]] = []
with session.guard():
    uploaded = _read_plans(list(uploads or []))
latest = session.get("plan")
if use_session and latest is not None:
    uploaded.append((T("page.plan"), latest.plan.to_dict()))
plans: list[Any] = []
records: list[Any] = []
campaign: Any = None
with session.guard():
    from geodata.review import check_month
    from patrol.reviewing import review_inputs

    found = review_inputs(access.store(), month=check_month(month), area=inputs.area.name,
                          uploads=uploaded, settings=settings)  # fmt: skip
    plans, records, campaign = found.plans, found.records, found.campaign
    for name in found.counted.unconfirmed:
        st.warning(P("unconfirmed", name=name))
    if found.counted.duplicates:
        st.info(P("duplicates", count=found.counted.duplicates))
plans_key = hashlib.sha256(
    json.dumps([[p.to_dict() for p in plans], [r.to_dict() for r in records], repr(campaign)],
               sort_keys=True, default=str).encode()
).hexdigest()  # fmt: skip

review = None
try:
    with st.spinner(P("working")):
        review = _review(
            cache.inputs_signature(), month, plans_key, settings.model_dump_json(), inputs, plans,
            records, campaign,
        )  # fmt: skip
except PatrolError as exc:
    session.show_error(exc, lang)
if review is None:
    st.stop()

from patrol import report  # noqa: E402  (matplotlib loads only once the review exists)

_ICONS = {"error": st.error, "warning": st.warning, "info": st.info}
for notice in review.notices:
    if notice.topic not in ("coverage", "target"):  # shown in their own sections
        _ICONS[notice.severity](notice.text(lang))

total = review.by_type.loc["total"]
c1, c2, c3, c4 = st.columns(4)
change = total["change_prev"]
c1.metric(
    P("metric.month"), int(total["month"]),
    delta=None if change != change else f"{change:+.0%} {P('vs_prev')}", delta_color="inverse",
)  # fmt: skip
c2.metric(P("metric.hot"), len(review.gi.hot) if review.gi is not None else "-")
c3.metric(P("metric.gaps"), len(review.gaps))
c4.metric(P("metric.plans"), review.plans_used)
st.caption(report.method_text(review, lang))

tables = report.review_tables(review, lang=lang)

st.subheader(R("part.patrol"))
for block in report.document.patrol_part(review, lang).blocks:
    if block.kind == "text":
        st.write(block.text)
    elif block.kind == "notice":
        st.info(block.text)
    elif block.kind == "table" and block.table is not None and not block.table.empty:
        st.dataframe(block.table, hide_index=True, width="stretch")

st.subheader(R("part.campaign"))
for block in report.document.campaign_part(review, lang).blocks:
    if block.kind == "text":
        st.write(block.text)
    elif block.kind == "table" and block.table is not None and not block.table.empty:
        st.dataframe(block.table, hide_index=True, width="stretch")

st.subheader(R("gaps"))
for notice in review.notices_for("coverage"):
    _ICONS[notice.severity](notice.text(lang))
if review.coverage is None:
    st.info(report.missing_reason(review, "gi", lang))
elif len(review.coverage) == 0:
    st.info(R("no_hotspots"))
else:
    if len(review.gaps) == 0:
        st.success(R("no_gaps"))
    st.dataframe(tables["coverage"], hide_index=True, width="stretch")

st.subheader(R("recommendations"))
if review.recommendations:
    st.markdown("\n".join(f"{k}. {r.in_lang(lang)}" for k, r in
                          enumerate(review.recommendations, start=1)))  # fmt: skip
else:
    st.write(R("no_recommendations"))

st.subheader(R("maps"))
if review.cells is not None and review.gi is not None:
    import folium

    from dashboard import mapview
    from geodata.mapstyle import HOTSPOT_COLOURS, legend_entries

    shown = review.cells[review.cells["gi_class"] != "ns"]
    cells = review.grid.cells.loc[shown.index].to_crs("EPSG:4326")
    features = []
    streets = review.coverage["street"] if review.coverage is not None else {}
    for cell_id, geometry in cells.geometry.items():
        row = shown.loc[cell_id]
        label = R("class." + row["gi_class"])
        place = streets.get(cell_id, "") if len(streets) else ""
        tip = (
            f"{place + ': ' if place else ''}{label}, {R('col.count')} {int(row['count'])}, "
            f"{R('col.presence')} {row['presence_min']:.0f}"
        )
        colour = HOTSPOT_COLOURS[row["gi_class"]]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry.__geo_interface__,
                "properties": {
                    "tip": tip,
                    "style": {"color": colour, "weight": 1, "fillColor": colour,
                              "fillOpacity": 0.45},
                },
            }
        )  # fmt: skip
    st.caption(P("interactive"))
    fmap = mapview.build_map(
        cache.base_layers(session.get("area_path"), settings.network.default_mode,
                          session.get("settings_json")), lang=lang,
    )  # fmt: skip
    hot_layer = mapview.VectorLayer(
        {"type": "FeatureCollection", "features": features}, name=R("map_gi")
    )
    hot_layer.add_to(fmap)
    drawn = set(shown["gi_class"])
    mapview.add_legend(
        fmap, legend_entries(hotspot_classes=drawn), lang=lang, hotspots=hot_layer,
        hotspot_labels={c: R("class." + c) for c in drawn},
    )  # fmt: skip
    folium.LayerControl(collapsed=True).add_to(fmap)
    shell.show_map(fmap, key="review", height=480)

tabs = st.tabs([R("map_density"), R("map_gi"), R("map_emerging", n=review.history_months)])
for tab, name in zip(tabs, ("density", "gi", "emerging"), strict=True):
    with tab:
        figure = report.FIGURES[name](review, lang=lang)
        if figure is None:
            st.info(report.missing_reason(review, name, lang))
        else:
            st.pyplot(figure)

st.subheader(R("changes"))
st.dataframe(tables["by_type"], hide_index=True, width="stretch")
left, right = st.columns(2)
left.pyplot(report.figure_types(review, lang=lang))
right.pyplot(report.figure_monthly(review, lang=lang))
hours = report.figure_hour_weekday(review, lang=lang)
if hours is None:
    st.info(report.missing_reason(review, "hours", lang))
else:
    st.pyplot(hours)

st.subheader(R("target"))
target_notes = review.notices_for("target")
if target_notes:
    for notice in target_notes:
        st.info(notice.text(lang))
else:
    st.write(report.target_text(review, lang))

if not tables["facilities"].empty:
    st.subheader(R("facilities"))
    st.dataframe(tables["facilities"], hide_index=True, width="stretch")

with st.expander(P("tables")):
    for name in ("cells", "hour_weekday", "monthly"):
        st.dataframe(tables[name], hide_index=True, width="stretch")


@st.cache_data(show_spinner=False, max_entries=4)
def _files(signature: str, month: str, plans_key: str, settings_json: str, language: Lang,
           _review: Any) -> tuple[bytes, bytes, bytes, bytes]:  # fmt: skip
    import pandas as pd

    from patrol.report.html import html_text
    from patrol.report.pdf import pdf_bytes
    from patrol.report.word import docx_bytes

    doc = report.official_document(_review, lang=language)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in report.review_tables(_review, lang=language).items():
            table.to_excel(writer, sheet_name=name[:31], index=False)
    return pdf_bytes(doc), docx_bytes(doc), html_text(doc).encode("utf-8"), buffer.getvalue()


if st.button(P("prepare"), key="review_prepare"):
    with st.spinner(P("working")):
        pdf, word, page, xlsx = _files(cache.inputs_signature(), month, plans_key,
                                       settings.model_dump_json(), lang, review)  # fmt: skip
    stem = f"bao-cao-{review.month:%Y-%m}" if lang == "vi" else f"report-{review.month:%Y-%m}"
    d1, d2, d3, d4 = st.columns(4)
    d1.download_button(P("download_pdf"), pdf, file_name=f"{stem}.pdf", mime="application/pdf")
    docx_mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    d2.download_button(P("download_docx"), word, file_name=f"{stem}.docx", mime=docx_mime)
    d3.download_button(P("download_html"), page, file_name=f"{stem}.html", mime="text/html")
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    d4.download_button(P("download_xlsx"), xlsx, file_name=f"{stem}.xlsx", mime=xlsx_mime)
