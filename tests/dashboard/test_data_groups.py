"""Dữ liệu page: the ward's residential groups uploaded, shown, and kept when a file is bad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from patrol.store.groups import load_groups

GROUPS = Path(__file__).resolve().parents[1] / "data" / "groups"
NAMES = ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]


def _shown(at: Any) -> list[Any]:
    return [d.value for d in at.dataframe]


@pytest.mark.slow
def test_a_good_file_replaces_the_groups_and_a_bad_one_keeps_them(app_as: Any, inputs: Any) -> None:
    at = app_as("commander", "data")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Chưa tải lên tổ dân phố nào" in i.value for i in at.info)
    table = GROUPS / "to-dan-pho-duong.csv"
    at.file_uploader(key="up_groups").set_value((table.name, table.read_bytes(), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Đã lưu 3 tổ dân phố từ tệp to-dan-pho-duong.csv" in s.value for s in at.success)
    assert any(list(d.get("Tổ dân phố", [])) == NAMES for d in _shown(at))
    assert any("3 tổ dân phố, tải lên từ tệp to-dan-pho-duong.csv" in m.value for m in at.markdown)
    kept = load_groups(app_as.store, _principal(app_as), area=inputs.area.name)
    assert kept is not None and list(kept.frame["name"]) == NAMES

    bad = "Tổ/khu dân cư,Tên đường\nTổ 1,Phố Cat Linhh\nTổ 2,Phố Văn Miếu\nTổ 3,Phố Văn Miếu\n"
    at.file_uploader(key="up_groups").set_value(
        ("to-dan-pho-sai.csv", bad.encode("utf-8"), "text/csv")
    ).run()
    assert not at.exception
    assert any("to-dan-pho-sai.csv có 2 lỗi; chưa lưu dữ liệu nào" in e.value for e in at.error)
    problems = [d for d in _shown(at) if "Lỗi" in d.columns or "Dòng" in d.columns]
    assert problems, [list(d.columns) for d in _shown(at)]
    text = " ".join(str(v) for v in problems[0].to_numpy().ravel())
    assert "có phải Phố Cát Linh" in text and "ghi cho hai tổ" in text
    # Nothing stored changed: the page still shows the groups of the good file.
    assert any(list(d.get("Tổ dân phố", [])) == NAMES for d in _shown(at))
    kept = load_groups(app_as.store, _principal(app_as), area=inputs.area.name)
    assert kept is not None and list(kept.frame["name"]) == NAMES
    assert kept.filename == "to-dan-pho-duong.csv"


def test_an_analyst_may_not_upload_the_groups(app_as: Any) -> None:
    at = app_as("analyst", "data")
    assert not at.exception
    assert "up_groups" not in {u.key for u in at.get("file_uploader")}


def _principal(app_as: Any) -> Any:
    from patrol.store.auth import Principal, Role

    return Principal(0, "kiemtra", "kiemtra", Role.COMMANDER, None)
