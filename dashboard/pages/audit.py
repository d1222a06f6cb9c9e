"""Nhật ký hệ thống: the audit log for commanders and administrators.

The newest rows first, filtered by date, user, action and outcome; whether the hash chain is
whole (an edited, removed or inserted row, or a cut tail, is found); the log as CSV (cells that
a spreadsheet could run as formulas are neutralised).
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access
from dashboard import state as session
from dashboard.i18n import fmt_number, translator
from patrol.store import audit, auth
from patrol.store.auth import Permission
from patrolbase.clock import WARD_TZ, ward_today

session.init()
viewer = access.require(Permission.AUDIT_VIEW)
lang = session.lang()
T = translator(lang)
store = access.store()

st.title(T("page.audit"))

report = audit.verify_chain(store)
if report.ok:
    st.success(T("audit.chain_ok", n=fmt_number(report.rows, lang)))
else:
    problem = report.problem_vi if lang == "vi" and report.problem_vi else report.problem
    where = report.first_bad_id if report.first_bad_id is not None else "-"
    st.error(T("audit.chain_bad", id=where, problem=problem))

actions = ["", *(a.value for a in audit.Action)]
names = ["", *(u.username for u in auth.list_users(store))]
c1, c2, c3, c4 = st.columns(4)
since = c1.date_input(T("audit.since"), value=ward_today() - timedelta(days=30),
                      format="DD/MM/YYYY", key="audit_since")  # fmt: skip
who = c2.selectbox(T("audit.user"), names, format_func=lambda n: n or T("audit.all"),
                   key="audit_user")  # fmt: skip
what = c3.selectbox(T("audit.action"), actions,
                    format_func=lambda a: T(f"audit.act.{a}") if a else T("audit.all"),
                    key="audit_action")  # fmt: skip
outcomes = ["", "ok", "fail", "denied"]
outcome = c4.selectbox(T("audit.outcome"), outcomes,
                       format_func=lambda o: T(f"audit.out.{o}") if o else T("audit.all"),
                       key="audit_outcome")  # fmt: skip

start = datetime.combine(since if isinstance(since, date) else ward_today(), time(0), WARD_TZ)
entries = audit.list_audit(store, since=start, username=who or None, action=what or None,
                           limit=5000)  # fmt: skip
if outcome:
    entries = [e for e in entries if e.outcome == outcome]
table = pd.DataFrame(
    [
        {
            T("audit.col.id"): e.id,
            T("audit.col.time"): f"{e.at:%d/%m/%Y %H:%M:%S}",
            T("audit.user"): e.username,
            T("audit.action"): T(f"audit.act.{e.action}") if e.action in actions else e.action,
            T("audit.col.target"): e.target,
            T("audit.col.source"): e.source,
            T("audit.outcome"): T(f"audit.out.{e.outcome}") if e.outcome in outcomes else e.outcome,
            T("audit.col.detail"): e.detail,
        }
        for e in entries
    ]
)
st.caption(T("audit.shown", n=fmt_number(len(entries), lang)))
st.dataframe(table, hide_index=True, height=480)

if st.button(T("audit.export"), key="audit_export"):
    access.require(Permission.AUDIT_VIEW, target="audit:export")
    with tempfile.TemporaryDirectory(prefix="patrol-audit-") as tmp:
        path = Path(tmp) / "audit.csv"
        rows = audit.export_audit_csv(store, path, since=start)
        st.session_state["audit_csv"] = (path.read_bytes(), rows)
if "audit_csv" in st.session_state:
    data, rows = st.session_state["audit_csv"]
    st.download_button(T("audit.download", n=fmt_number(rows, lang)), data,
                       file_name=f"nhat-ky-{ward_today():%Y%m%d}.csv", mime="text/csv",
                       key="audit_download")  # fmt: skip
