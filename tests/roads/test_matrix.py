"""The road travel matrix and driven lines against shortest paths computed by hand on tiny networks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from service.roads import matrix as rm
from service.roads.matrix import covering_network, road_lines, road_matrix
from tests.roads.conftest import NE, NW, SE, SW, import_file, metres, square_lines, write

V_SIDE, V_DIAG = 50 / 3.6, 70 / 3.6  # m/s on the sides (县道) and the diagonal (国道)


def test_square_with_a_diagonal_equals_hand_computed_paths(engine, tmp_path):
    built = import_file(engine, write(square_lines(), tmp_path / "sq.geojson"))
    s, e, d = metres(SW, SE), metres(SE, NE), metres(SW, NE)
    with Session(engine) as session:
        m = road_matrix(session, built.id, [SW, SE, NE, NW])
    t = {
        (0, 1): s / V_SIDE, (0, 2): d / V_DIAG, (0, 3): e / V_SIDE,
        (1, 2): e / V_SIDE, (1, 3): min(s / V_SIDE + e / V_SIDE, e / V_SIDE + s / V_SIDE),
        (2, 3): s / V_SIDE,
    }
    dist = {(0, 1): s, (0, 2): d, (0, 3): e, (1, 2): e, (1, 3): s + e, (2, 3): s}
    for (i, j), want in t.items():
        assert abs(m.durations[i, j] - want) <= 1 and abs(m.durations[j, i] - want) <= 1, (i, j)
        assert abs(m.distances[i, j] - dist[(i, j)]) <= 1, (i, j)
    assert m.provider == "road" and m.detail["fallback_pairs"] == 0 and "pgRouting" in m.note
    assert (np.diag(m.durations) == 0).all() and m.durations.dtype == np.int64


def test_one_way_is_driven_around(engine, tmp_path):
    built = import_file(engine, write(square_lines(oneway=True), tmp_path / "oneway.geojson"))
    s, e, d = metres(SW, SE), metres(SE, NE), metres(SW, NE)
    with Session(engine) as session:
        m = road_matrix(session, built.id, [SW, SE])
    assert abs(m.durations[0, 1] - s / V_SIDE) <= 1  # with the one-way south side
    assert abs(m.durations[1, 0] - (e / V_SIDE + d / V_DIAG)) <= 1  # against it: north, then the diagonal
    assert abs(m.distances[1, 0] - (e + d)) <= 1


def test_access_leg_and_disconnected_fallback(engine, tmp_path):
    gdf = square_lines()
    far = shapely.LineString([(103.90, 36.00), (103.91, 36.00)])  # 9 km east, not joined to the square
    gdf = gpd.GeoDataFrame({"道路等级": [*gdf["道路等级"], "县道"]}, geometry=[*gdf.geometry, far], crs="EPSG:4490")
    built = import_file(engine, write(gdf, tmp_path / "two.geojson"))
    assert built.components == 2
    off = (SW[0], SW[1] - 0.0009)  # about 100 m south of SW
    with Session(engine) as session:
        m = road_matrix(session, built.id, [off, SE, (103.905, 36.0)])
    access = metres(off, SW) / (rm.ACCESS_SPEED_KMH / 3.6)
    assert abs(m.durations[0, 1] - (access + metres(SW, SE) / V_SIDE)) <= 1
    assert abs(m.distances[0, 1] - (metres(off, SW) + metres(SW, SE))) <= 1
    assert m.detail["fallback_pairs"] == 4  # 0<->2 and 1<->2
    geodesic = metres(SE, (103.905, 36.0))
    assert abs(m.distances[1, 2] - geodesic * rm.FALLBACK_DETOUR) <= 2
    assert abs(m.durations[1, 2] - geodesic * rm.FALLBACK_DETOUR / (rm.FALLBACK_SPEED_KMH / 3.6)) <= 1
    assert "不连通" in m.note


def test_road_lines_follow_the_edges(engine, tmp_path):
    built = import_file(engine, write(square_lines(), tmp_path / "lines.geojson"))
    off = (NE[0] + 0.0005, NE[1])
    with Session(engine) as session:
        sw_ne, se_nw, same = road_lines(session, built.id, [(SW, off), (SE, NW), (SW, SW)])
    assert sw_ne == [SW, NE, off]  # the diagonal, then the access leg
    assert se_nw[0] == SE and se_nw[-1] == NW and len(se_nw) == 3 and se_nw[1] in (SW, NE)
    assert same[0] == SW and same[-1] == SW


def test_covering_network_needs_every_unit(engine, tmp_path):
    built = import_file(engine, write(square_lines(), tmp_path / "cover.geojson"))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO road_network_unit VALUES (:n, '620102', 10, 10, true), "
                          "(:n, '620103', 10, 5, false)"), {"n": built.id})  # fmt: skip
    with Session(engine) as session:
        assert covering_network(session, ["620102"]) == built.id
        assert covering_network(session, ["620102", "620102"]) == built.id
        assert covering_network(session, ["620102", "620103"]) is None
        assert covering_network(session, []) is None
