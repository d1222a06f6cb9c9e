"""Kinds as wards write them, name matching, and the merge of a real survey with real OSM data."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geodata.facilities import (
    fold_text,
    match_facilities,
    merge_facilities,
    name_similarity,
    parse_kind,
)
from geodata.io import read_facility_survey
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind

TABLES = Path(__file__).parents[1] / "data" / "tables"


@pytest.fixture(scope="module")
def osm(default_osm: Path) -> gpd.GeoDataFrame:
    """Facilities of the real Văn Miếu / Cát Linh extract, from the area loader when present."""
    try:
        from geodata.area import load_area
    except ImportError:
        from geodata.osm import facilities_from_osm, read_osm

        return facilities_from_osm(read_osm(default_osm))
    return load_area(default_osm).facilities


@pytest.fixture(scope="module")
def survey() -> gpd.GeoDataFrame:
    return read_facility_survey(TABLES / "survey-van-mieu.csv")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ngân hàng", FacilityKind.BANK),
        ("Chi nhánh ngân hàng", FacilityKind.BANK),
        ("CHI NHANH NGAN HANG", FacilityKind.BANK),
        ("Phòng giao dịch", FacilityKind.TRANSACTION_OFFICE),
        ("PGD", FacilityKind.TRANSACTION_OFFICE),
        ("Cây ATM", FacilityKind.ATM),
        ("Tiệm vàng", FacilityKind.GOLD_SHOP),
        ("Cơ sở kinh doanh vàng bạc, đá quý", FacilityKind.GOLD_SHOP),
        ("Tiệm cầm đồ", FacilityKind.PAWN_SHOP),
        ("Kho bạc", FacilityKind.TREASURY),
        ("Kho bạc Nhà nước", FacilityKind.TREASURY),
        ("Trụ sở UBND", FacilityKind.TOWN_HALL),
        ("Công an phường", FacilityKind.POLICE),
        ("Ban chỉ huy quân sự", FacilityKind.MILITARY),
        ("Bank branch", FacilityKind.BANK),
        ("gold_shop", FacilityKind.GOLD_SHOP),
        ("State Treasury", FacilityKind.TREASURY),
    ],
)
def test_kinds_in_vietnamese_and_english(text: str, kind: FacilityKind) -> None:
    assert parse_kind(text) is kind


def test_every_kind_reads_back_from_its_labels() -> None:
    for kind in FacilityKind:
        assert parse_kind(kind.label_vi) is kind
        assert parse_kind(kind.label_en) is kind


def test_unknown_kind_is_none() -> None:
    assert parse_kind("Quán karaoke") is None


def test_fold_text() -> None:
    assert fold_text("  Đường   Tôn Đức THẮNG ") == "duong ton duc thang"


def test_names_compare_after_abbreviations_and_diacritics() -> None:
    assert name_similarity("PGD NH Sacombank Cát Linh", "Phòng giao dịch Sacombank") == 1.0
    assert name_similarity("Ngân hàng BIDV", "NH BIDV") == 1.0
    assert name_similarity("Kho bạc Nhà nước Đống Đa", "KHO BAC NHA NUOC") == 1.0
    assert name_similarity("Eximbank Nguyễn Thái Học", "Exim Bank") >= 0.8
    # Same street, different brands: never the same site.
    assert name_similarity("Agribank Cát Linh", "BIDV Cát Linh") == 0.0
    assert name_similarity("NH Vietcombank", "VietinBank") == 0.0
    assert name_similarity("Tiệm vàng Bảo Tín Minh Châu", "Trường THCS Cát Linh") < 0.6


@pytest.mark.slow
def test_merge_matches_surveyed_sites_to_their_osm_twins(
    osm: gpd.GeoDataFrame, survey: gpd.GeoDataFrame
) -> None:
    pairs = match_facilities(osm, survey)
    matched = dict(zip(pairs["survey_id"], pairs["osm_id"], strict=True))
    # BIDV on Nguyễn Thái Học, not the other BIDV 400 m south.
    assert matched["survey-1"] == "osm-node-6689539636"
    # Vietcombank: OSM has no name, only the operator.
    assert matched["survey-2"] == "osm-node-5485874969"
    # Surveyed as a transaction office, mapped as a bank.
    assert matched["survey-3"] == "osm-node-5485875445"
    assert matched["survey-4"] == "osm-node-5608881026"  # PNJ
    assert matched["survey-5"] == "osm-way-1016775831"  # Kho bạc: a building in OSM
    assert matched["survey-9"] == "osm-way-702456266"  # Công an phường Văn Miếu
    assert "survey-8" not in matched  # the pawn shop is not mapped; VIB next door is a bank
    assert (pairs["distance_m"] < 60).all()

    merged = merge_facilities(osm, survey)
    assert len(merged) == len(osm) + len(survey) - len(pairs)
    assert merged.index.is_unique
    assert list(merged.columns)[: len(FACILITY_COLUMNS)] == list(FACILITY_COLUMNS)
    assert merged.crs == "EPSG:4326"
    bidv = merged.loc["osm-node-6689539636"]
    assert bidv["source"] == "osm+survey"
    assert bidv["osm_id"] == "node/6689539636"
    assert bidv["name"] == "BIDV"  # OSM's name stays
    assert bidv["cash_level"] == "high"  # the survey's attributes win
    assert bool(bidv["guard"]) and bool(bidv["alarm"])
    assert bidv["opening_hours"] == "07:30-17:00"
    assert bidv["geometry"].equals(osm.loc["osm-node-6689539636", "geometry"])
    vcb = merged.loc["osm-node-5485874969"]
    assert vcb["name"] == "NH Vietcombank Cát Linh"  # OSM had none
    assert merged.loc["survey-8", "source"] == "survey"
    assert merged.attrs["matches"]["osm-node-6689539636"] == "survey-1"
    assert merged["guard"].dtype == "boolean"
    untouched = merged.loc["osm-node-1000087490"]  # the other BIDV
    assert untouched["source"] == "osm" and untouched["cash_level"] == ""


def test_merge_does_not_double_on_a_second_pass(
    osm: gpd.GeoDataFrame, survey: gpd.GeoDataFrame
) -> None:
    once = merge_facilities(osm, survey)
    twice = merge_facilities(once, survey)
    assert len(twice) == len(once)


def test_different_kind_at_the_same_spot_is_not_matched(osm: gpd.GeoDataFrame) -> None:
    atm = osm[osm["kind"] == "atm"].iloc[[0]]
    bank = atm.copy()
    bank.index = pd.Index(["survey-1"], name="facility_id")
    bank["kind"] = "bank"
    bank["source"] = "survey"
    bank["osm_id"] = ""
    assert match_facilities(atm, bank).empty


def test_merge_keeps_extra_survey_columns(osm: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "STT,Tên cơ sở,Loại hình,Vĩ độ,Kinh độ,Tổ dân phố\n"
        "1,Agribank,Ngân hàng,21.02995,105.83795,Tổ 5\n"
        "2,Tiệm vàng Kim Linh,Tiệm vàng,21.0255,105.8300,Tổ 9\n",
        encoding="utf-8",
    )
    merged = merge_facilities(osm, read_facility_survey(path))
    assert merged.loc["osm-node-11414492644", "Tổ dân phố"] == "Tổ 5"
    assert merged.loc["survey-2", "Tổ dân phố"] == "Tổ 9"
    assert merged.loc["osm-node-1000087490", "Tổ dân phố"] == ""
