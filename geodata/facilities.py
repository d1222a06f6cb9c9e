"""Facilities from two sources, one list: the words wards use for kinds, and the OSM-survey merge.

A ward's survey and the OSM extract describe many of the same sites. ``merge_facilities`` pairs
each surveyed site with its OSM twin (same or compatible kind, close by, similar name once
diacritics, case and the usual abbreviations are folded away), so the merged list has each site
once: OSM keeps its identity (``osm_id``, index), the survey's attributes (cash, guard, camera,
alarm, opening hours) win, and ``source`` becomes ``osm+survey``.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from patrolbase.crs import WGS84, utm_epsg
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind

__all__ = [
    "KIND_ALIASES",
    "fold_text",
    "match_facilities",
    "merge_facilities",
    "name_key",
    "name_similarity",
    "parse_kind",
]

log = logging.getLogger(__name__)

_TONE_FREE = str.maketrans({"đ": "d", "Đ": "D"})


def fold_text(text: str) -> str:
    """Fold text for matching: no diacritics, lower case, single spaces, letters and digits only.

    >>> fold_text("  Chi nhánh  Ngân hàng ĐT&PT ")
    'chi nhanh ngan hang dt pt'
    """
    decomposed = unicodedata.normalize("NFD", str(text).translate(_TONE_FREE))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare.lower()).split())


# Ward spellings first, then English; each kind's label_vi, label_en and value are added below.
_KIND_WORDS: dict[FacilityKind, tuple[str, ...]] = {
    FacilityKind.BANK: (
        "Ngân hàng",
        "Chi nhánh",
        "CN ngân hàng",
        "Chi nhánh NH",
        "Hội sở ngân hàng",
        "Trụ sở ngân hàng",
        "Tổ chức tín dụng",
        "Bank",
        "Branch",
    ),
    FacilityKind.TRANSACTION_OFFICE: (
        "Phòng giao dịch ngân hàng",
        "PGD",
        "PGD ngân hàng",
        "Điểm giao dịch",
        "Quỹ tiết kiệm",
        "Transaction office",
        "Bank office",
    ),
    FacilityKind.ATM: ("ATM", "Máy ATM", "Trụ ATM", "Cash machine", "ATM machine"),
    FacilityKind.GOLD_SHOP: (
        "Cửa hàng vàng",
        "Cửa hàng vàng bạc",
        "Tiệm vàng bạc",
        "Hiệu vàng",
        "Vàng bạc đá quý",
        "Cơ sở kinh doanh vàng bạc, đá quý",
        "Kinh doanh vàng bạc",
        "Gold",
        "Jeweller",
        "Jewellery",
        "Jewelry",
        "Jewelry shop",
        "Jewellery shop",
    ),
    FacilityKind.PAWN_SHOP: (
        "Cầm đồ",
        "Hiệu cầm đồ",
        "Dịch vụ cầm đồ",
        "Cửa hàng cầm đồ",
        "Pawnshop",
        "Pawnbroker",
    ),
    FacilityKind.TREASURY: ("Kho bạc", "Kho bạc nhà nước", "KBNN", "Treasury"),
    FacilityKind.GOVERNMENT_OFFICE: (
        "Trụ sở cơ quan, công sở",
        "Cơ quan",
        "Công sở",
        "Trụ sở",
        "Cơ quan nhà nước",
        "Government",
        "Office",
    ),
    FacilityKind.TOWN_HALL: (
        "UBND",
        "UBND phường",
        "UBND xã",
        "Ủy ban nhân dân",
        "Uỷ ban nhân dân",
        "Trụ sở Ủy ban nhân dân",
        "Townhall",
    ),
    FacilityKind.POST_OFFICE: ("Bưu cục", "Bưu điện văn hóa xã", "Post"),
    FacilityKind.SCHOOL: (
        "Trường",
        "Trường mầm non",
        "Trường tiểu học",
        "Trường THCS",
        "Trường THPT",
    ),
    FacilityKind.MARKET: ("Chợ dân sinh", "Marketplace"),
    FacilityKind.POLICE: (
        "Công an",
        "Trụ sở công an",
        "Công an xã",
        "Đồn công an",
        "Police station",
        "Police",
    ),
    FacilityKind.MILITARY: (
        "Ban CHQS",
        "BCHQS",
        "Ban chỉ huy quân sự phường",
        "Ban chỉ huy quân sự xã",
        "Quân sự",
        "Military",
    ),
}

KIND_ALIASES: dict[str, FacilityKind] = {}
"""Folded spelling (``fold_text``) -> kind, for survey files in Vietnamese or English."""
for _kind in FacilityKind:
    for _word in (_kind.label_vi, _kind.label_en, _kind.value, *_KIND_WORDS.get(_kind, ())):
        KIND_ALIASES[fold_text(_word)] = _kind


def parse_kind(text: str) -> FacilityKind | None:
    """Read a kind as a ward writes it (``"Tiệm vàng"``, ``"PGD"``, ``"Bank branch"``).

    Returns ``None`` when the text names no known kind.

    >>> parse_kind("Chi nhánh ngân hàng")
    <FacilityKind.BANK: 'bank'>
    """
    return KIND_ALIASES.get(fold_text(text))


# Abbreviations of names, expanded before comparing (folded, word by word).
_NAME_ABBREVIATIONS = {
    "nh": "ngan hang",
    "pgd": "phong giao dich",
    "cn": "chi nhanh",
    "tmcp": "thuong mai co phan",
    "ubnd": "uy ban nhan dan",
    "ca": "cong an",
    "p": "phuong",
    "kbnn": "kho bac nha nuoc",
    "bchqs": "ban chi huy quan su",
    "chqs": "chi huy quan su",
    "bank": "ngan hang",
    "branch": "chi nhanh",
    "office": "phong giao dich",
    "ctcp": "cong ty co phan",
}
# Words every bank-ish name carries: they say nothing about which site it is.
_GENERIC_WORDS = frozenset(
    re.findall(
        r"\S+",
        "ngan hang chi nhanh phong giao dich thuong mai co phan tiem vang cua atm cay may so "
        "cong ty tnhh the",
    )
)


def name_key(name: str) -> str:
    """Fold a facility name for comparison: diacritics, case and abbreviations removed.

    >>> name_key("PGD NH TMCP Ngoại thương")
    'phong giao dich ngan hang thuong mai co phan ngoai thuong'
    """
    words = fold_text(name).split()
    return " ".join(_NAME_ABBREVIATIONS.get(word, word) for word in words)


# Brands of banks and gold dealers in Vietnam, folded, with the spellings names use. Two names
# of different brands never match, however alike the rest ("Agribank Cát Linh", "BIDV Cát Linh").
_BRANDS = {
    "vietcombank": "vcb", "vcb": "vcb", "ngoai thuong": "vcb",
    "vietinbank": "ctg", "cong thuong": "ctg",
    "bidv": "bidv", "dau tu va phat trien": "bidv",
    "agribank": "agri", "nong nghiep va phat trien nong thon": "agri",
    "techcombank": "tcb", "tcb": "tcb", "sacombank": "stb", "sai gon thuong tin": "stb",
    "mbbank": "mb", "mb": "mb", "quan doi": "mb", "acb": "acb", "a chau": "acb",
    "vpbank": "vpb", "viet nam thinh vuong": "vpb", "tpbank": "tpb", "tien phong": "tpb",
    "hdbank": "hdb", "shb": "shb", "sai gon ha noi": "shb", "vib": "vib", "quoc te": "vib",
    "eximbank": "eib", "exim": "eib", "xuat nhap khau": "eib", "msb": "msb", "maritime": "msb",
    "ocb": "ocb", "phuong dong": "ocb", "seabank": "seab", "dong nam a": "seab",
    "oceanbank": "ocean", "dai duong": "ocean", "abbank": "abb", "an binh": "abb",
    "lpbank": "lpb", "lienvietpostbank": "lpb", "buu dien lien viet": "lpb", "scb": "scb",
    "pvcombank": "pvc", "nam a bank": "nab", "namabank": "nab", "kienlongbank": "klb",
    "vietabank": "vab", "baovietbank": "bvb", "bac a bank": "bab", "bacabank": "bab",
    "ncb": "ncb", "pgbank": "pgb", "saigonbank": "sgb", "gpbank": "gpb", "cbbank": "cbb",
    "shinhan": "shinhan", "hsbc": "hsbc", "woori": "woori", "uob": "uob", "citibank": "citi",
    "standard chartered": "sc", "pnj": "pnj", "phu nhuan": "pnj", "doji": "doji", "sjc": "sjc",
    "bao tin minh chau": "btmc", "btmc": "btmc", "phu quy": "phuquy", "bao tin manh hai": "btmh",
}  # fmt: skip


def _brands(name: str) -> set[str]:
    folded = f" {fold_text(name)} "
    squeezed = folded.replace(" ", "")
    found = set()
    for spelling, brand in _BRANDS.items():
        # Short spellings must be whole words ("mb", "scb"); long ones may be glued ("eximbank").
        if f" {spelling} " in folded or (
            len(spelling) > 5 and spelling.replace(" ", "") in squeezed
        ):
            found.add(brand)
    return found


@dataclass(frozen=True)
class _Name:
    """What name comparison needs of one name, computed once per name."""

    key: str
    words: frozenset[str]  # distinctive words (all words when none is distinctive)
    squeezed: str
    brands: frozenset[str]

    @classmethod
    @functools.lru_cache(maxsize=65536)
    def of(cls, name: str) -> _Name:
        key = name_key(name)
        words = [w for w in key.split() if w not in _GENERIC_WORDS] or key.split()
        return cls(key, frozenset(words), "".join(words), frozenset(_brands(name)))


def name_similarity(a: str, b: str) -> float:
    """Similarity of two facility names in [0, 1] after ``name_key``.

    The distinctive words (the bank's brand, the street) decide: names that share them score
    high even when one says "Chi nhánh" and the other "CN"; two banks of different brands score
    0 although both say "Ngân hàng" and name the same street.

    >>> name_similarity("PGD NH Sacombank Cát Linh", "Sacombank")
    1.0
    >>> name_similarity("Agribank Cát Linh", "BIDV Cát Linh")
    0.0
    """
    return _similarity(_Name.of(str(a)), _Name.of(str(b)))


def _similarity(a: _Name, b: _Name) -> float:
    if not a.key or not b.key:
        return 0.0
    if a.brands and b.brands and not a.brands & b.brands:
        return 0.0
    if a.key == b.key:
        return 1.0
    overlap = len(a.words & b.words) / min(len(a.words), len(b.words))
    if overlap == 1.0 or a.squeezed in b.squeezed or b.squeezed in a.squeezed:
        return 1.0
    squeezed = SequenceMatcher(None, a.squeezed, b.squeezed).ratio()
    same_brand = 0.8 if a.brands & b.brands else 0.0
    return max(overlap, squeezed, same_brand)


# Kinds one source may call by the other's name: a branch mapped as bank but surveyed as PGD,
# a treasury or town hall tagged office=government in OSM.
_COMPATIBLE = [
    {FacilityKind.BANK, FacilityKind.TRANSACTION_OFFICE},
    {FacilityKind.GOLD_SHOP, FacilityKind.PAWN_SHOP},
    {FacilityKind.GOVERNMENT_OFFICE, FacilityKind.TREASURY, FacilityKind.TOWN_HALL},
    {FacilityKind.POLICE, FacilityKind.MILITARY, FacilityKind.GOVERNMENT_OFFICE},
]


def _compatible(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _COMPATIBLE)


def match_facilities(
    osm: gpd.GeoDataFrame,
    survey: gpd.GeoDataFrame,
    *,
    match_m: float = 60.0,
    min_name_similarity: float = 0.6,
    same_spot_m: float = 15.0,
) -> pd.DataFrame:
    """Pair surveyed sites with their OSM twins, one to one.

    A pair must be of the same or a compatible kind and at most ``match_m`` apart, and either
    have similar names (``name_similarity`` at least ``min_name_similarity``) or, when a name is
    missing or the kinds are the same, stand within ``same_spot_m`` of each other. Among the
    candidates the pairing minimises distance and name difference together.

    Parameters
    ----------
    osm, survey
        Facilities frames (``FACILITY_COLUMNS``, EPSG:4326).
    match_m
        Largest distance between twins, in metres.
    min_name_similarity
        Name similarity that makes a pair within ``match_m``.
    same_spot_m
        Distance at which same-kind sites pair without comparing names (OSM often has no name).

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``survey_id``, ``osm_id`` (the OSM frame's index), ``distance_m``,
        ``name_similarity``, ordered by ``survey_id``.

    """
    columns = ["survey_id", "osm_id", "distance_m", "name_similarity"]
    if osm.empty or survey.empty:
        return pd.DataFrame(columns=columns)
    both = pd.concat([osm.geometry, survey.geometry])
    west, south, east, north = (
        gpd.GeoSeries(both, crs=osm.crs or "EPSG:4326").to_crs(WGS84).total_bounds
    )
    crs = f"EPSG:{utm_epsg((west + east) / 2, (south + north) / 2)}"
    xy_osm = np.column_stack(_xy(osm, crs))
    xy_survey = np.column_stack(_xy(survey, crs))
    s_kind, o_kind = survey["kind"].astype(str).tolist(), osm["kind"].astype(str).tolist()
    s_name = [_Name.of(n) for n in survey["name"].astype(str)]
    o_name = [_Name.of(n) for n in osm["name"].astype(str)]
    # OSM often names only the operator (a Vietcombank node without a name).
    operators = osm["operator"] if "operator" in osm.columns else pd.Series("", index=osm.index)
    o_operator = [_Name.of(n) for n in operators.fillna("").astype(str)]
    candidates: list[tuple[int, int, float, float, float]] = []  # i, j, cost, metres, similarity
    near_lists = cKDTree(xy_osm).query_ball_point(xy_survey, r=match_m)
    for i, near in enumerate(near_lists):
        for j in near:
            if not _compatible(s_kind[i], o_kind[j]):
                continue
            dist = float(np.hypot(*(xy_survey[i] - xy_osm[j])))
            sim = max(_similarity(s_name[i], o_name[j]), _similarity(s_name[i], o_operator[j]))
            by_name = sim >= min_name_similarity
            unnamed = not s_name[i].key or not o_name[j].key
            by_spot = dist <= same_spot_m and (s_kind[i] == o_kind[j] or unnamed)
            if by_name or by_spot:
                candidates.append((i, j, dist / match_m + (1.0 - sim), dist, sim))
    pairs = [
        (str(survey.index[i]), str(osm.index[j]), dist, sim)
        for i, j, dist, sim in _assign(candidates, len(survey), len(osm))
    ]
    return pd.DataFrame(pairs, columns=columns).sort_values("survey_id", ignore_index=True)


def _assign(
    candidates: list[tuple[int, int, float, float, float]], n_survey: int, n_osm: int
) -> list[tuple[int, int, float, float]]:
    """One-to-one pairs of least total cost, solved per cluster of competing candidates."""
    if not candidates:
        return []
    rows = np.array([c[0] for c in candidates])
    cols = np.array([c[1] for c in candidates]) + n_survey
    graph = coo_matrix((np.ones(len(candidates)), (rows, cols)), shape=(n_survey + n_osm,) * 2)
    _, label = connected_components(graph, directed=False)
    clusters: dict[int, list[tuple[int, int, float, float, float]]] = {}
    for candidate in candidates:
        clusters.setdefault(int(label[candidate[0]]), []).append(candidate)
    out = []
    for members in clusters.values():
        survey_ids = sorted({c[0] for c in members})
        osm_ids = sorted({c[1] for c in members})
        cost = np.full((len(survey_ids), len(osm_ids)), 1e9)
        info = {}
        for i, j, c, dist, sim in members:
            a, b = survey_ids.index(i), osm_ids.index(j)
            cost[a, b] = c
            info[a, b] = (dist, sim)
        for a, b in zip(*linear_sum_assignment(cost), strict=True):
            if cost[a, b] < 1e9:
                out.append((survey_ids[a], osm_ids[b], *info[a, b]))
    return out


def _xy(frame: gpd.GeoDataFrame, crs: object) -> tuple[np.ndarray, np.ndarray]:
    projected = frame.geometry.set_crs(frame.crs or "EPSG:4326", allow_override=True).to_crs(crs)
    return projected.x.to_numpy(), projected.y.to_numpy()


# Survey columns that win over OSM when the survey gives them; the rest fill OSM's blanks.
_SURVEY_WINS = ("cash_level", "guard", "camera", "alarm", "opening_hours", "contact", "notes")
_FILL_BLANKS = ("name", "address", "operator")


def _blank(value: object) -> bool:
    return bool(pd.isna(value)) or str(value).strip() == ""


def merge_facilities(
    osm: gpd.GeoDataFrame,
    survey: gpd.GeoDataFrame,
    *,
    match_m: float = 60.0,
    min_name_similarity: float = 0.6,
) -> gpd.GeoDataFrame:
    """Merge the ward's survey into the OSM facilities, each site once.

    Matched sites keep the OSM row (index, ``osm_id``, position) with the survey's attributes
    (cash, guard, camera, alarm, opening hours, contact, notes) where the survey gives them, the
    survey's name when OSM has none, and ``source`` ``"osm+survey"``. Unmatched survey rows are
    added with their ``survey-<STT>`` index.

    Parameters
    ----------
    osm, survey
        Facilities frames (``FACILITY_COLUMNS``, EPSG:4326); extra survey columns are kept.
    match_m, min_name_similarity
        See ``match_facilities``.

    Returns
    -------
    geopandas.GeoDataFrame
        The merged facilities; ``attrs["matches"]`` maps each merged OSM id to the survey id it
        absorbed (also logged).

    """
    matches = match_facilities(
        osm, survey, match_m=match_m, min_name_similarity=min_name_similarity
    )
    merged = osm.copy()
    extras = [c for c in survey.columns if c not in merged.columns]
    for extra in extras:
        merged[extra] = ""  # extra survey columns are text; OSM rows have nothing to say
    for survey_id, osm_id in zip(matches["survey_id"], matches["osm_id"], strict=True):
        row = survey.loc[survey_id]
        for column in _SURVEY_WINS:
            if not _blank(row[column]):
                merged.at[osm_id, column] = row[column]
        for column in _FILL_BLANKS:
            if _blank(merged.at[osm_id, column]) and not _blank(row[column]):
                merged.at[osm_id, column] = row[column]
        for extra in extras:
            merged.at[osm_id, extra] = row[extra]
        merged.at[osm_id, "source"] = "osm+survey"
        log.info("facility %s (survey) matched %s (OSM)", survey_id, osm_id)
    rest = survey.drop(index=matches["survey_id"])
    out = pd.concat([merged, rest]) if len(rest) else merged
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=osm.crs or survey.crs or "EPSG:4326")
    for flag in ("guard", "camera", "alarm"):
        out[flag] = out[flag].astype("boolean")
    out.index.name = "facility_id"
    ordered = [c for c in FACILITY_COLUMNS if c in out.columns]
    out = out[ordered + [c for c in out.columns if c not in FACILITY_COLUMNS]]
    out.attrs["matches"] = dict(zip(matches["osm_id"], matches["survey_id"], strict=True))
    return out
