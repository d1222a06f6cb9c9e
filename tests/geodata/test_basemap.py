"""The street background of every map, on the embedded default area."""

from __future__ import annotations

import dataclasses
import json
import math
from itertools import combinations
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely import affinity
from shapely.geometry import Polygon, box

from geodata.area import Area, load_area
from geodata.basemap import (
    BASEMAP_ATTRIBUTION,
    STREET_CLASSES,
    StreetBackground,
    background_geojson,
    draw_background,
    nice_scale_length,
    street_background,
)


@pytest.fixture(scope="module")
def area() -> Area:
    return load_area()


@pytest.fixture(scope="module")
def bg(area: Area) -> StreetBackground:
    return street_background(area)


def _graph_names(area: Area, *, merged: bool = True) -> set[str]:
    """Street names on the graph's edges; an edge merged across streets is named "A / B"."""
    names: set[str] = set()
    for _, _, data in area.graph.edges(data=True):
        name = str(data.get("name") or "")
        if " / " in name and not merged:
            continue
        names.update(part.strip() for part in name.split(" / ") if part.strip())
    return names


def test_every_street_name_of_the_graph_is_in_the_background(
    area: Area, bg: StreetBackground
) -> None:
    graph_names = _graph_names(area)
    assert len(graph_names) > 30
    assert graph_names <= bg.street_names()
    # the background also shows what a motorbike patrol cannot ride (footways, steps)
    assert set(bg.streets["cls"]) == set(STREET_CLASSES)
    assert {"Phố Tôn Đức Thắng", "Phố Cát Linh", "Phố Quốc Tử Giám"} <= bg.street_names()


def test_frames_are_wgs84_lines_polygons_and_anchors(bg: StreetBackground) -> None:
    for frame in (bg.streets, bg.labels, bg.buildings, bg.water):
        assert frame.crs.to_epsg() == 4326
    assert set(bg.streets.geom_type) == {"LineString"}
    assert set(bg.labels.geom_type) == {"Point"}
    assert set(bg.buildings.geom_type) <= {"Polygon", "MultiPolygon"} and len(bg.buildings) > 400
    # the default area has Hồ Văn and the ponds of Văn Miếu
    assert set(bg.water.geom_type) <= {"Polygon", "MultiPolygon"} and len(bg.water) >= 3
    west, south, east, north = bg.bbox
    assert box(west, south, east, north).buffer(1e-9).contains(bg.streets.union_all())
    # merged per named street: far fewer rows than OSM ways
    ways = bg.streets[bg.streets["name"] == "Phố Tôn Đức Thắng"]
    assert 1 <= len(ways) <= 4 and ways["length_m"].sum() > 1000


def test_labels_sit_on_their_street_along_its_direction(bg: StreetBackground) -> None:
    streets = bg.streets.to_crs(bg.crs)
    labels = bg.labels.to_crs(bg.crs)
    assert list(labels["rank"]) == list(range(len(labels)))
    assert labels.iloc[0]["cls"] == "major"
    for _, label in labels.iterrows():
        own = streets[streets["name"] == label["name"]]
        nearest = min(own.geometry, key=lambda g: g.distance(label.geometry))
        assert nearest.distance(label.geometry) < 0.5
        assert -90.0 < label["angle_deg"] <= 90.0
        at = nearest.project(label.geometry)
        a, b = nearest.interpolate(max(0, at - 3)), nearest.interpolate(min(nearest.length, at + 3))
        direction = math.degrees(math.atan2(b.y - a.y, b.x - a.x)) % 180.0
        diff = abs(direction - label["angle_deg"] % 180.0)
        assert min(diff, 180.0 - diff) < 30.0, label["name"]
    # every named street long enough to carry its name has one
    long_named = {
        n for n, m in bg.streets.groupby("name")["length_m"].max().items() if n and m >= 50
    }
    assert long_named <= set(labels["name"])


def _label_box(text: Any, renderer: Any) -> Polygon:
    """Return the rotated box of a drawn name, from the renderer's size of the unrotated text."""
    angle = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(angle)
    cx, cy = text.get_transform().transform(text.get_position())
    rect = box(cx - flat.width / 2, cy - flat.height / 2, cx + flat.width / 2, cy + flat.height / 2)
    return affinity.rotate(rect, angle, origin=(cx, cy))


@pytest.mark.parametrize("size", [(8.0, 8.0), (4.0, 3.0)])
def test_rendered_street_names_do_not_cover_each_other(
    bg: StreetBackground, size: tuple[float, float]
) -> None:
    fig = Figure(figsize=size, dpi=110, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([], [], label="overlay")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # the layout moves the axes
    labels = draw_background(ax, bg)
    canvas.draw()
    renderer = canvas.get_renderer()
    drawn = labels.drawn
    assert len(drawn) >= (25 if size[0] > 5 else 6)
    assert len(drawn) < len(bg.labels)  # some names had to give way
    frame = ax.get_window_extent(renderer)
    inside = box(frame.x0, frame.y0, frame.x1, frame.y1).buffer(1.0)
    boxes = [_label_box(text, renderer) for text in drawn]
    for text, shape in zip(drawn, boxes, strict=True):
        assert inside.contains(shape), text.get_text()
    overlaps = [
        (drawn[i].get_text(), drawn[j].get_text())
        for (i, a), (j, b) in combinations(enumerate(boxes), 2)
        if a.intersection(b).area > 1.0
    ]
    assert overlaps == []
    names = {text.get_text() for text in drawn}
    assert "Phố Tôn Đức Thắng" in names
    assert BASEMAP_ATTRIBUTION in {text.get_text() for text in ax.texts}
    assert any(text.get_text().endswith(" m") for text in ax.texts)  # metric scale bar


def test_geojson_is_small_and_complete(bg: StreetBackground) -> None:
    layers = background_geojson(bg)
    size = len(json.dumps(layers, ensure_ascii=False, separators=(",", ":")))
    assert size < 350_000, size
    assert len(layers["streets"]["features"]) == len(bg.streets)
    assert len(layers["labels"]["features"]) == len(bg.labels)
    assert len(layers["buildings"]["features"]) == len(bg.buildings)
    assert len(layers["water"]["features"]) == len(bg.water)
    assert layers["attribution"] == BASEMAP_ATTRIBUTION
    coords = layers["streets"]["features"][0]["geometry"]["coordinates"]
    assert all(len(repr(v).split(".")[1]) <= 6 for point in coords for v in point)
    first = layers["labels"]["features"][0]["properties"]
    assert set(first) == {"name", "angle_deg", "rank", "cls"}


def test_background_of_a_part_and_without_the_file_streets(area: Area) -> None:
    west, south, east, north = area.bbox
    part = (west, south, (west + east) / 2, (south + north) / 2)
    bg = street_background(area, bbox=part)
    assert box(*part).buffer(1e-9).contains(bg.streets.union_all())
    assert box(*part).buffer(1e-9).contains(bg.buildings.union_all())
    assert 0 < len(bg.streets) < len(street_background(area).streets)
    # an area built without the file's street ways falls back to the graph's
    bare = dataclasses.replace(area, streets=area.streets.iloc[0:0])
    from_graph = street_background(bare)
    # (a few edges run outside the export's bbox, which is clipped away)
    single = _graph_names(area, merged=False)
    assert from_graph.street_names() <= single
    assert len(from_graph.street_names()) >= 0.9 * len(single)
    assert len(from_graph.labels) > 20


def test_scale_lengths_are_round() -> None:
    assert [nice_scale_length(m) for m in (1000.0, 2600.0, 90.0, 12_000.0)] == [
        200.0,
        500.0,
        10.0,
        2000.0,
    ]
