"""Cài đặt: this session's travel mode, solver defaults and default shift.

Also the area in use and the offline map library. Roles that do not plan (patrol leaders,
administrators) choose the language only; administrators see where the database is.
"""

from __future__ import annotations

import streamlit as st

from dashboard import access, assets
from dashboard import state as session
from dashboard.i18n import translator
from geodata.shift import parse_clock
from patrol.store.auth import Permission
from patrol.store.db import database_url

session.init()
user = access.principal()
lang = session.lang()
T = translator(lang)
current = session.settings()

st.title(T("page.settings"))
if not (user.can(Permission.PLAN_EDIT) or user.can(Permission.HOTSPOT_REVIEW)):
    st.info(T("settings.language_only"))
    if user.can(Permission.BACKUP):
        st.subheader(T("settings.store"))
        from sqlalchemy.engine import make_url

        st.code(make_url(database_url(current)).render_as_string(hide_password=True))
    st.stop()

modes = ["motorbike", "car", "foot"]
mode = st.selectbox(T("settings.mode"), modes, index=modes.index(current.network.default_mode),
                    format_func=lambda m: T(f"settings.mode.{m}"))  # fmt: skip
c1, c2 = st.columns(2)
time_limit = c1.number_input(T("settings.time_limit"), min_value=1, max_value=600,
                             value=int(current.routing.time_limit_s))  # fmt: skip
seed = c2.number_input(T("settings.seed"), min_value=0, max_value=2**31 - 1,
                       value=int(current.routing.seed))  # fmt: skip
st.markdown(f"**{T('settings.shift')}**")
c3, c4, c5, c6 = st.columns(4)
start = c3.time_input(T("plan.start"), value=parse_clock(current.shift.start))
end = c4.time_input(T("plan.end"), value=parse_clock(current.shift.end))
hr_start = c5.time_input(T("plan.hr_start"), value=parse_clock(current.shift.high_risk_start))
hr_end = c6.time_input(T("plan.hr_end"), value=parse_clock(current.shift.high_risk_end))
if st.button(T("settings.apply"), type="primary", key="settings_apply"):
    with session.guard():
        chosen = current.replace(
            network={"default_mode": mode},
            routing={"time_limit_s": float(time_limit), "seed": int(seed)},
            shift={"start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
                   "high_risk_start": f"{hr_start:%H:%M}", "high_risk_end": f"{hr_end:%H:%M}"},
        )  # fmt: skip
        st.session_state["settings_json"] = chosen.model_dump_json()
        session.set_plan(None, None)
        st.success(T("settings.saved"))

st.subheader(T("settings.area"))
st.write(session.get("area_path") or "hanoi-van-mieu-cat-linh.osm.bz2")
st.caption(T("settings.attribution"))

st.subheader(T("settings.assets"))
missing = assets.missing_files()
if missing:
    st.error(T("settings.assets_missing", files=", ".join(missing)))
    st.code("python -m dashboard.assets install")
else:
    st.success(T("settings.assets_ok"))
