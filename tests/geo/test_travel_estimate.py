import numpy as np
import pytest

from geo.travel_estimate import (
    ACCESS_S,
    CITY_TERRAIN,
    CLASSES,
    geodesic_matrix,
    location_class,
    terrain_of_unit,
)

SEAT = (104.6226, 35.5806)


def test_terrain_by_city():
    assert terrain_of_unit("620902") == "plain"  # 肃州区
    assert terrain_of_unit("620201") == "plain"  # 嘉峪关
    assert terrain_of_unit("620171") == "plain"  # 兰州新区, though 兰州 is hilly
    assert terrain_of_unit("620102") == "hilly"
    assert terrain_of_unit("621102") == "hilly"
    assert terrain_of_unit("621202") == "mountain"
    assert terrain_of_unit("623001") == "mountain"
    assert terrain_of_unit("622901") == "mountain"
    assert len(CITY_TERRAIN) == 14
    with pytest.raises(ValueError):
        terrain_of_unit("110101")
    assert location_class("621202", False) == "mountain_rural"
    assert location_class("621202", True) == "urban"
    assert location_class("620702", False) == "plain_rural"


def test_matrix_shape_symmetry_and_factors():
    east = (SEAT[0] + 0.2, SEAT[1])
    m = geodesic_matrix([SEAT, east, SEAT], ["hilly_rural", "hilly_rural", "hilly_rural"])
    assert m.provider == "geodesic" and m.durations.dtype == np.int64
    assert (np.diag(m.durations) == 0).all() and (m.durations == m.durations.T).all()
    assert m.durations[0, 2] == 0 and m.distances[0, 2] == 0  # same point: no access allowance
    geo_m = 0.2 * 111_320 * np.cos(np.radians(SEAT[1]))
    assert m.distances[0, 1] == pytest.approx(geo_m * 1.45, rel=0.01)
    f = CLASSES["hilly_rural"]
    road = m.distances[0, 1]
    expected = 15_000 / (f.local_kmh / 3.6) + (road - 15_000) / (f.trunk_kmh / 3.6) + ACCESS_S
    assert m.durations[0, 1] == pytest.approx(expected, abs=1)


def test_terrain_orders_and_pair_rule():
    east = (SEAT[0] + 0.05, SEAT[1])
    t = {c: geodesic_matrix([SEAT, east], [c, c]).durations[0, 1] for c in CLASSES}
    assert t["plain_rural"] < t["hilly_rural"] < t["mountain_rural"]
    mixed = geodesic_matrix([SEAT, east], ["plain_rural", "mountain_rural"])
    assert mixed.durations[0, 1] == t["mountain_rural"] == mixed.durations[1, 0]


def test_long_legs_are_faster_per_km():
    far = geodesic_matrix([SEAT, (SEAT[0] + 1.0, SEAT[1])], ["plain_rural"] * 2)
    near = geodesic_matrix([SEAT, (SEAT[0] + 0.05, SEAT[1])], ["plain_rural"] * 2)
    assert far.durations[0, 1] / far.distances[0, 1] < near.durations[0, 1] / near.distances[0, 1]


def test_bad_input():
    with pytest.raises(ValueError):
        geodesic_matrix([SEAT], ["moon"])
    with pytest.raises(ValueError):
        geodesic_matrix([SEAT], [])
    assert geodesic_matrix([], []).size == 0
