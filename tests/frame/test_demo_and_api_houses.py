"""The synthetic demo frame in PostGIS, and the houses, sites, proximity and import API on top of it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from geo.synthetic import FrameSpec
from service.frame.demo import load_demo
from tests import filemakers as fm
from tests.conftest import DEMO_SPEC
from tests.dbcheck import count, digest

GEOJSON = "application/geo+json"
SPEC = DEMO_SPEC


def test_demo_frame_is_labelled_synthetic_everywhere(demo_engine, demo_template):
    report = demo_template[1]
    assert report.loaded and report.houses == SPEC.houses and report.townships == 1403
    assert count(demo_engine, "SELECT count(*) FROM house WHERE NOT synthetic") == 0
    assert count(demo_engine, "SELECT count(*) FROM hazard_record WHERE NOT synthetic") == 0
    assert count(demo_engine, "SELECT count(*) FROM sensitive_site WHERE NOT synthetic") == 0
    assert count(demo_engine, "SELECT count(*) FROM division WHERE level = 'township' AND NOT synthetic") == 0
    assert (
        count(demo_engine, "SELECT count(*) FROM dataset WHERE synthetic AND name = 'synthetic-demo-frame'")
        == 1
    )
    # Points lie in the township and county they are filed under.
    assert count(demo_engine, """
        SELECT count(*) FROM house h JOIN division t ON t.code = h.township_code
        WHERE NOT ST_Intersects(t.geom, h.geom) OR t.parent_code <> h.county_code""") == 0  # fmt: skip
    # History: every hazardous house has exactly one open record; closed ones point to their successor.
    assert count(demo_engine, "SELECT count(*) FROM (SELECT house_id FROM hazard_record WHERE closed_on IS NULL "
                              "GROUP BY house_id HAVING count(*) > 1) x") == 0  # fmt: skip
    assert (
        count(
            demo_engine,
            "SELECT count(*) FROM hazard_record WHERE closed_on IS NOT NULL AND superseded_by IS NULL",
        )
        == 0
    )
    assert count(demo_engine, "SELECT count(*) FROM house_proximity") > 0


def test_demo_load_is_idempotent_and_reproducible(demo_engine):
    before = digest(demo_engine)
    assert load_demo(demo_engine, SPEC).loaded is False
    assert digest(demo_engine) == before
    # Forcing the same seed regenerates identical content (ids aside).
    content = "SELECT md5(string_agg(survey_code || ST_AsText(geom) || use_class, ',' ORDER BY survey_code)) FROM house"
    first = count(demo_engine, content)
    assert load_demo(demo_engine, SPEC, force=True).loaded
    assert count(demo_engine, content) == first


def test_another_demo_replaces_synthetic_rows_and_keeps_real_ones(demo_engine, tmp_path):
    with demo_engine.connect() as conn:
        x, y = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM house ORDER BY id LIMIT 1")).one()
    fm.write_csv(
        tmp_path / "real.csv",
        [{"自建房排查编码": "REAL-1", "经度": x, "纬度": y, "房屋用途": "经营性自建房"}],
    )
    from service.frame.importing.fields import Kind
    from service.frame.importing.pipeline import import_file

    assert import_file(demo_engine, Kind.HOUSES, tmp_path / "real.csv", crs="EPSG:4490").committed
    report = load_demo(demo_engine, FrameSpec(seed=8, houses=2_000))
    assert report.loaded and report.houses == 2_000
    assert count(demo_engine, "SELECT count(*) FROM house WHERE synthetic") == 2_000
    assert (
        count(demo_engine, "SELECT count(*) FROM house WHERE survey_code = 'REAL-1' AND NOT synthetic") == 1
    )


def _fc(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(GEOJSON)
    return response.json()


def test_houses_pagination_and_filters(demo_api, demo_engine):
    api = demo_api
    first = _fc(api.get("/api/v1/houses", params={"limit": 100}))
    assert first["numberMatched"] == SPEC.houses and first["numberReturned"] == 100
    assert all(f["properties"]["synthetic"] for f in first["features"])
    second = _fc(api.get("/api/v1/houses", params={"limit": 100, "after_id": first["next_after_id"]}))
    assert {f["id"] for f in first["features"]}.isdisjoint(f["id"] for f in second["features"])

    hazardous = _fc(api.get("/api/v1/houses", params={"hazardous": "true", "limit": 5000}))
    expected = count(demo_engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL")
    assert hazardous["numberMatched"] == expected
    collapse = _fc(api.get("/api/v1/houses", params={"hazard_grade": "collapse_risk", "commercial": "true"}))
    assert all(f["properties"]["hazard_grade"] == "collapse_risk" and
               f["properties"]["use_class"] in ("commercial", "mixed") for f in collapse["features"])  # fmt: skip
    near = _fc(api.get("/api/v1/houses", params={"near": "school", "limit": 50}))
    assert near["numberMatched"] > 0 and all("school" in f["properties"]["near"] for f in near["features"])

    unit = _fc(api.get("/api/v1/houses", params={"unit": "620102", "limit": 5000}))
    assert unit["numberMatched"] == count(
        demo_engine, "SELECT count(*) FROM house WHERE county_code = '620102'"
    )
    township = unit["features"][0]["properties"]["township_code"]
    in_town = _fc(api.get("/api/v1/houses", params={"township": township, "limit": 5000}))
    assert all(f["properties"]["township_code"] == township for f in in_town["features"])

    x, y = unit["features"][0]["geometry"]["coordinates"]
    box = _fc(api.get("/api/v1/houses", params={"bbox": f"{x - 0.01},{y - 0.01},{x + 0.01},{y + 0.01}"}))
    assert 0 < box["numberMatched"] < SPEC.houses


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"bbox": "1,2,3"}, 422, "bbox"),
        ({"unit": "629999"}, 404, "629999"),
        ({"hazard_grade": "bad"}, 422, ""),
    ],
)
def test_houses_bad_parameters(demo_api, params, status, fragment):
    api = demo_api
    r = api.get("/api/v1/houses", params=params)
    assert r.status_code == status and fragment in r.text


def test_one_house_with_history_and_sites(demo_api, demo_engine):
    api = demo_api
    with demo_engine.connect() as conn:
        code = conn.execute(text(
            "SELECT h.survey_code FROM house h JOIN hazard_record r ON r.house_id = h.id "
            "JOIN house_proximity p ON p.house_id = h.id GROUP BY h.survey_code "
            "HAVING count(DISTINCT r.id) >= 1 ORDER BY h.survey_code LIMIT 1")).scalar_one()  # fmt: skip
    house = api.get(f"/api/v1/houses/{code}")
    assert house.status_code == 200 and house.headers["content-type"].startswith(GEOJSON)
    props = house.json()["properties"]
    assert props["survey_code"] == code and props["synthetic"] is True
    assert len(props["hazard_history"]) >= 1 and props["county_name"]
    assert props["near_sites"]
    sites = api.get(f"/api/v1/houses/{code}/sites").json()
    assert sites and all(s["distance_m"] <= s["radius_m"] for s in sites)
    assert api.get("/api/v1/houses/NO-SUCH-HOUSE").status_code == 404


def test_sites_and_houses_near_a_site(demo_api):
    api = demo_api
    schools = _fc(api.get("/api/v1/sites", params={"kind": "school", "unit": "620102"}))
    assert schools["features"] and all(f["properties"]["kind"] == "school" for f in schools["features"])
    busiest = max(schools["features"], key=lambda f: f["properties"]["houses_near"])
    near = _fc(api.get(f"/api/v1/sites/{busiest['id']}/houses"))
    assert near["radius_m"] == 200 and near["numberMatched"] >= busiest["properties"]["houses_near"]
    assert all(f["properties"]["distance_m"] <= 200 for f in near["features"])
    assert api.get("/api/v1/sites/999999999/houses").status_code == 404
    assert api.get("/api/v1/sites/radii").json() == {
        "college": 500,
        "school": 200,
        "kindergarten": 200,
        "hospital": 200,
    }


def test_proximity_counts_per_unit_and_city(demo_api, demo_engine):
    api = demo_api
    units = api.get("/api/v1/proximity/summary", params={"by": "unit"}).json()
    cities = api.get("/api/v1/proximity/summary", params={"by": "city"}).json()
    assert len(units) == 88 and len(cities) == 14
    assert sum(u["houses"] for u in units) == sum(c["houses"] for c in cities) == SPEC.houses
    near = count(demo_engine, "SELECT count(DISTINCT house_id) FROM house_proximity")
    assert sum(u["near_any"] for u in units) == near


def test_proximity_is_the_same_whichever_side_drives(demo_engine):
    """Sites finding their houses and houses finding their sites give the same nearest sites."""
    from service.frame.proximity import refresh_proximity

    pairs = "SELECT house_id, site_kind, site_id, distance_m FROM house_proximity"
    with demo_engine.begin() as conn:
        refresh_proximity(conn, from_sites=True)
        everything = set(conn.execute(text(pairs)).all())
        near = conn.execute(
            text("SELECT DISTINCT house_id FROM house_proximity ORDER BY 1 LIMIT 2000")
        ).scalars()
        ids = sorted(
            set(near) | set(conn.execute(text("SELECT id FROM house ORDER BY id LIMIT 1000")).scalars())
        )
        for from_sites in (False, True):
            conn.execute(text("DELETE FROM house_proximity WHERE house_id = ANY(:ids)"), {"ids": ids})
            refresh_proximity(conn, house_ids=ids, from_sites=from_sites)
            assert set(conn.execute(text(pairs)).all()) == everything
    assert len(everything) > 1000


def test_upload_endpoint(demo_api, demo_engine):
    api = demo_api
    with demo_engine.connect() as conn:
        x, y = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM house ORDER BY id LIMIT 1")).one()
    good = io.StringIO()
    good.write(f"自建房排查编码,经度,纬度,房屋用途\nUP-1,{x!r},{y!r},经营性自建房\n")
    r = api.post("/api/v1/imports/houses", files={"file": ("h.csv", good.getvalue().encode("gbk"), "text/csv")},
                 data={"crs": "EPSG:4490"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["committed"] and r.json()["inserted"] == 1 and r.json()["source"]["encoding"] == "gb18030"
    bad = "自建房排查编码,经度,纬度,房屋用途\nUP-2,116.4,39.9,经营性自建房\n"
    r = api.post(
        "/api/v1/imports/houses",
        files={"file": ("b.csv", bad.encode(), "text/csv")},
        data={"crs": "EPSG:4326"},
    )
    assert r.status_code == 422
    body = r.json()
    assert (
        body["committed"] is False
        and body["errors"][0]["code"] == "outside_gansu"
        and body["errors"][0]["row"] == 2
    )
    batches = api.get("/api/v1/imports").json()
    assert [b["filename"] for b in batches] == ["h.csv"]
    assert api.get(f"/api/v1/imports/{batches[0]['id']}").json()["rows"] == 1
