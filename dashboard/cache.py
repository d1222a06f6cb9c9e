"""Heavy objects, cached across sessions; a session's own inputs, built on top of them.

``st.cache_resource`` keeps one area (graph included), its base-map layers and the default
inputs per (area file, travel mode, settings) for every session: they are large and read-only.
Arguments are plain strings so that they hash; settings travel as their JSON.

A session's inputs are the area with the ward's records from the store (facilities merged into the
OSM ones, the incident log in place of the demonstration incidents) and the session's map
additions; they are rebuilt only when the stored records change (``stored_signature``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard import access, mapview
from dashboard import state as session
from patrol.store.auth import Permission, Principal
from patrolbase.clock import ward_today
from patrolbase.settings import Settings, StoreSettings

if TYPE_CHECKING:
    from geodata.area import Area
    from patrol.pipeline import Inputs
    from patrol.store.db import Store

__all__ = [
    "EXPLAIN_ALL_LIMIT",
    "area",
    "area_name",
    "base_layers",
    "core_settings",
    "default_inputs",
    "depots",
    "explain_one",
    "export_url",
    "inputs",
    "inputs_signature",
    "risk_table",
    "sites",
    "stored_frames",
    "stored_signature",
    "table_file",
    "tonight",
]


@functools.lru_cache(maxsize=64)
def core_settings(settings_json: str) -> str:
    """Return ``settings_json`` without where the store is, as the key of the area caches.

    Sessions on different stores (tests, a restored copy) share one area, its layers and its
    default inputs: none of them depends on the store.
    """
    settings = Settings.model_validate_json(settings_json)
    return settings.model_copy(update={"store": StoreSettings()}).model_dump_json()


@st.cache_resource(show_spinner=False, max_entries=4)
def _area(path: str | None, mode: str | None, settings_json: str) -> Area:
    from geodata.area import load_area

    settings = Settings.model_validate_json(settings_json)
    return load_area(path, mode=mode, settings=settings)  # type: ignore[arg-type]


def area(path: str | None, mode: str | None, settings_json: str) -> Area:
    """Return the area of ``path`` (``None``: the embedded default), loaded once for all."""
    return _area(path, mode, core_settings(settings_json))


@st.cache_resource(show_spinner=False, max_entries=4)
def _base_layers(path: str | None, mode: str | None, settings_json: str) -> mapview.BaseLayers:
    return mapview.base_layers(area(path, mode, settings_json))


def base_layers(path: str | None, mode: str | None, settings_json: str) -> mapview.BaseLayers:
    """Return the base-map layers of the area (GeoJSON), built once for all sessions."""
    return _base_layers(path, mode, core_settings(settings_json))


@st.cache_resource(show_spinner=False, max_entries=4)
def _default_inputs(path: str | None, mode: str | None, settings_json: str) -> Inputs:
    from patrol.pipeline import load_inputs

    settings = Settings.model_validate_json(settings_json)
    return load_inputs(settings, area=area(path, mode, settings_json))


def default_inputs(path: str | None, mode: str | None, settings_json: str) -> Inputs:
    """Return ``load_inputs`` on the area alone (OSM facilities, demo incidents), cached."""
    return _default_inputs(path, mode, core_settings(settings_json))


@st.cache_resource(show_spinner=False, max_entries=16)
def _stored_inputs(
    signature: str, path: str | None, mode: str | None, settings_json: str,
    _survey: gpd.GeoDataFrame | None, _incidents: gpd.GeoDataFrame | None,
) -> Inputs:  # fmt: skip
    from patrol.pipeline import load_inputs

    settings = Settings.model_validate_json(settings_json)
    return load_inputs(
        settings, area=area(path, mode, settings_json), survey=_survey, incidents=_incidents
    )


def _session_key() -> tuple[str | None, str | None, str]:
    settings = session.settings()
    core = core_settings(session.get("settings_json"))
    return session.get("area_path"), settings.network.default_mode, core


@st.cache_resource(show_spinner=False, max_entries=8)
def _export_url(export_json: str) -> str:
    from patrol.export.address import export_base_url
    from patrolbase.settings import ExportSettings

    return export_base_url(Settings(export=ExportSettings.model_validate_json(export_json)))


def export_url() -> str:
    """Return the download server's address for the QR links: found once, when the app starts.

    ``[export] address`` of the session's settings overrides the address found on the network
    interfaces (``patrol.export.address.export_base_url``).
    """
    return _export_url(session.settings().export.model_dump_json())


@st.cache_resource(show_spinner=False, max_entries=4)
def _street_background(path: str | None, mode: str | None, settings_json: str) -> Any:
    from geodata.basemap import street_background

    return street_background(area(path, mode, settings_json))


def session_street_background() -> Any:
    """Return this session's area's street background (``geodata.basemap``), built once."""
    return _street_background(*_session_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def _street_names(path: str | None, mode: str | None, settings_json: str) -> list[str]:
    from geodata.keyroutes import street_names

    return street_names(area(path, mode, settings_json))


def session_street_names() -> list[str]:
    """Return the names of this session's area's streets (the key routes to choose), once."""
    return _street_names(*_session_key())


def session_base_layers() -> mapview.BaseLayers:
    """Return the base-map layers of this session's area, built once for all sessions."""
    return base_layers(*_session_key())


def area_name() -> str:
    """Return the name of this session's area, under which the store keeps its records."""
    return str(area(*_session_key()).name)


def _store_state(store: Store, name: str) -> tuple[int, int, str, int, int]:
    """Count and date the latest changes of an area's stored facilities and incidents."""
    from sqlalchemy import func, select

    from patrol.store.models import Area as AreaRow
    from patrol.store.models import Facility, FacilityChange, Incident

    with store.read() as db:  # never waits for an upload writing
        area_id = db.scalar(select(AreaRow.id).where(AreaRow.name == name))
        if area_id is None:
            return (0, 0, "", 0, 0)
        n_sites, updated = db.execute(
            select(func.count(Facility.id), func.max(Facility.updated_at)).where(
                Facility.area_id == area_id
            )
        ).one()
        last_change = db.scalar(select(func.max(FacilityChange.id))) or 0
        n_incidents, last_incident = db.execute(
            select(func.count(Incident.id), func.max(Incident.id)).where(
                Incident.area_id == area_id
            )
        ).one()
    return (n_sites, last_change, str(updated), n_incidents, last_incident or 0)


def stored_signature() -> str:
    """Return a short text that changes whenever the store's records of this area change.

    Empty when nobody is logged in or the store holds nothing of the area that the user may
    read (facilities need ``MAP_VIEW``, incidents ``INCIDENT_VIEW``).
    """
    user = access.current()
    if user is None:
        return ""
    the_store = access.store()
    n_sites, last_change, updated, n_incidents, last_incident = _store_state(the_store, area_name())
    sites_ = n_sites if user.can(Permission.MAP_VIEW) else 0
    incidents_ = n_incidents if user.can(Permission.INCIDENT_VIEW) else 0
    if not sites_ and not incidents_:
        return ""
    parts = [str(the_store.engine.url), str(sites_), str(incidents_)]
    if sites_:
        parts += [str(last_change), updated]
    if incidents_:
        parts.append(str(last_incident))
    return _digest(parts)


@st.cache_resource(show_spinner=False, max_entries=8)
def _stored_frames(
    signature: str, name: str, _store: Store, _user: Principal
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    from patrol.store import repo

    facilities = incidents = None
    if _user.can(Permission.MAP_VIEW):
        facilities = repo.load_facilities(_store, _user, area=name)
    if _user.can(Permission.INCIDENT_VIEW):
        incidents = repo.load_incidents(_store, _user, area=name)
    return (
        None if facilities is None or facilities.empty else facilities,
        None if incidents is None or incidents.empty else incidents,
    )


def stored_frames() -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Return the store's facilities and incidents of this area that the user may read.

    ``None`` for a table the store does not hold (or the role may not read).
    """
    signature = stored_signature()
    user = access.current()
    if not signature or user is None:
        return None, None
    return _stored_frames(signature, area_name(), access.store(), user)


def _added_frame(rows: list[dict[str, Any]], prefix: str) -> gpd.GeoDataFrame | None:
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame.index = pd.Index([f"{prefix}-{i + 1}" for i in range(len(rows))])
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs=4326)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def inputs() -> Inputs:
    """Return this session's inputs: the area, the ward's stored records, its map additions.

    The store's facilities of the area (the uploaded survey, as edited) are merged into the OSM
    facilities and its incidents replace the demonstration incidents (``load_inputs``); with
    nothing stored, the OSM facilities and seeded demonstration incidents (labelled as such).
    Sites and incidents added on the map in this session are appended.
    """
    path, mode, settings_json = _session_key()
    signature = stored_signature()
    if not signature:
        base = default_inputs(path, mode, settings_json)
    else:
        survey, incidents = stored_frames()
        base = _stored_inputs(signature, path, mode, settings_json, survey, incidents)
    added_f = _added_frame(session.get("added_facilities"), "map-site")
    added_i = _added_frame(session.get("added_incidents"), "map-incident")
    if added_f is None and added_i is None:
        return base
    facilities, incidents_ = base.facilities, base.incidents
    if added_f is not None:
        facilities = pd.concat([facilities, added_f[list(facilities.columns)]])
    if added_i is not None:
        incidents_ = pd.concat([incidents_, added_i[list(incidents_.columns)]])
    return dataclasses.replace(base, facilities=facilities, incidents=incidents_)


def sites(facilities: pd.DataFrame) -> pd.DataFrame:
    """Facilities a patrol visits (every kind but the depots)."""
    from patrolbase.schema import DEPOT_KINDS

    return facilities[~facilities["kind"].isin([k.value for k in DEPOT_KINDS])]


def depots(facilities: pd.DataFrame) -> pd.DataFrame:
    """Facilities a patrol leaves from (police post, military command)."""
    from patrolbase.schema import DEPOT_KINDS

    return facilities[facilities["kind"].isin([k.value for k in DEPOT_KINDS])]


def tonight() -> date:
    """Return the date of tonight's shift, whose risk the map shows."""
    return ward_today()


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def inputs_signature() -> str:
    """Return a short text that changes whenever this session's inputs change (cache key)."""
    path, mode, settings_json = _session_key()
    return _digest(
        [
            str(path), str(mode), settings_json, stored_signature(),
            repr(session.get("added_facilities")), repr(session.get("added_incidents")),
        ]
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=8)
def _assessment(signature: str, day: date, _inputs: Any, settings_json: str) -> Any:
    from geodata.risk import assess_risk
    from geodata.shift import Shift

    settings = Settings.model_validate_json(settings_json)
    shift = Shift.parse(
        day,
        f"{settings.shift.start}-{settings.shift.end}",
        f"{settings.shift.high_risk_start}-{settings.shift.high_risk_end}",
    )
    area_ = _inputs.area
    return assess_risk(
        _inputs.facilities, _inputs.incidents, shift=shift,
        residential=getattr(area_, "residential", None),
        buildings=getattr(area_, "buildings", None),
        crs=getattr(area_, "crs", None), settings=settings,
    )  # fmt: skip


EXPLAIN_ALL_LIMIT = 5000
"""Up to this many incidents, every site's popup carries its full explanation; above it (the
explanation's cost grows with incidents x sites: 11 s for 50,000) only the clicked site is
explained, below the map."""


def _slot(assessment: Any, hour: int) -> Any:
    slots = assessment.slots
    chosen = [s for s in slots if s.hour == hour]
    return chosen[0] if chosen else slots[0]


@st.cache_data(show_spinner=False, max_entries=64)
def _risk_at(signature: str, day: date, hour: int, lang: str, explain: bool, _inputs: Any,
             settings_json: str) -> pd.DataFrame:  # fmt: skip
    from geodata.risk import risk_level

    assessment = _assessment(signature, day, _inputs, settings_json)
    slot = _slot(assessment, hour)
    scores = assessment.scores[slot]
    settings = Settings.model_validate_json(settings_json)
    return pd.DataFrame(
        {
            "score": scores.astype(float),
            "level": [risk_level(float(v), settings=settings.risk).value for v in scores],
            "explanation": [
                assessment.explain(str(fid), slot=slot).text(lang=lang) if explain else ""
                for fid in scores.index
            ],
        },
        index=scores.index,
    )


def risk_table(inputs_: Any, hour: int, *, lang: str = "vi") -> pd.DataFrame:
    """Return the risk of every facility at ``hour`` (0-23) of tonight's shift.

    Columns ``score``, ``level`` and ``explanation`` (the parts of the score in ``lang``; empty
    above ``EXPLAIN_ALL_LIMIT`` incidents), on the facilities' index.
    """
    explain = len(inputs_.incidents) <= EXPLAIN_ALL_LIMIT
    return _risk_at(inputs_signature(), tonight(), int(hour), lang, explain, inputs_,
                    core_settings(session.get("settings_json")))  # fmt: skip


def explain_one(inputs_: Any, facility_id: str, hour: int, *, lang: str = "vi") -> str:
    """Return the explanation of one facility's risk at ``hour`` of tonight's shift."""
    core = core_settings(session.get("settings_json"))
    assessment = _assessment(inputs_signature(), tonight(), inputs_, core)
    slot = _slot(assessment, int(hour))
    return str(assessment.explain(facility_id, slot=slot).text(lang=lang))


@st.cache_data(show_spinner=False, max_entries=16)
def _table_file(signature: str, kind: str, suffix: str, lang: str, _frame: Any) -> bytes:
    from geodata.io import write_facilities, write_incidents

    writer = write_facilities if kind == "facilities" else write_incidents
    with tempfile.TemporaryDirectory(prefix="patrol-export-") as tmp:
        path = writer(_frame, Path(tmp) / f"{kind}{suffix}", language=lang)
        return path.read_bytes()


def table_file(inputs_: Any, kind: str, suffix: str, *, lang: str = "vi") -> bytes:
    """Return this session's facilities or incidents as the ward's table (``.csv``, ``.xlsx``).

    Written by ``geodata.io`` (headers, kinds and yes/no in ``lang``; read back unchanged).
    """
    frame = inputs_.facilities if kind == "facilities" else inputs_.incidents
    return _table_file(inputs_signature(), kind, suffix, lang, frame)
