"""Where the teams leave from: the ward's police post first, the military command second."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from patrolbase.errors import InfeasiblePlanError, SettingsError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["choose_depots"]


def choose_depots(facilities: gpd.GeoDataFrame, *, given: Sequence[str] | None = None) -> list[str]:
    """Return the depots teams leave from: ``given`` ids, else the area's police posts.

    Police posts named as a ward police (Công an phường / xã) come first; the ward military
    command follows as a second depot when the area has one.

    Raises
    ------
    InfeasiblePlanError
        When the area has no police post and none was given: name one.

    """
    if given:
        unknown = [d for d in given if d not in facilities.index]
        if unknown:
            msg = f"depots: {', '.join(unknown)} are not facilities of the area; pick a police post"
            raise SettingsError(msg)
        return list(given)
    kinds = facilities["kind"].astype(str)
    police = facilities[kinds == "police"]
    ward = police["name"].str.lower().str.contains("phường|xã|phuong|ward", regex=True, na=False)
    ordered = [*police.index[ward], *police.index[~ward]]
    military = list(facilities.index[kinds == "military"])
    depots = ordered[:1] + military[:1]
    if not depots:
        msg = (
            "the area has no police post (amenity=police) or military command: choose the "
            "depot teams leave from (add it to the facility survey as 'Công an phường')"
        )
        error = InfeasiblePlanError(msg)
        error.message_vi = (
            "Địa bàn chưa có trụ sở Công an phường hoặc Ban chỉ huy quân sự: hãy chọn nơi xuất "
            "phát của các tổ (thêm vào danh sách cơ sở với loại hình 'Công an phường')"
        )
        raise error
    return depots
