"""Large uploads are read in a child process with a memory cap; its failures are messages."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geodata.incidents import generate_demo_incidents
from geodata.io import read_incidents, write_incidents
from patrol.store import auth, repo
from patrol.store.db import Store, open_store
from patrol.store.isolate import read_capped
from patrolbase.errors import InputFileError
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

AREA = "Văn Miếu - Quốc Tử Giám"
BBOX = (105.826, 21.020, 105.842, 21.034)
PASSWORD = "một đêm dài ở Cát Linh"


def hog(path: Path, bbox: Any = None) -> None:
    """Ask for 3 GB, as a reader fooled by a file would."""
    bytearray(3 * 2**30)


def dies(path: Path, bbox: Any = None) -> None:
    """Die the way the kernel's out-of-memory killer ends a process."""
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def isolating(tmp_path: Path, clock) -> Iterator[Store]:
    """Open a store that reads every upload in a child process (isolate_upload_mb = 0)."""
    settings = Settings().replace(
        store={"data_dir": str(tmp_path / "data"), "isolate_upload_mb": 0, "upload_memory_mb": 1024}
    )
    store = open_store(settings, clock=clock)
    yield store
    store.close()


def test_an_upload_read_in_a_child_is_stored_whole(isolating: Store, tmp_path: Path) -> None:
    analyst = auth.create_user(isolating, "phantich", PASSWORD, role="analyst").principal
    incidents = generate_demo_incidents(None, BBOX, start="2026-01-01", end="2026-03-31", seed=3)
    path = write_incidents(incidents, tmp_path / "vu-viec.csv")
    result = repo.upload_incident_file(isolating, analyst, path, area=AREA)
    stored = repo.load_incidents(isolating, analyst, area=AREA)
    assert result.rows == len(incidents) == len(stored)
    assert sorted(stored.index) == sorted(read_incidents(path).index)


def test_problems_found_in_the_child_come_back_whole(isolating: Store, tmp_path: Path) -> None:
    analyst = auth.create_user(isolating, "phantich", PASSWORD, role="analyst").principal
    path = tmp_path / "vu-viec.csv"
    path.write_text(
        "Mã vụ việc,Thời gian,Loại vụ việc,Vĩ độ,Kinh độ\n"
        "VV-1,03/01/3000 01:30,Trộm cắp tài sản,21.03,105.83\n"
        "VV-2,03/01/2026 01:30:99,Trộm cắp tài sản,21.03,105.83\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as in_child:
        repo.upload_incident_file(isolating, analyst, path, area=AREA)
    with pytest.raises(InputFileError) as here:
        read_incidents(path)
    assert in_child.value.problems == here.value.problems and len(here.value.problems) == 2


def test_a_reader_out_of_memory_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="within 1024 MB of memory") as err:
        read_capped(hog, path, bbox=None, memory_mb=1024)
    assert "giới hạn 1024 MB bộ nhớ" in (err.value.message_vi or "")
    with pytest.raises(InputFileError, match="within 1024 MB"):
        read_capped(dies, path, bbox=None, memory_mb=1024)
