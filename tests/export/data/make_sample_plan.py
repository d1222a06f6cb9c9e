"""Build ``sample-plan.json``: a realistic two-team plan on the real default area.

Run from the repository root: ``.venv/bin/python tests/export/data/make_sample_plan.py``.

How it is made (no solver, no network): the Hà Nội Văn Miếu / Cát Linh extract in
``tests/data/osm/`` is loaded with ``geodata.area.load_area`` (motorbike street graph) and
``geodata.travel.travel_times`` gives the travel seconds and the street path between the places,
as ``patrol plan`` does. The depots are the real police posts "Công an phường Quốc Tử Giám"
(team T1) and "Công an phường Cát Linh" (T2); the stops are real banks, ATMs and the PNJ gold
shop of the extract, in a hand-made order (no solver). Each route's ``path`` is
``TravelTimes.route_path`` of the loop: it starts, ends and passes through the places themselves
and follows the streets between them. Times follow the contract: 10 minutes of service, waiting
when early; the second round revisits each team's high-risk sites in the 01:00-03:00 window.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OSM = ROOT / "tests" / "data" / "osm" / "hanoi-van-mieu-cat-linh.osm.bz2"
OUT = Path(__file__).with_name("sample-plan.json")
SERVICE_S = 600
sys.path.insert(0, str(ROOT))

DEPOTS = {
    "T1": ("osm-node-10114776451", "Công an phường Quốc Tử Giám"),
    "T2": ("osm-node-5485843330", "Công an phường Cát Linh"),
}
# (facility id, name as the ward's survey writes it, kind, risk level), in driving order; the
# second round revisits the high and very high risk sites.
SITES = {
    "T1": [
        ("osm-node-1000087490", "Chi nhánh ngân hàng BIDV Quốc Tử Giám", "bank", "high"),
        (
            "osm-node-1000087526",
            "Phòng giao dịch Oceanbank Văn Miếu",
            "transaction_office",
            "very_high",
        ),
        ("osm-node-724829388", "Cây ATM Eximbank Nguyễn Thái Học", "atm", "medium"),
        ("osm-node-11414492644", "Chi nhánh ngân hàng Agribank Nguyễn Thái Học", "bank", "high"),
        (
            "osm-node-6689539636",
            "Phòng giao dịch BIDV Nguyễn Thái Học",
            "transaction_office",
            "low",
        ),
    ],
    "T2": [
        (
            "osm-node-6685187313",
            "Phòng giao dịch VietinBank Tôn Đức Thắng",
            "transaction_office",
            "high",
        ),
        ("osm-node-5608881026", "Tiệm vàng PNJ Tôn Đức Thắng", "gold_shop", "very_high"),
        ("osm-node-6685187330", "Cây ATM ACB Tôn Đức Thắng", "atm", "medium"),
        ("osm-node-724829512", "Cây ATM Agribank Hào Nam", "atm", "low"),
        ("osm-node-7056059369", "Phòng giao dịch VIB Hào Nam", "transaction_office", "high"),
        ("osm-node-5485874969", "Chi nhánh ngân hàng Vietcombank Cát Linh", "bank", "medium"),
    ],
}
MEMBERS = {
    "T1": {
        "police": ["Thiếu tá Nguyễn Văn Đức (tổ trưởng)", "Trung úy Trần Thị Hằng"],
        "militia": ["Lê Quang Vũ"],
    },
    "T2": {
        "police": ["Đại úy Phạm Minh Tuấn (tổ trưởng)"],
        "military": ["Hạ sĩ Đỗ Văn Hùng"],
        "militia": ["Ngô Thị Lụa"],
    },
}


def main() -> None:
    from geodata.area import ATTRIBUTION, load_area
    from geodata.travel import travel_times

    area = load_area(OSM)
    wanted = [d[0] for d in DEPOTS.values()] + [s[0] for sites in SITES.values() for s in sites]
    ids = list(dict.fromkeys(wanted))
    index = {f: k for k, f in enumerate(ids)}
    lonlat = [
        [float(area.facilities.loc[f, "lon"]), float(area.facilities.loc[f, "lat"])] for f in ids
    ]
    times = travel_times(area, lonlat, labels=ids)
    routes, plan_value, plan_travel = [], 0, 0
    for team, sites in SITES.items():
        depot_id, depot_name = DEPOTS[team]
        # First round before 01:00, second round inside the high-risk window 01:00-03:00.
        risky = [s for s in sites if s[3] in ("high", "very_high")]
        order = [(s, 0) for s in sites] + [(s, 1) for s in risky]
        at, here, travel_total, stops = 0, index[depot_id], 0, []
        for (site_id, name, kind, risk), visit in order:
            there = index[site_id]
            travel = int(times.travel_s[here, there])
            arrive = at + travel
            earliest, latest = (0, 10800) if visit == 0 else (10800, 18000)
            start = max(arrive, earliest)
            lon, lat = lonlat[there]
            stops.append({
                "site": site_id, "visit": visit, "node": there,
                "arrive": arrive, "start": start, "depart": start + SERVICE_S,
                "name": name, "kind": kind, "lat": lat, "lon": lon, "risk_level": risk,
                "earliest": earliest, "latest": latest,
                **({"notes": "Kiểm tra khóa cửa, camera và chuông báo động"} if visit else {}),
            })  # fmt: skip
            at, here, travel_total = start + SERVICE_S, there, travel_total + travel
            plan_value += 80 if visit else 20
        travel = int(times.travel_s[here, index[depot_id]])
        travel_total += travel
        plan_travel += travel_total
        sequence = [index[depot_id], *(s["node"] for s in stops), index[depot_id]]
        path = [[round(x, 7), round(y, 7)] for x, y in times.route_path(sequence)]
        lon, lat = lonlat[index[depot_id]]
        routes.append({
            "team": team, "depart": 0, "return": at + travel, "travel_s": travel_total,
            "stops": stops, "path": path, "members": MEMBERS[team],
            "depot": {"id": depot_id, "name": depot_name, "lat": lat, "lon": lon},
            "vehicle": "motorbike",
        })  # fmt: skip
    plan = {
        "format": "patrol-plan/1",
        "problem": "Văn Miếu night shift 2026-11-23",
        "value": plan_value,
        "travel_s": plan_travel,
        "routes": routes,
        "unserved": [{"site": SITES["T2"][5][0], "visit": 1, "reason": "time"}],
        "shift": {
            "date": "2026-11-23", "start": "22:00", "end": "05:00", "high_risk": "01:00-03:00",
        },
        "area": "Văn Miếu - Quốc Tử Giám, Hà Nội",
        "version": 3,
        "status": "approved",
        "approved_by": "Trung tá Hoàng Văn Thắng, Trưởng Công an phường",
        "approved_at": "2026-11-23T09:30:00Z",
        "attribution": ATTRIBUTION,
    }  # fmt: skip
    OUT.write_text(json.dumps(plan, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(OUT, [len(r["path"]) for r in routes], [r["return"] for r in routes])


if __name__ == "__main__":
    main()
