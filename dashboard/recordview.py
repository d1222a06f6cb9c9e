"""A patrol record on the map: the actual track beside the planned loop, stops by result.

``records_section`` is the part of a page where a team's track of a night is uploaded (the plan
page for commanders, the routes page for a patrol leader's own team): the planned loop is drawn
with ``mapview.add_routes`` and, on a second map beside it, the track the team rode with each
planned stop coloured by what the track shows (visited, late, missed). Everything is vector data
on the offline base map.
"""

from __future__ import annotations

import dataclasses
import html
from datetime import date
from typing import TYPE_CHECKING, Any

from dashboard.i18n import Lang, fmt_number, t
from dashboard.mapview import VectorLayer
from patrol.personnel import team_label
from patrol.records import STATUS_LABEL

if TYPE_CHECKING:
    import folium

    from geodata.area import Area
    from geodata.trackmatch import TrackMatch
    from patrolbase.settings import Settings

__all__ = ["STATUS_COLOURS", "add_record", "records_section"]

STATUS_COLOURS = {"visited": "#1a9850", "late": "#fdae61", "missed": "#d73027"}
"""Colour of a planned stop by its result."""

_TRACK_POINTS_MAX = 4000
"""Points drawn of one track (every n-th kept): the line looks the same, the page stays light."""


def _stop_feature(k: int, stop: Any, lang: Lang) -> dict[str, Any]:
    label = STATUS_LABEL[stop.status][0 if lang == "vi" else 1]
    when = f"{stop.planned_arrival} → {stop.arrival or '-'}"
    tip = f"{k}. {html.escape(stop.name)}<br>{label} ({when})"
    colour = STATUS_COLOURS[stop.status]
    icon = (
        f"<div class='record-stop record-{stop.status}' style='width:18px;height:18px;"
        f"border-radius:9px;background:{colour};color:white;border:2px solid white;"
        f"font:bold 10px sans-serif;text-align:center;line-height:18px;"
        f"box-shadow:0 0 2px #000'>{k}</div>"
    )
    return {
        "type": "Feature",
        "properties": {"tip": tip, "popup": tip, "icon": icon, "icon_size": 22},
        "geometry": {"type": "Point", "coordinates": [round(stop.lon, 6), round(stop.lat, 6)]},
    }


def add_record(
    fmap: folium.Map,
    match: TrackMatch,
    track: list[list[float]],
    *,
    colour: str = "#3f007d",
    lang: Lang = "vi",
) -> VectorLayer:
    """Draw ``track`` (``[[lon, lat, t], ...]``) and the planned stops coloured by result."""
    step = max(1, len(track) // _TRACK_POINTS_MAX)
    line = [[round(p[0], 6), round(p[1], 6)] for p in track[::step]]
    team = html.escape(team_label(match.team, lang))
    features: list[dict[str, Any]] = []
    if len(line) >= 2:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "tip": t("rec.track", lang, team=team),
                    "style": {"color": colour, "weight": 4, "opacity": 0.8, "dashArray": "6 4",
                              "className": "record-track"},
                },
                "geometry": {"type": "LineString", "coordinates": line},
            }
        )  # fmt: skip
    features.extend(_stop_feature(k, s, lang) for k, s in enumerate(match.stops, start=1))
    layer = VectorLayer(
        {"type": "FeatureCollection", "features": features},
        name=t("rec.track", lang, team=team),
    )
    layer.add_to(fmap)
    return layer


def records_section(
    night: date,
    *,
    area: Area,
    settings: Settings,
    lang: Lang = "vi",
    own_team: str | None = None,
) -> None:
    """Draw the patrol results of ``night``: a team's track uploaded, planned beside actual.

    ``own_team``: a patrol leader's team, the only one offered (the store refuses any other).
    """
    import streamlit as st

    from dashboard import access, cache, mapview, planops, planview, shell
    from dashboard import state as session
    from geodata.tracks import read_track
    from patrol.personnel import team_label
    from patrol.records import record_summary, stops_table
    from patrol.store import records as stored_records
    from patrol.store import roster as roster_store
    from patrolbase.errors import InputFileError

    def T(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    st.subheader(T("rec.title", date=f"{night:%d/%m/%Y}"))
    st.caption(T("rec.hint"))
    store, user = access.store(), access.principal()
    found = stored_records.approved_plan_of_night(store, area=area.name, shift_date=night)
    night_plan = planops.plan_of(found[2]) if found else None
    if found is None:
        st.info(T("rec.no_plan", date=f"{night:%d/%m/%Y}"))
    else:
        st.caption(T("rec.plan", id=found[0], version=found[1]))
    teams = [r.team for r in night_plan.routes] if night_plan else []
    teams = teams or roster_store.team_names(store, area=area.name) or ["T1"]
    if own_team is not None:
        teams = [own_team]
    r1, r2 = st.columns([1, 3])
    team = r1.selectbox(T("rec.team"), teams, format_func=lambda c: team_label(c, lang),
                        key="rec_team")  # fmt: skip
    upload = r2.file_uploader(T("rec.upload"), type=["gpx", "kml"], key="rec_file")
    if upload is not None and st.button(T("rec.add"), key="rec_add"):
        with session.guard():
            limit = settings.records.max_track_mb
            if upload.size > limit * 2**20:
                mb = fmt_number(upload.size / 2**20, lang, decimals=1)
                msg = T("rec.too_big", name=upload.name, mb=mb, limit=fmt_number(limit, lang))
                raise InputFileError(upload.name, msg, message_vi=msg)
            track = read_track(upload.getvalue(), upload.name,
                               min_points=settings.records.min_points)  # fmt: skip
            stored = stored_records.add_record(
                store, user, track, area=area.name, bbox=area.bbox, team=team,
                shift_date=night, settings=settings, source=access.source(),
            )  # fmt: skip
            st.success(T("rec.added", id=stored.record_id) + " " + record_summary(stored.match,
                       lang=lang))  # fmt: skip
    shown: set[str] = set()
    kept = stored_records.list_records(store, user, area=area.name, shift_date=night)
    if not kept:
        st.caption(T("rec.none"))
    base = cache.session_base_layers()
    for rec in kept:  # newest first: the latest record of each team
        if rec.team in shown:
            continue
        shown.add(rec.team)
        st.markdown(record_summary(rec.match, lang=lang))
        st.caption(T("rec.file", name=rec.filename, points=len(rec.track), who=rec.uploaded_by,
                     when=planview.ward_time(rec.uploaded_at)))  # fmt: skip
        left, right = st.columns(2)
        route_plan = None
        if night_plan is not None and found is not None and rec.plan_id == found[0]:
            route_plan = dataclasses.replace(night_plan, routes=tuple(
                r for r in night_plan.routes if r.team == rec.team))  # fmt: skip
        with left:
            st.markdown(T("rec.planned"))
            planned_map = mapview.build_map(base, lang=lang)
            if route_plan is not None:
                from geodata.trackmatch import plan_shift

                mapview.add_routes(planned_map, route_plan, shift=plan_shift(route_plan),
                                   lang=lang, team_order=teams)  # fmt: skip
            shell.show_map(planned_map, key=f"rec_planned_{rec.team}", height=380)
        with right:
            st.markdown(T("rec.actual"))
            actual_map = mapview.build_map(base, lang=lang)
            add_record(actual_map, rec.match, rec.track, lang=lang)
            shell.show_map(actual_map, key=f"rec_actual_{rec.team}", height=380)
        if rec.match.stops:
            st.dataframe(stops_table(rec.match, lang=lang), hide_index=True)
