"""The maps answer within the caller's scope: tiles draw only its houses (and are cached per scope),
choropleth and key figures count only its units, and divisions or units outside it are refused."""

from __future__ import annotations

import math
from types import SimpleNamespace

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from tests.dbcheck import count
from tests.factories import make_account

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"
CITY, COUNTY, NEIGHBOUR, OTHER_CITY = "620100", "620102", "620103", "620500"  # 兰州, 城关区, 七里河区, 天水
HAZARDOUS_IN = (
    "SELECT count(*) FROM house h JOIN hazard_record r ON r.house_id = h.id AND r.closed_on IS NULL "
    "WHERE h.county_code = ANY(:u)"
)


@pytest.fixture
def who(demo_engine):
    """A city office (兰州), a county office (城关区) and a leader of another city (天水)."""
    with demo_engine.connect() as conn:
        lanzhou = set(
            conn.execute(text("SELECT code FROM sampling_unit WHERE city_code = :c"), {"c": CITY}).scalars()
        )
    return SimpleNamespace(
        city=make_account(demo_engine, "lanzhou", "city", scope_code=CITY),
        county=make_account(demo_engine, "chengguan", "county", scope_code=COUNTY),
        leader=make_account(demo_engine, "tianshui-leader", "leader", scope_code=OTHER_CITY),
        lanzhou=lanzhou,
    )


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _hazardous_point(engine, county: str) -> tuple[float, float]:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT ST_X(h.geom), ST_Y(h.geom) FROM house h JOIN hazard_record r ON r.house_id = h.id "
            "AND r.closed_on IS NULL WHERE h.county_code = :c ORDER BY h.id LIMIT 1"), {"c": county}).one()  # fmt: skip


def _tile(api, z, x, y, account=None) -> tuple[bytes, dict]:
    r = api.get(f"/api/v1/tiles/houses/{z}/{x}/{y}.pbf", headers=account.headers if account else None)
    assert r.status_code == 200 and r.headers["content-type"] == MVT, r.text
    return r.content, mapbox_vector_tile.decode(r.content)


def _features(layers: dict, layer: str) -> list[dict]:
    return layers.get(layer, {"features": []})["features"]


def test_tiles_outside_the_scope_are_empty(demo_api, demo_engine, who):
    lon, lat = _hazardous_point(demo_engine, "620502")  # a county of 天水
    for z in (14, 8):  # a tile of 天水 holding no house of 兰州
        x, y = tile_of(lon, lat, z)
        layer = "houses" if z >= 10 else "clusters"
        _, province = _tile(demo_api, z, x, y)
        assert _features(province, layer), z
        _, leader = _tile(demo_api, z, x, y, who.leader)
        assert _features(leader, layer), z
        body, county = _tile(demo_api, z, x, y, who.county)
        assert not _features(county, layer) and not _features(county, "houses"), z
    # Point tiles of the county office hold its houses only.
    lon, lat = _hazardous_point(demo_engine, COUNTY)
    x, y = tile_of(lon, lat, 13)
    _, own = _tile(demo_api, 13, x, y, who.county)
    ids = [f["properties"]["id"] for f in _features(own, "houses")]
    assert ids
    with demo_engine.connect() as conn:
        counties = set(
            conn.execute(
                text("SELECT DISTINCT county_code FROM house WHERE id = ANY(:i)"), {"i": ids}
            ).scalars()
        )
    assert counties == {COUNTY}


def test_cluster_counts_of_a_scope_add_up_to_its_hazardous_houses(demo_api, demo_engine, who):
    with demo_engine.connect() as conn:
        points = conn.execute(text(
            "SELECT ST_X(h.geom), ST_Y(h.geom) FROM house h JOIN hazard_record r ON r.house_id = h.id "
            "AND r.closed_on IS NULL WHERE h.county_code = ANY(:u)"), {"u": sorted(who.lanzhou)}).all()  # fmt: skip
    tiles = {tile_of(lon, lat, 7) for lon, lat in points}
    total = sum(
        f["properties"]["count"]
        for x, y in tiles
        for f in _features(_tile(demo_api, 7, x, y, who.city)[1], "clusters")
    )
    assert total == len(points) == count(demo_engine, HAZARDOUS_IN, u=sorted(who.lanzhou))
    done = sum(
        f["properties"]["count"]
        for x, y in tiles
        for f in _features(
            mapbox_vector_tile.decode(demo_api.get(f"/api/v1/tiles/houses/7/{x}/{y}.pbf", headers=who.city.headers,
                                                   params={"rectification_status": "done"}).content), "clusters")
    )  # fmt: skip
    assert done == count(
        demo_engine,
        "SELECT count(*) FROM house h JOIN hazard_record r ON r.house_id = h.id AND r.closed_on IS NULL "
        "WHERE h.county_code = ANY(:u) AND r.rectification_status = 'done'",
        u=sorted(who.lanzhou),
    )


def test_the_tile_cache_is_keyed_by_scope(demo_api, demo_engine, who):
    """The same tile URL, three scopes: three different tiles, each served again from the cache as its own."""
    lon, lat = _hazardous_point(demo_engine, COUNTY)
    for z in (6, 9, 10):  # clusters, then points; the tiles around 城关区 also hold other counties' houses
        x, y = tile_of(lon, lat, z)
        province, _ = _tile(demo_api, z, x, y)
        county, layers = _tile(demo_api, z, x, y, who.county)
        city, _ = _tile(demo_api, z, x, y, who.city)
        assert province and county and city, z
        assert county != province and county != city, z
        if z < 10:
            assert province != city, z  # these tiles reach beyond 兰州
        else:
            ids = [f["properties"]["id"] for f in _features(layers, "houses")]
            assert (
                count(demo_engine, "SELECT count(DISTINCT county_code) FROM house WHERE id = ANY(:i)", i=ids)
                == 1
            )
        # Served again (from the cache), each scope keeps its own tile.
        assert _tile(demo_api, z, x, y, who.county)[0] == county
        assert _tile(demo_api, z, x, y, who.city)[0] == city
        assert _tile(demo_api, z, x, y)[0] == province
        r = demo_api.get(f"/api/v1/tiles/houses/{z}/{x}/{y}.pbf", headers=who.county.headers)
        assert "private" in r.headers["cache-control"]


def test_choropleth_of_a_county_office_counts_its_unit_only(demo_api, demo_engine, who):
    def features(account, **params):
        r = demo_api.get("/api/v1/map/divisions", params=params, headers=account.headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith(GEOJSON), r.text
        return {f["id"]: f["properties"] for f in r.json()["features"]}

    own_houses = count(demo_engine, "SELECT count(*) FROM house WHERE county_code = :c", c=COUNTY)
    own_hazardous = count(demo_engine, HAZARDOUS_IN, u=[COUNTY])
    own_done = count(demo_engine, HAZARDOUS_IN + " AND r.rectification_status = 'done'", u=[COUNTY])
    own_collapse = count(demo_engine, HAZARDOUS_IN + " AND r.hazard_grade = 'collapse_risk'", u=[COUNTY])
    # At city level, only its own city, with its own county's figures.
    cities = features(who.county, level="city")
    assert list(cities) == [CITY]
    lanzhou = cities[CITY]
    assert (lanzhou["houses"], lanzhou["hazardous"], lanzhou["rectified"], lanzhou["collapse_risk"]) == (
        own_houses, own_hazardous, own_done, own_collapse,
    )  # fmt: skip
    counties = features(who.county, level="county", parent=CITY)
    assert list(counties) == [COUNTY] and counties[COUNTY]["hazardous"] == own_hazardous
    towns = features(who.county, level="township", parent=COUNTY)
    assert towns and sum(t["hazardous"] for t in towns.values()) == own_hazardous

    # The city office sees its whole city, the province every city.
    city_view = features(who.city, level="city")
    assert list(city_view) == [CITY]
    assert city_view[CITY]["hazardous"] == count(demo_engine, HAZARDOUS_IN, u=sorted(who.lanzhou))
    assert len(features(who.city, level="county", parent=CITY)) == len(who.lanzhou)
    province = demo_api.get("/api/v1/map/divisions", params={"level": "city"}).json()["features"]
    assert len(province) == 14

    # Parents outside the scope are refused, with no figures.
    for account, params in [
        (who.county, {"level": "county", "parent": OTHER_CITY}),
        (who.county, {"level": "township", "parent": NEIGHBOUR}),
        (who.city, {"level": "township", "parent": "620502"}),
        (who.leader, {"level": "county", "parent": CITY}),
    ]:
        r = demo_api.get("/api/v1/map/divisions", params=params, headers=account.headers)
        assert r.status_code == 403 and "features" not in r.json(), params
    # An unknown parent is still a 404.
    r = demo_api.get(
        "/api/v1/map/divisions", params={"level": "county", "parent": "629900"}, headers=who.county.headers
    )
    assert r.status_code == 404


def test_key_figures_within_the_scope(demo_api, demo_engine, who):
    def summary(account, code):
        return demo_api.get("/api/v1/map/summary", params={"code": code}, headers=account.headers)

    own_hazardous = count(demo_engine, HAZARDOUS_IN, u=[COUNTY])
    county = summary(who.county, COUNTY)
    assert county.status_code == 200, county.text
    assert county.json()["hazardous"] == own_hazardous and county.json()["partial"] is False
    assert county.json()["houses"] == count(
        demo_engine, "SELECT count(*) FROM house WHERE county_code = :c", c=COUNTY
    )
    # The province (and the county's city) for a county office: its own figures, marked partial.
    for code in ("620000", CITY):
        part = summary(who.county, code).json()
        assert part["code"] == code and part["partial"] is True and part["scope"] == "城关区"
        assert part["hazardous"] == own_hazardous
    default = demo_api.get("/api/v1/map/summary", headers=who.county.headers).json()
    assert default["code"] == "620000" and default["hazardous"] == own_hazardous
    lanzhou = summary(who.city, CITY).json()
    assert lanzhou["partial"] is False and lanzhou["hazardous"] == count(
        demo_engine, HAZARDOUS_IN, u=sorted(who.lanzhou)
    )
    province = demo_api.get("/api/v1/map/summary").json()
    assert province["partial"] is False and province["scope"] == "全省"
    assert province["hazardous"] == count(
        demo_engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL"
    )

    with demo_engine.connect() as conn:
        town = conn.execute(text("SELECT code FROM division WHERE parent_code = :c ORDER BY code LIMIT 1"),
                            {"c": NEIGHBOUR}).scalar_one()  # fmt: skip
    for account, code in [(who.county, NEIGHBOUR), (who.county, OTHER_CITY), (who.county, town),
                          (who.leader, CITY), (who.city, "620502")]:  # fmt: skip
        r = summary(account, code)
        assert r.status_code == 403 and "hazardous" not in r.json(), code
    assert summary(who.county, "629900").status_code == 404


def test_unit_map_html_needs_the_unit_in_scope(demo_api, who):
    r = demo_api.get(f"/api/v1/units/{COUNTY}/map.html", headers=who.county.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for account, unit in [(who.county, NEIGHBOUR), (who.leader, COUNTY), (who.city, "620502")]:
        r = demo_api.get(f"/api/v1/units/{unit}/map.html", headers=account.headers)
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/json"), unit
    # Offices do not see draws: a draw's houses on the map need draws.read.
    r = demo_api.get(f"/api/v1/units/{COUNTY}/map.html", params={"draw": 1}, headers=who.county.headers)
    assert r.status_code == 403
    assert demo_api.get("/api/v1/units/629999/map.html", headers=who.county.headers).status_code == 404


def test_map_config_for_any_reader(demo_api, who):
    r = demo_api.get("/api/v1/map/config", headers=who.county.headers)
    assert r.status_code == 200 and r.json()["synthetic_frame"] is True
    assert r.json()["basemaps"] == [{"id": "none", "name": "无底图（行政区划）"}]
    paths = demo_api.get("/openapi.json").json()["paths"]
    assert "MapConfig" in str(paths["/api/v1/map/config"]["get"]["responses"]["200"])
    assert "KeyFigures" in str(paths["/api/v1/map/summary"]["get"]["responses"]["200"])
    assert MVT in paths["/api/v1/tiles/houses/{z}/{x}/{y}.pbf"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tiles/houses/99999999999999999999/0/0.pbf",
        "/api/v1/tiles/houses/6/99999999999999999999/0.pbf",
        "/api/v1/tiles/houses/6/0/-1.pbf",
        "/api/v1/tiles/houses/23/0/0.pbf",
        "/api/v1/units/620102/map.html?draw=99999999999999999999",
        "/api/v1/units/6201020000000/map.html",
        "/api/v1/map/summary?code=6201020000000",
        "/api/v1/map/divisions?level=county&parent=6201000000000",
    ],
)
def test_huge_numbers_and_long_codes_are_422(demo_api, path):
    assert demo_api.get(path).status_code == 422


def test_every_map_route_needs_a_login(demo_api):
    bogus = {"Authorization": "Bearer not-a-token"}
    for path in ("/api/v1/map/config", "/api/v1/tiles/houses/6/50/24.pbf", "/api/v1/map/divisions",
                 "/api/v1/map/summary", f"/api/v1/units/{COUNTY}/map.html"):  # fmt: skip
        assert demo_api.get(path, headers=bogus).status_code == 401, path
