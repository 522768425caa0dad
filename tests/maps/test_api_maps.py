"""The map endpoints on the demo frame: vector tiles, choropleth figures, key figures, draw maps."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from tests.dbcheck import count

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_config_is_offline_by_default(demo_api):
    cfg = demo_api.get("/api/v1/map/config").json()
    assert [b["id"] for b in cfg["basemaps"]] == ["none"]
    assert cfg["synthetic_frame"] is True and cfg["house_tiles"].startswith("/api/v1/tiles/")


def test_house_tiles_points_and_clusters(demo_api, demo_engine):
    with demo_engine.connect() as conn:
        lon, lat, _ = conn.execute(text(
            "SELECT ST_X(h.geom), ST_Y(h.geom), h.survey_code FROM house h JOIN hazard_record r ON r.house_id = h.id "
            "AND r.closed_on IS NULL ORDER BY h.id LIMIT 1")).one()  # fmt: skip
    x, y = tile_of(lon, lat, 14)
    r = demo_api.get(f"/api/v1/tiles/houses/14/{x}/{y}.pbf")
    assert r.status_code == 200 and r.headers["content-type"] == MVT
    layers = mapbox_vector_tile.decode(r.content)
    houses = layers["houses"]["features"]
    assert houses and {"id", "rs", "hg", "c", "n", "s"} <= set(houses[0]["properties"])
    assert all(f["properties"]["s"] for f in houses)  # the demo frame is synthetic, and says so

    done = mapbox_vector_tile.decode(demo_api.get(f"/api/v1/tiles/houses/14/{x}/{y}.pbf",
                                                  params={"rectification_status": "done"}).content)  # fmt: skip
    assert all(f["properties"]["rs"] == "done" for f in done.get("houses", {}).get("features", []))

    x6, y6 = tile_of(lon, lat, 6)
    clusters = mapbox_vector_tile.decode(demo_api.get(f"/api/v1/tiles/houses/6/{x6}/{y6}.pbf").content)[
        "clusters"
    ]
    total = sum(f["properties"]["count"] for f in clusters["features"])
    assert 0 < total <= count(demo_engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL")
    assert "houses" not in mapbox_vector_tile.decode(
        demo_api.get(f"/api/v1/tiles/houses/6/{x6}/{y6}.pbf").content
    )
    assert demo_api.get("/api/v1/tiles/houses/3/99/0.pbf").status_code == 422


def test_choropleth_figures_add_up(demo_api, demo_engine):
    cities = demo_api.get("/api/v1/map/divisions", params={"level": "city"})
    assert cities.status_code == 200 and cities.headers["content-type"].startswith(GEOJSON)
    features = cities.json()["features"]
    assert len(features) == 14
    hazardous = count(demo_engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL")
    assert sum(f["properties"]["hazardous"] for f in features) == hazardous
    lanzhou = next(f for f in features if f["id"] == "620100")["properties"]
    counties = demo_api.get("/api/v1/map/divisions", params={"level": "county", "parent": "620100"}).json()[
        "features"
    ]
    assert len(counties) == 9 and sum(c["properties"]["hazardous"] for c in counties) == lanzhou["hazardous"]
    towns = demo_api.get("/api/v1/map/divisions", params={"level": "township", "parent": "620102"}).json()[
        "features"
    ]
    chengguan = next(c for c in counties if c["id"] == "620102")["properties"]
    assert towns and sum(t["properties"]["hazardous"] for t in towns) == chengguan["hazardous"]
    assert all(t["properties"]["synthetic"] for t in towns)
    assert 0 <= lanzhou["rectified_share"] <= 1


def test_key_figures(demo_api, demo_engine):
    province = demo_api.get("/api/v1/map/summary").json()
    assert province["code"] == "620000" and province["synthetic"] is True
    assert province["hazardous"] == count(
        demo_engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL"
    )
    assert province["pending"] + province["in_progress"] + province["done"] == province["hazardous"]
    county = demo_api.get("/api/v1/map/summary", params={"code": "620102"}).json()
    assert county["level"] == "county" and county["houses"] == count(
        demo_engine, "SELECT count(*) FROM house WHERE county_code = '620102'"
    )


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"level": "county"}, 422),
        ({"level": "county", "parent": "629900"}, 404),
        ({"level": "township", "parent": "620100"}, 404),
    ],
)
def test_bad_division_requests(demo_api, params, status):
    assert demo_api.get("/api/v1/map/divisions", params=params).status_code == status


def test_draw_unit_map(demo_api):
    plan = demo_api.post("/api/v1/plans/presets/gansu-2024").json()
    draw = demo_api.post("/api/v1/draws", json={"plan_id": plan["id"], "seed": "map test"}).json()
    demo_api.post(f"/api/v1/draws/{draw['id']}/houses", json={})
    listed = demo_api.get("/api/v1/draws").json()
    assert listed[0]["id"] == draw["id"] and listed[0]["plan_name"] == plan["name"]
    unit = demo_api.get(f"/api/v1/draws/{draw['id']}/units/620102/map").json()
    roles = [f["properties"]["role"] for f in unit["frame"]["features"]]
    assert roles.count("sample") == 20 and "replacement" in roles and "frame" in roles
    covered = [t["properties"] for t in unit["townships"]["features"] if t["properties"]["covered"]]
    assert covered and sum(t["sample_count"] for t in covered) == 20
    assert demo_api.get(f"/api/v1/draws/{draw['id']}/units/620103/map").status_code == 404


def test_tile_cache_follows_the_data(demo_api, demo_engine, tmp_path):
    """A cached tile is served until the map data changes; an import changes it."""
    from service.frame.importing.fields import Kind
    from service.frame.importing.pipeline import import_file
    from tests import filemakers as fm

    with demo_engine.connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM house ORDER BY id LIMIT 1")).one()
    x, y = tile_of(lon, lat, 16)
    url = f"/api/v1/tiles/houses/16/{x}/{y}.pbf"

    def ids() -> set[int]:
        layers = mapbox_vector_tile.decode(demo_api.get(url).content)
        return {f["properties"]["id"] for f in layers.get("houses", {"features": []})["features"]}

    before = ids()
    assert ids() == before  # served again (from the cache)
    fm.write_csv(tmp_path / "h.csv", [{"自建房排查编码": "CACHE-1", "经度": lon, "纬度": lat, "房屋用途": "经营性自建房",
                                       "隐患初判": "存在严重安全隐患", "隐患等级": "存在倒塌风险", "整治状态": "待整治"}])  # fmt: skip
    assert import_file(demo_engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490").committed
    after = ids()
    assert len(after) == len(before) + 1
