"""The shapes of the frames every step passes on: facilities and incidents.

Facilities and incidents travel as GeoDataFrames in EPSG:4326 with the columns below; each loader
returns exactly these columns (extra survey columns are kept after them), so that risk, routing,
the map and the exports can rely on them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DEPOT_KINDS",
    "FACILITY_COLUMNS",
    "INCIDENT_COLUMNS",
    "KEY_ROUTE_KIND",
    "CashLevel",
    "FacilityKind",
    "IncidentType",
    "is_key_route",
    "key_route_id",
    "stop_kind_label",
]

WGS84 = "EPSG:4326"


class FacilityKind(StrEnum):
    """Kinds of site the ward surveys, and the depots patrols leave from."""

    BANK = "bank"
    TRANSACTION_OFFICE = "transaction_office"
    ATM = "atm"
    GOLD_SHOP = "gold_shop"
    PAWN_SHOP = "pawn_shop"
    TREASURY = "treasury"
    GOVERNMENT_OFFICE = "government_office"
    TOWN_HALL = "town_hall"
    POST_OFFICE = "post_office"
    SCHOOL = "school"
    MARKET = "market"
    POLICE = "police"
    MILITARY = "military"

    @property
    def label_vi(self) -> str:
        """Vietnamese name of the kind, as the ward's survey writes it."""
        return _KIND_VI[self]

    @property
    def label_en(self) -> str:
        """English name of the kind."""
        return _KIND_EN[self]


_KIND_VI = {
    FacilityKind.BANK: "Chi nhánh ngân hàng",
    FacilityKind.TRANSACTION_OFFICE: "Phòng giao dịch",
    FacilityKind.ATM: "Cây ATM",
    FacilityKind.GOLD_SHOP: "Tiệm vàng",
    FacilityKind.PAWN_SHOP: "Tiệm cầm đồ",
    FacilityKind.TREASURY: "Kho bạc Nhà nước",
    FacilityKind.GOVERNMENT_OFFICE: "Trụ sở cơ quan",
    FacilityKind.TOWN_HALL: "Trụ sở UBND",
    FacilityKind.POST_OFFICE: "Bưu điện",
    FacilityKind.SCHOOL: "Trường học",
    FacilityKind.MARKET: "Chợ",
    FacilityKind.POLICE: "Trụ sở công an",  # a regiment's base is not the ward police
    FacilityKind.MILITARY: "Ban Chỉ huy quân sự",
}
_KIND_EN = {
    FacilityKind.BANK: "Bank branch",
    FacilityKind.TRANSACTION_OFFICE: "Bank transaction office",
    FacilityKind.ATM: "ATM",
    FacilityKind.GOLD_SHOP: "Gold shop",
    FacilityKind.PAWN_SHOP: "Pawn shop",
    FacilityKind.TREASURY: "State Treasury",
    FacilityKind.GOVERNMENT_OFFICE: "Government office",
    FacilityKind.TOWN_HALL: "Town hall",
    FacilityKind.POST_OFFICE: "Post office",
    FacilityKind.SCHOOL: "School",
    FacilityKind.MARKET: "Market",
    FacilityKind.POLICE: "Police post",
    FacilityKind.MILITARY: "Military command",
}

DEPOT_KINDS = frozenset({FacilityKind.POLICE, FacilityKind.MILITARY})

KEY_ROUTE_KIND = "key_route"
"""Kind of a plan's stop that drives a key route end to end (``geodata.keyroutes``)."""

_KEY_ROUTE_PREFIX = "tuyen-trong-diem-"


def key_route_id(number: int) -> str:
    """Site id of the ``number``-th key route of a night's problem (from 1)."""
    return f"{_KEY_ROUTE_PREFIX}{number}"


def is_key_route(site_id: str) -> bool:
    """Whether a plan's site is a key route rather than a target."""
    return site_id.startswith(_KEY_ROUTE_PREFIX)


def stop_kind_label(kind: str, lang: str = "vi") -> str:
    """Name of a stop's kind (a facility kind or a key route); an unknown kind as it is."""
    if kind == KEY_ROUTE_KIND:
        return "Tuyến trọng điểm" if lang == "vi" else "Key route"
    try:
        member = FacilityKind(kind)
    except ValueError:
        return str(kind)
    return member.label_vi if lang == "vi" else member.label_en


class CashLevel(StrEnum):
    """Cash a site holds overnight, as the survey rates it."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncidentType(StrEnum):
    """Incident types of the ward's log (vụ việc)."""

    ROBBERY = "robbery"
    SNATCH_THEFT = "snatch_theft"
    BURGLARY = "burglary"
    THEFT = "theft"
    INJURY = "injury"
    FRAUD = "fraud"
    OTHER = "other"

    @property
    def label_vi(self) -> str:
        """Vietnamese name of the type."""
        return _TYPE_VI[self]

    @property
    def label_en(self) -> str:
        """English name of the type."""
        return _TYPE_EN[self]


_TYPE_VI = {
    IncidentType.ROBBERY: "Cướp tài sản",
    IncidentType.SNATCH_THEFT: "Cướp giật tài sản",
    IncidentType.BURGLARY: "Trộm cắp tài sản (đột nhập)",
    IncidentType.THEFT: "Trộm cắp tài sản",
    IncidentType.INJURY: "Cố ý gây thương tích",
    IncidentType.FRAUD: "Lừa đảo chiếm đoạt tài sản",
    IncidentType.OTHER: "Khác",
}
_TYPE_EN = {
    IncidentType.ROBBERY: "Robbery",
    IncidentType.SNATCH_THEFT: "Snatch theft",
    IncidentType.BURGLARY: "Burglary",
    IncidentType.THEFT: "Theft",
    IncidentType.INJURY: "Intentional injury",
    IncidentType.FRAUD: "Fraud",
    IncidentType.OTHER: "Other",
}

FACILITY_COLUMNS: tuple[str, ...] = (
    "name",  # str, may be "" when OSM has no name
    "kind",  # FacilityKind value
    "lat",  # float, WGS84
    "lon",  # float, WGS84
    "source",  # "osm" or "survey" (or "osm+survey" after merging)
    "osm_id",  # e.g. "node/123", "way/456"; "" when not from OSM
    "address",  # str
    "opening_hours",  # OSM opening_hours syntax or the survey's text; "" when unknown
    "operator",  # bank or owner; ""
    "cash_level",  # CashLevel value or "" (unknown)
    "guard",  # pandas "boolean" dtype (True/False/<NA> unknown)
    "camera",  # "boolean"
    "alarm",  # "boolean"
    "contact",  # person in charge and phone, ""
    "notes",  # ""
    "geometry",  # Point, EPSG:4326
)
"""Columns of the facilities frame; the index is ``facility_id`` (str, unique, stable:
``osm-node-123``, ``osm-way-456``, ``survey-<STT>``)."""

INCIDENT_COLUMNS: tuple[str, ...] = (
    "time",  # pandas datetime64, local time of the ward (Asia/Ho_Chi_Minh), tz-naive
    "type",  # IncidentType value
    "lat",
    "lon",
    "facility_id",  # str or "" when not at a known facility
    "description",  # str
    "demo",  # bool: True for generated demonstration data (dữ liệu minh họa)
    "geometry",  # Point, EPSG:4326
)
"""Columns of the incidents frame; the index is ``incident_id`` (str, unique)."""
