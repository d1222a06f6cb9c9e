"""Người dùng: the administrator's accounts page."""

from __future__ import annotations

import streamlit as st

from dashboard import access
from dashboard import state as session
from dashboard.i18n import translator
from patrol.store.auth import Permission

session.init()
lang = session.lang()
T = translator(lang)
admin = access.require(Permission.USER_MANAGE)

st.title(T("page.users"))
