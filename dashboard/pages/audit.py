"""Nhật ký hệ thống: the audit log for commanders and administrators."""

from __future__ import annotations

import streamlit as st

from dashboard import access
from dashboard import state as session
from dashboard.i18n import translator
from patrol.store.auth import Permission

session.init()
lang = session.lang()
T = translator(lang)
viewer = access.require(Permission.AUDIT_VIEW)

st.title(T("page.audit"))
