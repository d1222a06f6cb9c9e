"""The one settings object.

``Settings`` is frozen and validated on creation: a value out of range raises ``SettingsError``
naming the setting and its allowed range. Defaults live here, each documented; a TOML file
overrides any of them (``Settings.from_file``), for example::

    [routing]
    time_limit_s = 20

    [network.speeds_kmh.motorbike]
    residential = 18

Core code takes a ``Settings`` argument and never reads environment variables or UI state.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from patrolbase.errors import SettingsError
from patrolbase.settings._base import FROZEN
from patrolbase.settings.application import ExportSettings, StoreSettings
from patrolbase.settings.campaign import CampaignSettings, VillageSettings
from patrolbase.settings.place import AreaSettings, NetworkSettings, TravelMode
from patrolbase.settings.planning import CoverSettings, RoutingSettings
from patrolbase.settings.review import HotspotSettings, RecordSettings, ReportSettings
from patrolbase.settings.risk import RiskSettings
from patrolbase.settings.shift import ShiftSettings

__all__ = [
    "AreaSettings",
    "CampaignSettings",
    "CoverSettings",
    "ExportSettings",
    "HotspotSettings",
    "NetworkSettings",
    "RecordSettings",
    "ReportSettings",
    "RiskSettings",
    "RoutingSettings",
    "Settings",
    "ShiftSettings",
    "StoreSettings",
    "TravelMode",
    "VillageSettings",
]


class Settings(BaseModel):
    """All settings of the product, frozen."""

    model_config = FROZEN

    area: AreaSettings = AreaSettings()
    network: NetworkSettings = NetworkSettings()
    shift: ShiftSettings = ShiftSettings()
    risk: RiskSettings = RiskSettings()
    routing: RoutingSettings = RoutingSettings()
    cover: CoverSettings = CoverSettings()
    hotspots: HotspotSettings = HotspotSettings()
    store: StoreSettings = StoreSettings()
    export: ExportSettings = ExportSettings()
    records: RecordSettings = RecordSettings()
    report: ReportSettings = ReportSettings()
    campaign: CampaignSettings = CampaignSettings()
    village: VillageSettings = VillageSettings()

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "settings") -> Settings:
        """Validate ``data``; raise ``SettingsError`` naming every bad setting."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            error = SettingsError(_describe(exc, source))
            error.message_vi = _describe_vi(exc, source)
            raise error from None

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """Read a TOML file of overrides; missing keys keep their defaults."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            error = SettingsError(f"{path}: settings file not found")
            error.message_vi = f"{path}: không có tệp cài đặt này; kiểm tra đường dẫn --settings"
            raise error from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            error = SettingsError(
                f"{path}: not a valid UTF-8 TOML file ({exc}); fix the syntax at that line"
            )
            error.message_vi = (
                f"{path}: không phải tệp TOML mã UTF-8 hợp lệ ({exc}); sửa cú pháp ở dòng đó"
            )
            raise error from None
        return cls.from_dict(data, source=str(path))

    def replace(self, **sections: Any) -> Settings:
        """Return a copy with whole sections or fields replaced, validated again."""
        data = self.model_dump()
        for key, value in sections.items():
            if isinstance(value, BaseModel):
                value = value.model_dump()
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return Settings.from_dict(data)


# What a person with the settings file open needs to read, by pydantic's error type.
_REASONS_VI = {
    "missing": "thiếu giá trị này",
    "extra_forbidden": "không có mục cài đặt này (kiểm tra chính tả)",
    "float_parsing": "phải là một số",
    "float_type": "phải là một số",
    "int_parsing": "phải là một số nguyên",
    "int_type": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là một chuỗi trong ngoặc kép",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
}


def _vi_number(value: Any) -> Any:
    """Write a bound as Vietnamese does (decimal comma, no trailing ``,0``)."""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return value


def _describe_vi(exc: ValidationError, source: str) -> str:
    lines = [f"{source}: {exc.error_count()} giá trị cài đặt không hợp lệ; sửa rồi chạy lại"]
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"])
        reason = _REASONS_VI.get(err["type"])
        try:
            bounds = {k: _vi_number(v) for k, v in err.get("ctx", {}).items()}
            text = reason.format(**bounds) if reason else err["msg"]
        except (KeyError, IndexError):
            text = err["msg"]
        lines.append(f"  - {where} = {err.get('input')!r}: {text}")
    return "\n".join(lines)


def _describe(exc: ValidationError, source: str) -> str:
    lines = [f"{source}: {exc.error_count()} invalid setting(s)"]
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"])
        given = err.get("input")
        lines.append(f"  - {where} = {given!r}: {err['msg']}")
    return "\n".join(lines)
