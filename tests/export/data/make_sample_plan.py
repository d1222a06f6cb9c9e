"""Build ``sample-plan.json``: a realistic two-team plan on the real default area.

Run from the repository root: ``.venv/bin/python tests/export/data/make_sample_plan.py``.

How it is made (no solver, no network): the Hà Nội Văn Miếu / Cát Linh extract in
``tests/data/osm/`` is parsed with lxml; its ``highway=*`` ways become an undirected networkx
graph weighted by great-circle length. The depots are the real police posts "Công an phường Quốc
Tử Giám" (team T1) and "Công an phường Cát Linh" (T2); the stops are real banks, ATMs and the PNJ
gold shop of the extract, each snapped to its nearest street node. Each route's ``path`` joins
the shortest street paths between consecutive stops, so every point of it lies on a street of
the extract. Times follow the contract: travel at 18 km/h, 10 minutes of service, waiting when
early; the second round of each team revisits its high-risk sites in the 01:00-03:00 window.
When ``geodata.area.load_area`` and ``geodata.travel.travel_times`` exist, a plan made by
``patrol plan`` on the default area is the better fixture; this one only needs lxml + networkx.
"""

from __future__ import annotations

import bz2
import json
import math
from itertools import pairwise
from pathlib import Path

import networkx as nx
from lxml import etree

ROOT = Path(__file__).resolve().parents[3]
OSM = ROOT / "tests" / "data" / "osm" / "hanoi-van-mieu-cat-linh.osm.bz2"
OUT = Path(__file__).with_name("sample-plan.json")
SPEED_MS = 18 / 3.6
SERVICE_S = 600
STREETS = {
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "primary_link",
    "secondary_link",
    "tertiary_link",
    "trunk_link",
}

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


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def main() -> None:
    with bz2.open(OSM) as stream:
        root = etree.fromstring(stream.read())
    coords = {
        el.get("id"): (float(el.get("lon")), float(el.get("lat"))) for el in root.iter("node")
    }
    graph = nx.Graph()
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if tags.get("highway") not in STREETS:
            continue
        refs = [nd.get("ref") for nd in way.iter("nd")]
        for u, v in pairwise(refs):
            graph.add_edge(u, v, length=_metres(coords[u], coords[v]))
    main_part = max(nx.connected_components(graph), key=len)
    street_nodes = [n for n in graph if n in main_part]

    def snap(osm_id: str) -> str:
        where = coords[osm_id.removeprefix("osm-node-")]
        return min(street_nodes, key=lambda n: _metres(where, coords[n]))

    def leg(a: str, b: str) -> tuple[list[list[float]], int]:
        nodes = nx.shortest_path(graph, a, b, weight="length")
        length = nx.path_weight(graph, nodes, weight="length") if len(nodes) > 1 else 0.0
        return [list(coords[n]) for n in nodes], round(length / SPEED_MS)

    routes, plan_value, plan_travel, node_base = [], 0, 0, 0
    for team, sites in SITES.items():
        depot_id, depot_name = DEPOTS[team]
        depot_node = snap(depot_id)
        depot_lon, depot_lat = coords[depot_id.removeprefix("osm-node-")]
        # First round before 01:00, second round inside the high-risk window 01:00-03:00.
        risky = [s for s in sites if s[3] in ("high", "very_high")]
        order = [(s, 0) for s in sites] + [(s, 1) for s in risky]
        node_of = {s[0]: node_base + 1 + k for k, s in enumerate(sites)}
        node_base += len(sites)
        at, here, path, travel_total, stops = 0, depot_node, [], 0, []
        for (site_id, name, kind, risk), visit in order:
            there = snap(site_id)
            pts, travel = leg(here, there)
            path.extend(pts if not path else pts[1:])
            arrive = at + travel
            earliest, latest = (0, 10800) if visit == 0 else (10800, 18000)
            start = max(arrive, earliest)
            lon, lat = coords[site_id.removeprefix("osm-node-")]
            stops.append(
                {
                    "site": site_id,
                    "visit": visit,
                    "node": node_of[site_id],
                    "arrive": arrive,
                    "start": start,
                    "depart": start + SERVICE_S,
                    "name": name,
                    "kind": kind,
                    "lat": lat,
                    "lon": lon,
                    "risk_level": risk,
                    "earliest": earliest,
                    "latest": latest,
                    **({"notes": "Kiểm tra khóa cửa, camera và chuông báo động"} if visit else {}),
                }
            )
            at, here, travel_total = start + SERVICE_S, there, travel_total + travel
            plan_value += 80 if visit else 20
        pts, travel = leg(here, depot_node)
        path.extend(pts[1:])
        travel_total += travel
        plan_travel += travel_total
        routes.append(
            {
                "team": team,
                "depart": 0,
                "return": at + travel,
                "travel_s": travel_total,
                "stops": stops,
                "path": path,
                "members": MEMBERS[team],
                "depot": {"id": depot_id, "name": depot_name, "lat": depot_lat, "lon": depot_lon},
                "vehicle": "motorbike",
            }
        )
    plan = {
        "format": "patrol-plan/1",
        "problem": "Văn Miếu night shift 2026-11-23",
        "value": plan_value,
        "travel_s": plan_travel,
        "routes": routes,
        "unserved": [{"site": SITES["T2"][5][0], "visit": 1, "reason": "time"}],
        "shift": {
            "date": "2026-11-23",
            "start": "22:00",
            "end": "05:00",
            "high_risk": "01:00-03:00",
        },
        "area": "Văn Miếu - Quốc Tử Giám, Hà Nội",
        "version": 3,
        "status": "approved",
        "approved_by": "Trung tá Hoàng Văn Thắng, Trưởng Công an phường",
        "approved_at": "2026-11-23T09:30:00Z",
        "attribution": "© OpenStreetMap contributors (ODbL 1.0)",
    }
    OUT.write_text(json.dumps(plan, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(OUT, [len(r["path"]) for r in routes], [r["return"] for r in routes])


if __name__ == "__main__":
    main()
