"""Houses, sites and proximity answer within the caller's scope: a city office, a county office and the
leader of another city each see only their own area, and ids or codes outside it give nothing away."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from tests.dbcheck import count
from tests.factories import make_account

GEOJSON = "application/geo+json"
CITY, COUNTY, NEIGHBOUR, OTHER_CITY = "620100", "620102", "620103", "620500"  # 兰州, 城关区, 七里河区, 天水


@pytest.fixture
def who(demo_engine):
    """A city office (兰州), a county office (城关区), a leader of another city (天水) and their units."""
    with demo_engine.connect() as conn:
        units = {
            city: set(conn.execute(text("SELECT code FROM sampling_unit WHERE city_code = :c"), {"c": city}).scalars())
            for city in (CITY, OTHER_CITY)
        }  # fmt: skip
    return SimpleNamespace(
        city=make_account(demo_engine, "lanzhou", "city", scope_code=CITY),
        county=make_account(demo_engine, "chengguan", "county", scope_code=COUNTY),
        leader=make_account(demo_engine, "tianshui-leader", "leader", scope_code=OTHER_CITY),
        units={"city": units[CITY], "county": {COUNTY}, "leader": units[OTHER_CITY]},
    )


def _houses_in(engine, units) -> int:
    return count(engine, "SELECT count(*) FROM house WHERE county_code = ANY(:u)", u=sorted(units))


def _fc(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(GEOJSON)
    return response.json()


def test_house_lists_hold_only_the_scope(demo_api, demo_engine, who):
    for name in ("city", "county", "leader"):
        account, units = getattr(who, name), who.units[name]
        page = _fc(demo_api.get("/api/v1/houses", params={"limit": 5000}, headers=account.headers))
        assert page["features"], name
        assert page["numberMatched"] == _houses_in(demo_engine, units), name
        assert {f["properties"]["county_code"] for f in page["features"]} <= units, name
        hazardous = _fc(demo_api.get("/api/v1/houses", params={"hazardous": "true"}, headers=account.headers))
        assert hazardous["numberMatched"] == count(
            demo_engine,
            "SELECT count(*) FROM house h JOIN hazard_record r ON r.house_id = h.id AND r.closed_on IS NULL "
            "WHERE h.county_code = ANY(:u)",
            u=sorted(units),
        )
    # Paging through the county's houses never leaves the county.
    first = _fc(demo_api.get("/api/v1/houses", params={"limit": 100}, headers=who.county.headers))
    rest = _fc(demo_api.get("/api/v1/houses", params={"limit": 5000, "after_id": first["next_after_id"]},
                            headers=who.county.headers))  # fmt: skip
    assert first["numberReturned"] + rest["numberReturned"] == _houses_in(demo_engine, {COUNTY})
    assert {f["properties"]["county_code"] for f in rest["features"]} == {COUNTY}
    # The province still sees the whole frame.
    assert _fc(demo_api.get("/api/v1/houses", params={"limit": 1}))["numberMatched"] == count(
        demo_engine, "SELECT count(*) FROM house"
    )


def test_explicit_units_and_townships_outside_the_scope_are_refused(demo_api, demo_engine, who):
    with demo_engine.connect() as conn:
        town = conn.execute(text("SELECT code FROM division WHERE parent_code = :c ORDER BY code LIMIT 1"),
                            {"c": NEIGHBOUR}).scalar_one()  # fmt: skip
    for account, params in [
        (who.county, {"unit": NEIGHBOUR}),
        (who.county, {"township": town}),
        (who.city, {"unit": "620502"}),
        (who.leader, {"unit": COUNTY}),
    ]:
        r = demo_api.get("/api/v1/houses", params=params, headers=account.headers)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", (params, r.text)
        assert "features" not in r.json()
    assert (
        demo_api.get("/api/v1/sites", params={"unit": NEIGHBOUR}, headers=who.county.headers).status_code
        == 403
    )
    # In scope, the same filters answer; an unknown code is still a 404.
    own = _fc(
        demo_api.get("/api/v1/houses", params={"unit": NEIGHBOUR, "limit": 1}, headers=who.city.headers)
    )
    assert own["numberMatched"] == _houses_in(demo_engine, {NEIGHBOUR})
    assert (
        demo_api.get("/api/v1/houses", params={"unit": "629999"}, headers=who.county.headers).status_code
        == 404
    )


def test_a_house_outside_the_scope_is_not_found(demo_api, demo_engine, who):
    with demo_engine.connect() as conn:
        house_id, code = conn.execute(text(
            "SELECT h.id, h.survey_code FROM house h JOIN house_proximity p ON p.house_id = h.id "
            "WHERE h.county_code = :c ORDER BY h.id LIMIT 1"), {"c": NEIGHBOUR}).one()  # fmt: skip
    for key in (str(house_id), code):
        for path in (f"/api/v1/houses/{key}", f"/api/v1/houses/{key}/sites"):
            r = demo_api.get(path, headers=who.county.headers)
            assert r.status_code == 404 and r.json()["code"] == "not_found", (path, r.text)
            assert set(r.json()) <= {"code", "message", "message_en", "request_id"}
            assert demo_api.get(path, headers=who.leader.headers).status_code == 404
            assert demo_api.get(path, headers=who.city.headers).status_code == 200  # 七里河 is in 兰州
    # An unknown house answers exactly as one outside the scope does: existence is not revealed.
    hidden = demo_api.get(f"/api/v1/houses/{code}", headers=who.county.headers).json()
    unknown = demo_api.get("/api/v1/houses/NO-SUCH-HOUSE", headers=who.county.headers).json()
    assert hidden["code"] == unknown["code"] == "not_found"


def test_one_house_in_scope_names_only_sites_in_scope(demo_api, demo_engine, who):
    """A house of 城关区 beside a school of 七里河区: the house is near a school, but the county office is not
    shown that school (it lies outside its scope); the city office is."""
    from service.frame.proximity import refresh_proximity

    with demo_engine.begin() as conn:
        house_id, code = conn.execute(text(
            "SELECT h.id, h.survey_code FROM house h JOIN house_proximity p ON p.house_id = h.id "
            "WHERE h.county_code = :c ORDER BY h.id LIMIT 1"), {"c": COUNTY}).one()  # fmt: skip
        planted = conn.execute(text(
            "INSERT INTO sensitive_site (kind, name, county_code, geom, synthetic) "
            "SELECT 'school', '邻县测试学校', :n, ST_Translate(geom, 0.0002, 0), true FROM house WHERE id = :h "
            "RETURNING id"), {"n": NEIGHBOUR, "h": house_id}).scalar_one()  # fmt: skip
        refresh_proximity(conn, {"college": 500, "school": 200, "kindergarten": 200, "hospital": 200},
                          house_ids=[house_id])  # fmt: skip
    everything = demo_api.get(f"/api/v1/houses/{code}/sites").json()
    assert planted in {s["id"] for s in everything}  # the province sees the neighbour's school

    house = _fc(demo_api.get(f"/api/v1/houses/{code}", headers=who.county.headers))["properties"]
    assert house["survey_code"] == code and house["county_code"] == COUNTY
    assert planted not in {s["site_id"] for s in house["near_sites"]}
    sites = demo_api.get(f"/api/v1/houses/{code}/sites", headers=who.county.headers)
    assert sites.status_code == 200 and sites.headers["content-type"] == "application/json"
    assert sites.json() and all(
        s["county_code"] == COUNTY and s["distance_m"] <= s["radius_m"] for s in sites.json()
    )
    assert [s for s in everything if s["county_code"] == COUNTY] == sites.json()
    # The house's own proximity stays: it is listed as near a school.
    near = _fc(demo_api.get("/api/v1/houses", params={"unit": COUNTY, "near": "school", "limit": 5000},
                            headers=who.county.headers))  # fmt: skip
    assert code in {f["properties"]["survey_code"] for f in near["features"]}
    city = _fc(demo_api.get(f"/api/v1/houses/{code}", headers=who.city.headers))["properties"]
    assert planted in {s["site_id"] for s in city["near_sites"]}


def test_sites_and_their_houses_within_the_scope(demo_api, demo_engine, who):
    sites = _fc(demo_api.get("/api/v1/sites", headers=who.county.headers))["features"]
    assert sites and {s["properties"]["county_code"] for s in sites} == {COUNTY}
    assert len(sites) == count(
        demo_engine, "SELECT count(*) FROM sensitive_site WHERE county_code = :c", c=COUNTY
    )
    # houses_near counts the county's houses only.
    busiest = max(sites, key=lambda s: s["properties"]["houses_near"])
    assert busiest["properties"]["houses_near"] == count(
        demo_engine,
        "SELECT count(*) FROM house_proximity p JOIN house h ON h.id = p.house_id "
        "WHERE p.site_id = :s AND h.county_code = :c",
        s=busiest["id"],
        c=COUNTY,
    )
    near = _fc(demo_api.get(f"/api/v1/sites/{busiest['id']}/houses", headers=who.county.headers))
    assert near["features"]
    with demo_engine.connect() as conn:
        counties = set(conn.execute(text("SELECT DISTINCT county_code FROM house WHERE id = ANY(:i)"),
                                    {"i": [f["id"] for f in near["features"]]}).scalars())  # fmt: skip
    assert counties == {COUNTY}

    leader_sites = _fc(demo_api.get("/api/v1/sites", headers=who.leader.headers))["features"]
    assert leader_sites and {s["properties"]["county_code"] for s in leader_sites} <= who.units["leader"]
    # A site outside the scope: not found, whoever asks from outside.
    for account in (who.leader, who.county):
        foreign = busiest["id"] if account is who.leader else leader_sites[0]["id"]
        r = demo_api.get(f"/api/v1/sites/{foreign}/houses", headers=account.headers)
        assert r.status_code == 404 and "features" not in r.json()
    r = demo_api.get("/api/v1/sites/radii", headers=who.county.headers)
    assert r.status_code == 200 and set(r.json()) == {"college", "school", "kindergarten", "hospital"}


def test_proximity_summary_counts_the_scope_only(demo_api, demo_engine, who):
    units = demo_api.get(
        "/api/v1/proximity/summary", params={"by": "unit"}, headers=who.county.headers
    ).json()
    assert [u["code"] for u in units] == [COUNTY]
    assert units[0]["houses"] == _houses_in(demo_engine, {COUNTY})
    # The county office's city row holds its county's figures, never its neighbours'.
    cities = demo_api.get(
        "/api/v1/proximity/summary", params={"by": "city"}, headers=who.county.headers
    ).json()
    assert [c["code"] for c in cities] == [CITY]
    assert {k: v for k, v in cities[0].items() if k not in ("code", "name")} == {
        k: v for k, v in units[0].items() if k not in ("code", "name")
    }
    city = demo_api.get("/api/v1/proximity/summary", params={"by": "city"}, headers=who.city.headers).json()
    assert [c["code"] for c in city] == [CITY] and city[0]["houses"] == _houses_in(
        demo_engine, who.units["city"]
    )
    leader = demo_api.get("/api/v1/proximity/summary", headers=who.leader.headers).json()
    assert leader and {u["code"] for u in leader} <= who.units["leader"]
    assert {"hazardous_near_hospital", "near_hospital"} <= set(units[0])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites/99999999999999999999999/houses",
        "/api/v1/sites/0/houses",
        f"/api/v1/sites/{2**63}/houses",
        "/api/v1/houses?after_id=18446744073709551616",
        "/api/v1/houses?unit=6201020000000",
        "/api/v1/sites?unit=6201020000000",
        "/api/v1/houses/" + "1" * 65,
    ],
)
def test_huge_ids_and_long_codes_are_422(demo_api, path):
    r = demo_api.get(path)
    assert r.status_code == 422, r.text


def test_every_frame_route_needs_a_login(demo_api):
    bogus = {"Authorization": "Bearer not-a-token"}
    for path in ("/api/v1/houses", "/api/v1/houses/1", "/api/v1/houses/1/sites", "/api/v1/proximity/summary",
                 "/api/v1/sites", "/api/v1/sites/radii", "/api/v1/sites/1/houses"):  # fmt: skip
        assert demo_api.get(path, headers=bogus).status_code == 401, path


def test_response_models_are_documented(demo_api):
    paths = demo_api.get("/openapi.json").json()["paths"]
    for path, model in [
        ("/api/v1/houses/{key}/sites", "SiteNearHouse"),
        ("/api/v1/proximity/summary", "ProximityRow"),
        ("/api/v1/sites/radii", "Radii"),
    ]:
        assert model in str(paths[path]["get"]["responses"]["200"]), path
    for path in ("/api/v1/houses", "/api/v1/houses/{key}", "/api/v1/sites", "/api/v1/sites/{site_id}/houses"):
        assert GEOJSON in paths[path]["get"]["responses"]["200"]["content"], path
