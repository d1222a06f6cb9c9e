"""Campaign weeks in the store: saved, saved again, runs marked, counted by the monthly review.

The week is the default area's, one motorbike (``load_area(mode="motorbike")``, ``plan_campaign``);
runs on SQLite and, when available, PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from geodata.review.campaign import campaign_counts
from patrol.store import auth, campaigns
from patrol.store.audit import list_audit, verify_chain
from patrol.store.auth import Principal, Role
from patrol.store.db import Store
from patrol.store.models import CampaignRunRow
from patrolbase.errors import AccessDeniedError, PatrolError

pytestmark = pytest.mark.slow  # the week is planned once per module: about 15 s

PASSWORD = "một đêm dài ở Cát Linh"
MONDAY = date(2026, 12, 7)
DECEMBER = (date(2026, 12, 1), date(2027, 1, 1))
AREA = "Văn Miếu - Quốc Tử Giám / Cát Linh (Hà Nội)"  # geodata.area.load_area().name


@pytest.fixture(scope="module")
def week():
    from geodata.area import load_area
    from geodata.campaign import plan_campaign

    return plan_campaign(load_area(mode="motorbike"), week_of=MONDAY)


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def commander(store: Store) -> Principal:
    return auth.create_user(
        store, "chihuy", PASSWORD, role=Role.COMMANDER, display_name="Nguyễn Văn An",
        with_totp=False,
    ).principal  # fmt: skip


def _rows(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(CampaignRunRow)) or 0)


def _mark(store: Store, who: Principal, run, status: str = "made", reason: str = ""):
    return campaigns.mark_run(
        store, who, area=AREA, day=run.day, start=run.start, vehicle_no=run.vehicle_no,
        status=status, reason=reason,
    )  # fmt: skip


def test_a_saved_week_comes_back_run_by_run_and_is_audited(
    store: Store, commander: Principal, week
) -> None:
    saved = campaigns.save_week(store, commander, week, source="cli")
    assert (saved.planned, saved.kept, saved.replaced) == (len(week.runs), 0, 0)
    runs = campaigns.list_runs(store, commander, area=week.area, start=MONDAY, end=DECEMBER[1])
    assert len(runs) == len(week.runs) >= 8
    first, stored = week.runs[0], runs[0]
    assert (stored.day, stored.start, stored.vehicle, stored.vehicle_no) == (
        first.day, first.start, "motorbike", 1,
    )  # fmt: skip
    assert stored.street_ids == first.street_ids and stored.streets == first.streets
    assert stored.minutes == round(first.duration_s / 60, 1) and stored.length_m == first.length_m
    assert len(stored.path) == len(first.path) and stored.status == "planned"
    groups = set(week.streets.loc[list(first.street_ids), "group_id"])
    assert set(stored.group_ids) == groups
    assert stored.saved_by == "chihuy"
    audit = list_audit(store, action="campaign_save")
    assert len(audit) == 1 and audit[0].detail == f"planned={len(week.runs)} replaced=0 kept=0"
    assert verify_chain(store).ok


def test_saving_again_replaces_the_planned_runs_only(
    store: Store, commander: Principal, week
) -> None:
    campaigns.save_week(store, commander, week)
    _mark(store, commander, week.runs[0], "made")
    _mark(store, commander, week.runs[1], "not_made", "xe hỏng loa")
    shorter = dataclasses.replace(week, runs=week.runs[:4])
    saved = campaigns.save_week(store, commander, shorter)
    assert (saved.planned, saved.kept, saved.replaced) == (2, 2, len(week.runs) - 2)
    runs = campaigns.list_runs(store, commander, area=week.area, start=MONDAY, end=DECEMBER[1])
    assert [r.status for r in runs] == ["made", "not_made", "planned", "planned"]
    assert runs[1].reason == "xe hỏng loa"
    assert _rows(store) == 4
    marks = list_audit(store, action="campaign_mark")
    assert [m.detail for m in reversed(marks)] == [
        "planned -> made", "planned -> not_made: xe hỏng loa",
    ]  # fmt: skip
    assert len(list_audit(store, action="campaign_save")) == 2


def test_a_run_not_made_needs_a_reason_and_an_unknown_run_is_named(
    store: Store, commander: Principal, week
) -> None:
    campaigns.save_week(store, commander, week)
    with pytest.raises(PatrolError, match="reason"):
        _mark(store, commander, week.runs[0], "not_made")
    with pytest.raises(PatrolError, match="no saved campaign run") as caught:
        campaigns.mark_run(
            store, commander, area=week.area, day=MONDAY, start="12:00", vehicle_no=1,
            status="made",
        )  # fmt: skip
    assert "12:00" in (caught.value.message_vi or "")
    assert list_audit(store, action="campaign_mark") == []


def test_a_patrol_leader_may_neither_save_nor_mark_runs(
    store: Store, commander: Principal, week
) -> None:
    from patrol.store import roster

    campaigns.save_week(store, commander, week)
    team_id = roster.add_team(store, commander, area=week.area, name="T1")
    leader = auth.create_user(
        store, "totruong", PASSWORD, role=Role.PATROL_LEADER, team_id=team_id, with_totp=False
    ).principal
    with pytest.raises(AccessDeniedError):
        campaigns.save_week(store, leader, week)
    with pytest.raises(AccessDeniedError):
        _mark(store, leader, week.runs[0], "made")
    with pytest.raises(AccessDeniedError):
        campaigns.list_runs(store, leader, area=week.area, start=MONDAY, end=DECEMBER[1])
    denied = [e for e in list_audit(store, username="totruong") if e.outcome == "denied"]
    assert len(denied) == 3
    runs = campaigns.list_runs(store, commander, area=week.area, start=MONDAY, end=DECEMBER[1])
    assert {r.status for r in runs} == {"planned"} and _rows(store) == len(week.runs)


def test_the_months_counts_and_coverage_follow_the_runs_made(
    store: Store, commander: Principal, week
) -> None:
    campaigns.save_week(store, commander, week)
    made = [week.runs[i] for i in (0, 2, 3)]
    for run in made:
        _mark(store, commander, run, "made")
    _mark(store, commander, week.runs[1], "not_made", "mưa to")
    log = campaigns.campaign_for_review(store, area=week.area, start=DECEMBER[0], end=DECEMBER[1])
    counts = campaign_counts(log)
    assert (counts.planned, counts.made, counts.not_made) == (len(week.runs), 3, 1)
    assert counts.unmarked == len(week.runs) - 4 and counts.reasons == ("mưa to",)
    # Independently: per group, the length of its streets driven by a made run over its length.
    streets = week.streets
    passes = Counter(s for run in made for s in run.street_ids)
    driven = streets.index.isin(list(passes))
    expected = pd.DataFrame(
        {
            "km": streets.groupby("group_id")["length_m"].sum() / 1000,
            "km_covered": streets[driven].groupby("group_id")["length_m"].sum() / 1000,
            "passes": pd.Series(passes).groupby(streets["group_id"]).sum(),
        }
    ).fillna(0)
    table = counts.groups
    assert set(table.index) == set(expected.index)
    for group, row in expected.iterrows():
        assert table.at[group, "km"] == pytest.approx(row["km"], abs=1e-3)
        assert table.at[group, "km_covered"] == pytest.approx(row["km_covered"], abs=1e-3)
        assert table.at[group, "share"] == pytest.approx(row["km_covered"] / row["km"], abs=1e-3)
        assert table.at[group, "passes"] == int(row["passes"])
        runs_through = sum(
            1 for run in made if group in set(streets.loc[list(run.street_ids), "group_id"])
        )
        assert table.at[group, "runs"] == runs_through
    assert 0 < counts.share < 1
    # Another month holds none of these runs.
    assert (
        campaigns.campaign_for_review(
            store, area=week.area, start=date(2026, 11, 1), end=DECEMBER[0]
        ).runs
        == ()
    )


def _review(log):
    from geodata.review import monthly_review

    empty = pd.DataFrame(columns=["time", "type", "lat", "lon"])
    return monthly_review(
        empty, month="12/2026", bbox=(105.82683, 21.02329, 105.83901, 21.03035),
        campaign=log, today=date(2027, 1, 5),
    )  # fmt: skip


def test_the_report_has_a_campaign_part_with_a_table_per_group(
    store: Store, commander: Principal, week, tmp_path
) -> None:
    from docx import Document

    from patrol.report import official_document, review_tables, write_docx

    campaigns.save_week(store, commander, week)
    for run in week.runs[:3]:
        _mark(store, commander, run, "made")
    log = campaigns.campaign_for_review(store, area=week.area, start=DECEMBER[0], end=DECEMBER[1])
    review = _review(log)
    doc = official_document(review, figures={})
    part = next(p for p in doc.parts if p.title == "V. TUYÊN TRUYỀN LƯU ĐỘNG")
    assert part.blocks[0].text.startswith(f"Kế hoạch có {len(week.runs)} chuyến xe tuyên truyền")
    assert "đã thực hiện 3 chuyến" in part.blocks[0].text
    table = part.blocks[-1].table
    assert table is not None and len(table) == week.streets["group_id"].nunique()
    assert table.columns[0] == "Khu dân cư"
    assert set(table["Khu dân cư"]) == set(week.groups["name"])
    assert len(review_tables(review)["campaign"]) == len(table)
    groups = review.campaign.groups
    first = groups.iloc[0]
    assert table.iloc[0]["Đoạn phố, ngõ đã đi qua/tổng số"] == (
        f"{first['covered']}/{first['streets']}"
    )
    assert table.iloc[0]["Số chuyến đi qua"] == first["runs"]
    path = write_docx(review, tmp_path / "bao-cao.docx", figures={})
    words = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "V. TUYÊN TRUYỀN LƯU ĐỘNG" in words and "VI. KIẾN NGHỊ, ĐỀ XUẤT" in words
    # A month without a saved week says so in one line, with no table.
    nothing = official_document(_review(None), figures={})
    part = next(p for p in nothing.parts if p.title == "V. TUYÊN TRUYỀN LƯU ĐỘNG")
    assert [b.kind for b in part.blocks] == ["text"]
    assert part.blocks[0].text == "Trong kỳ không có kế hoạch tuyên truyền lưu động nào được lưu."
