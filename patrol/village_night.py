"""A night of the people's patrol teams: every group's walking loop, and each team's night.

One function plans it for the command (``patrol village-loops``) and the dashboard's page:
the roster (``patrol.village_teams``) is read and checked against the area's residential
groups before anything is planned, each group's loop is planned inside the group
(``geodata.village``), and each team with a loop gets its ``TeamNight`` (people, loop, shift,
leaving time, meeting point) that ``patrol.export.village`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from patrol.export.village import TeamNight, write_team_files
from patrolbase.errors import SettingsError
from patrolbase.settings import Settings
from patrolbase.wording import say

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area
    from geodata.shift import Shift
    from geodata.village import VillageLoop
    from patrolbase.lang import Lang

__all__ = [
    "VillageNight",
    "leaving_time",
    "night_shift",
    "plan_village_night",
    "write_village_night",
]


@dataclass(frozen=True)
class VillageNight:
    """Every group's loop, and the night of each team of the roster that has a loop."""

    loops: tuple[VillageLoop, ...]
    teams: tuple[TeamNight, ...]
    without_loop: tuple[str, ...]
    """Groups of the roster whose streets make no walkable loop (their teams get no sheet)."""
    groups: gpd.GeoDataFrame
    shift: Shift
    leave: datetime


def night_shift(day: date, settings: Settings) -> Shift:
    """Return the ward's night shift (``[shift]``) starting on ``day``."""
    from geodata.shift import Shift

    s = settings.shift
    return Shift.parse(day, f"{s.start}-{s.end}", f"{s.high_risk_start}-{s.high_risk_end}")


def leaving_time(shift: Shift, clock: time | None, budget_s: int) -> datetime:
    """Return when the teams leave: ``clock`` (default: the shift's start) inside the shift.

    Raises
    ------
    SettingsError
        The loop of ``budget_s`` leaving at ``clock`` would end after the shift.

    """
    if clock is None:
        return shift.start_dt
    offset = (datetime.combine(shift.date, clock) - shift.start_dt).total_seconds() % 86_400
    if offset + budget_s > shift.duration_s:
        window = f"{shift.start:%H:%M}-{shift.end:%H:%M}"
        err = SettingsError(
            f"leaving at {clock:%H:%M}, the {budget_s // 60}-minute loop must lie inside the "
            f"night shift {window}: choose another time"
        )
        err.message_vi = (
            f"xuất phát lúc {clock:%H:%M}, lộ trình {budget_s // 60} phút phải nằm trong ca đêm "
            f"{window}; chọn giờ xuất phát khác"
        )
        raise err
    return shift.start_dt + timedelta(seconds=offset)


def plan_village_night(
    area: Area,
    *,
    day: date,
    start: time | None = None,
    settings: Settings | None = None,
    groups: gpd.GeoDataFrame | None = None,
    roster: str | Path | None = None,
    roster_name: str | None = None,
    lang: Lang = "vi",
) -> VillageNight:
    """Plan every group's walking loop and, with a roster, each team's night.

    Parameters
    ----------
    area
        Loaded on foot.
    day, start
        The night and the teams' leaving time (default: the shift's start).
    settings
        ``[village]``, ``[campaign]`` (streets, groups) and ``[shift]``.
    groups
        The ward's residential groups; ``None`` derives them from the map.
    roster, roster_name
        The people's patrol teams' roster file, and its name in messages (an upload's own).
    lang
        Language of the meeting points' words.

    Raises
    ------
    InputFileError
        The roster, with every problem (nothing is planned).
    SettingsError
        The loop would end after the night shift.

    """
    from geodata.streets import residential_groups
    from geodata.village import village_loops

    settings = settings or Settings()
    shift = night_shift(day, settings)
    leave = leaving_time(shift, start, settings.village.loop_min * 60)
    groups = residential_groups(area, settings=settings) if groups is None else groups
    teams = []
    if roster is not None:
        from patrol.village_teams import read_village_teams

        names = {str(i): str(n) for i, n in zip(groups.index, groups["name"], strict=True)}
        teams = read_village_teams(roster, groups=names, name=roster_name)
    loops = village_loops(area, settings=settings, groups=groups)
    by_group = {loop.group_id: loop for loop in loops}
    nights, without = [], []
    for team in teams:
        loop = by_group.get(team.group_id)
        if loop is None:
            without.append(team.group)
            continue
        street = loop.meeting_street or say("village.meeting_plain", lang)
        meeting = say("village.meeting", lang, street=street)
        nights.append(TeamNight(team, loop, shift, leave, area.name, meeting))
    return VillageNight(tuple(loops), tuple(nights), tuple(without), groups, shift, leave)


def write_village_night(
    night: VillageNight, folder: str | Path, *, area: Area, lang: Lang = "vi"
) -> list[Path]:
    """Write the groups' loops (GPX, GeoJSON, CSV) and each team's sheet, PDF, page and GPX."""
    from patrol.export.campaign import write_village_loops

    files = write_village_loops(night.loops, folder, area=area.name, lang=lang)
    if night.teams:
        from geodata.basemap import street_background

        background = street_background(area)
        files += write_team_files(night.teams, folder, lang=lang, background=background)
    return files
