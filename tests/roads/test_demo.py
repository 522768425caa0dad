"""The synthetic demo network: loaded with the demo frame, labelled synthetic, covering the preset's units."""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.synthetic_roads import CLASSES, RoadSpec, UnitPlaces, generate_roads
from service.draws.plans import preset
from service.roads.classes import ROAD_CLASSES
from service.roads.demo import DEMO_NAME, load_demo_roads
from service.roads.matrix import covering_network, road_lines, road_matrix


def test_generator_is_deterministic_and_uses_known_classes():
    rng = np.random.default_rng(3)
    seats = np.column_stack([103.8 + rng.uniform(-0.2, 0.2, 8), 36.0 + rng.uniform(-0.2, 0.2, 8)])
    houses = np.vstack([s + rng.normal(0, 0.01, (30, 2)) for s in seats])
    places = [UnitPlaces("620121", seats, np.full(8, 30), houses)]
    a, b = generate_roads(places), generate_roads(places)
    assert len(a) > 50 and list(a["name"]) == list(b["name"])
    assert all(x.equals_exact(y, 0) for x, y in zip(a["geometry"], b["geometry"], strict=True))
    assert set(a["road_class"]) <= set(CLASSES) <= set(ROAD_CLASSES)
    tracks = generate_roads(places, RoadSpec(tracks_m=500))
    assert len(tracks) > len(a)


def test_demo_has_a_synthetic_network_covering_the_preset_units(demo_engine, demo_api):
    units = sorted(preset("gansu-2024").fixed_units)
    with Session(demo_engine) as session:
        network = covering_network(session, units)
        assert network is not None
        row = session.execute(text("SELECT synthetic, name, edges, components FROM road_network WHERE id = :n"),
                              {"n": network}).one()  # fmt: skip
        assert row.synthetic and row.name == DEMO_NAME and row.edges > 5000 and row.components == 1
        houses = session.execute(text(
            "SELECT ST_X(h.geom), ST_Y(h.geom) FROM house AS h JOIN hazard_record AS r ON r.house_id = h.id "
            "AND r.closed_on IS NULL WHERE h.county_code = '620121' ORDER BY h.id LIMIT 61")).all()  # fmt: skip
        started = time.perf_counter()
        m = road_matrix(session, network, [tuple(h) for h in houses])
        assert time.perf_counter() - started < 5
        assert m.size == len(houses) and m.detail["fallback_pairs"] == 0
        off = ~np.eye(m.size, dtype=bool)
        assert (m.durations[off] > 0).all() and (m.distances[off] > 0).all()
        line = road_lines(session, network, [(tuple(houses[0]), tuple(houses[1]))])[0]
        assert line[0] == tuple(houses[0]) and line[-1] == tuple(houses[1]) and len(line) > 2
    listed = demo_api.get("/api/v1/roads").json()
    assert [n["synthetic"] for n in listed] == [True]
    assert set(units) <= set(listed[0]["covered_units"])
    # Loading again keeps the network (idempotent).
    report = load_demo_roads(demo_engine)
    assert not report.loaded and report.network_id == network
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM road_network")).scalar() == 1
