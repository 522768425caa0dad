"""An inspector sees only the houses assigned to their team (and the units those houses lie in): lists, one
house, a draw's record, sample and export, tiles and map figures. An inspector in no team sees nothing; the
firm still sees every house of its group's units."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import mapbox_vector_tile
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from service.audit.trail import Actor
from service.draws.plans import PlanSpec, create_plan
from service.draws.service import publish, run_county_draw, run_house_draws
from tests.dbcheck import count
from tests.factories import make_account
from tests.frame.test_scope_frame import _fc
from tests.maps.test_scope_maps import _features, _tile, tile_of

OWN, SHARED_OTHER = "620102", "620103"  # 城关区 (both teams), 七里河区 (team B only)
GROUP = "第一组"
PLAN = {
    "name": "检查组范围测试",
    "year": 2025,
    "fixed_units": [OWN, SHARED_OTHER],
    "houses_per_unit": 10,
    "commercial_min": 2,
    "groups": [{"name": GROUP, "firm": "测试检测公司", "units": [OWN, SHARED_OTHER]}],
}


@pytest.fixture
def w(demo_engine):
    """A published draw of two units; team A holds six drawn houses of 城关区, team B the other four and all
    of 七里河区; inspectors of A, of B and of no team, and the firm."""
    actor = Actor(make_account(demo_engine, "drawer", "province").id, "测试抽样员（drawer）")
    with Session(demo_engine) as session:
        plan = create_plan(session, PlanSpec(**PLAN), source="test")
        # The first seed whose draw puts a house of 城关区 near one of its sites (the sites test needs one).
        for seed in ["检查组范围", *(f"检查组范围-{i}" for i in range(1, 60))]:
            attempt = session.begin_nested()
            draw = run_county_draw(session, plan.id, seed, actor)
            run_house_draws(session, draw.id, actor)
            if session.execute(text(
                "SELECT EXISTS (SELECT 1 FROM draw_house d JOIN house_proximity p ON p.house_id = d.house_id "
                "JOIN sensitive_site s ON s.id = p.site_id WHERE d.draw_id = :d AND d.role = 'sample' "
                "AND d.unit_code = :u AND s.county_code = :u)"), {"d": draw.id, "u": OWN}).scalar():  # fmt: skip
                attempt.commit()
                break
            attempt.rollback()
        publish(session, draw.id, actor)
        other = run_county_draw(session, plan.id, "另一次抽样", actor)  # no house of it is assigned
        session.commit()
        plan_id, draw_id, other_id = plan.id, draw.id, other.id
    accounts = {
        name: make_account(demo_engine, name, role, plan_id=plan_id, group=GROUP)
        for name, role in (("insp-a", "inspector"), ("insp-b", "inspector"), ("insp-none", "inspector"),
                           ("firm", "firm"))
    }  # fmt: skip
    with demo_engine.begin() as conn:
        firm = conn.execute(text(
            "INSERT INTO field_firm (plan_id, group_name, name) VALUES (:p, :g, '测试检测公司') "
            "ON CONFLICT (plan_id, group_name) DO UPDATE SET group_name = EXCLUDED.group_name RETURNING id"),
            {"p": plan_id, "g": GROUP}).scalar_one()  # fmt: skip
        teams = {
            name: conn.execute(text("INSERT INTO field_team (firm_id, name) VALUES (:f, :n) RETURNING id"),
                               {"f": firm, "n": f"{name}组"}).scalar_one()
            for name in ("A", "B")
        }  # fmt: skip
        for team, account in (("A", "insp-a"), ("B", "insp-b")):
            conn.execute(text("INSERT INTO field_team_member (team_id, account_id) VALUES (:t, :a)"),
                         {"t": teams[team], "a": accounts[account].id})  # fmt: skip
        drawn = conn.execute(text(
            "SELECT house_id, unit_code, position FROM draw_house WHERE draw_id = :d AND role = 'sample' "
            "ORDER BY unit_code, position"), {"d": draw_id}).all()  # fmt: skip
        # Team A: six drawn houses of its unit, the first of them near a site (whichever houses the draw picks).
        near = set(conn.execute(text(
            "SELECT p.house_id FROM house_proximity p JOIN sensitive_site s ON s.id = p.site_id "
            "WHERE p.house_id = ANY(:i) AND s.county_code = :u"), {"i": [h for h, _, _ in drawn], "u": OWN}).scalars())  # fmt: skip
        own = [h for h, unit, _ in drawn if unit == OWN]
        first_near = next(h for h in own if h in near)
        team_a = set([first_near, *[h for h in own if h != first_near][:5]])
        houses = {"A": [], "B": []}
        for house, unit, _ in drawn:
            team = "A" if house in team_a else "B"
            houses[team].append(house)
            conn.execute(text(
                "INSERT INTO field_assignment (draw_id, house_id, team_id, unit_code, source) "
                "VALUES (:d, :h, :t, :u, 'auto')"), {"d": draw_id, "h": house, "t": teams[team], "u": unit})  # fmt: skip
        codes = dict(conn.execute(text("SELECT id, survey_code FROM house WHERE id = ANY(:i)"),
                                  {"i": [h for h, _, _ in drawn]}).all())  # fmt: skip
    assert len(houses["A"]) == 6 and len(houses["B"]) == 14
    return SimpleNamespace(
        draw=draw_id, other=other_id, a=accounts["insp-a"], b=accounts["insp-b"], none=accounts["insp-none"],
        firm=accounts["firm"], houses={k: set(v) for k, v in houses.items()}, codes=codes, teams=teams,
    )  # fmt: skip


def _get(api, account, path, **params):
    r = api.get(path, params=params, headers=account.headers)
    assert r.status_code == 200, (path, r.text[:300])
    return r


def _ids(collection: dict) -> set[int]:
    return {f["properties"]["id"] for f in collection["features"]}


def test_the_scope_of_an_inspector_is_the_team(demo_api, w):
    me = _get(demo_api, w.a, "/api/v1/me").json()
    assert me["scope_units"] == [OWN] and me["scope_label"] == "检查组 A组" and not me["scope_all"]
    assert _get(demo_api, w.b, "/api/v1/me").json()["scope_units"] == [OWN, SHARED_OTHER]
    assert _get(demo_api, w.none, "/api/v1/me").json()["scope_units"] == []
    assert _get(demo_api, w.firm, "/api/v1/me").json()["scope_units"] == [OWN, SHARED_OTHER]


def test_house_lists_hold_only_the_teams_houses(demo_api, demo_engine, w):
    for account, team in ((w.a, "A"), (w.b, "B")):
        page = _fc(_get(demo_api, account, "/api/v1/houses", limit=5000))
        assert page["numberMatched"] == len(w.houses[team]) and _ids(page) == w.houses[team], team
        hazardous = _fc(_get(demo_api, account, "/api/v1/houses", hazardous="true"))
        assert _ids(hazardous) == w.houses[team]  # drawn houses are hazardous ones
        assert _fc(_get(demo_api, account, "/api/v1/houses", hazardous="false"))["numberMatched"] == 0
    assert _ids(_fc(_get(demo_api, w.a, "/api/v1/houses", unit=OWN))) == w.houses["A"]
    r = demo_api.get("/api/v1/houses", params={"unit": SHARED_OTHER}, headers=w.a.headers)
    assert r.status_code == 403 and "features" not in r.json()
    # No team, no house; the firm sees every house of its group's units.
    assert _fc(_get(demo_api, w.none, "/api/v1/houses"))["numberMatched"] == 0
    assert _fc(_get(demo_api, w.firm, "/api/v1/houses", limit=1))["numberMatched"] == count(
        demo_engine, "SELECT count(*) FROM house WHERE county_code = ANY(:u)", u=[OWN, SHARED_OTHER]
    )


def test_a_house_of_another_team_is_not_found(demo_api, demo_engine, w):
    mine = min(w.houses["A"])
    theirs = min(h for h in w.houses["B"] if count(demo_engine, "SELECT count(*) FROM house WHERE id = :h AND "
                                                   "county_code = :u", h=h, u=OWN))  # fmt: skip
    for key in (str(mine), w.codes[mine]):
        assert _get(demo_api, w.a, f"/api/v1/houses/{key}").json()["id"] == mine
        _get(demo_api, w.a, f"/api/v1/houses/{key}/sites")
    for key in (str(theirs), w.codes[theirs]):  # same unit, other team
        for path in (f"/api/v1/houses/{key}", f"/api/v1/houses/{key}/sites"):
            for account in (w.a, w.none):
                r = demo_api.get(path, headers=account.headers)
                assert r.status_code == 404 and r.json()["code"] == "not_found", (path, r.text)
            assert demo_api.get(path, headers=w.b.headers).status_code == 200
            assert demo_api.get(path, headers=w.firm.headers).status_code == 200


def test_sites_stay_visible_and_count_only_the_teams_houses(demo_api, demo_engine, w):
    sites = _get(demo_api, w.a, "/api/v1/sites", unit=OWN).json()["features"]
    assert len(sites) == count(demo_engine, "SELECT count(*) FROM sensitive_site WHERE county_code = :u", u=OWN)
    for site in sites:
        assert site["properties"]["houses_near"] == count(
            demo_engine, "SELECT count(*) FROM house_proximity WHERE site_id = :s AND house_id = ANY(:h)",
            s=site["id"], h=sorted(w.houses["A"]),
        )  # fmt: skip
    # Houses near a site: those of the team only (the firm's list, less the others').
    seen = 0
    for site in sites:
        everyone = _ids(_get(demo_api, w.firm, f"/api/v1/sites/{site['id']}/houses").json())
        team = _get(demo_api, w.a, f"/api/v1/sites/{site['id']}/houses").json()
        assert _ids(team) == everyone & w.houses["A"] and team["numberMatched"] == len(_ids(team))
        seen += len(_ids(team))
    assert seen  # some house of team A lies near a site of its unit


def test_draws_show_only_the_teams_houses(demo_api, w):
    listed = {d["id"] for d in _get(demo_api, w.a, "/api/v1/draws").json()}
    assert listed == {w.draw}  # the other draw holds no house of the team
    assert {d["id"] for d in _get(demo_api, w.firm, "/api/v1/draws").json()} == {w.draw, w.other}
    assert _get(demo_api, w.none, "/api/v1/draws").json() == []
    for account in (w.a, w.none):
        assert demo_api.get(f"/api/v1/draws/{w.other}", headers=account.headers).status_code == 404
    assert demo_api.get(f"/api/v1/draws/{w.draw}", headers=w.none.headers).status_code == 404

    record = _get(demo_api, w.a, f"/api/v1/draws/{w.draw}").json()
    assert [(u["unit_code"], u["houses_drawn"]) for u in record["units"]] == [(OWN, 6)]
    firm = _get(demo_api, w.firm, f"/api/v1/draws/{w.draw}").json()
    assert sorted((u["unit_code"], u["houses_drawn"]) for u in firm["units"]) == [(OWN, 10), (SHARED_OTHER, 10)]

    def exported(account) -> set[str]:
        body = _get(demo_api, account, f"/api/v1/draws/{w.draw}/export", format="csv").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        column = next(i for i, name in enumerate(rows[0]) if "编码" in name)
        return {row[column] for row in rows[1:]}

    assert exported(w.a) == {w.codes[h] for h in w.houses["A"]}
    assert exported(w.b) == {w.codes[h] for h in w.houses["B"]}
    firm_codes = exported(w.firm)
    assert {w.codes[h] for h in w.houses["A"] | w.houses["B"]} < firm_codes  # with the replacement lists

    unit = _get(demo_api, w.a, f"/api/v1/draws/{w.draw}/units/{OWN}/map").json()
    assert {f["properties"]["house_id"] for f in unit["frame"]["features"]} == w.houses["A"]
    assert sum(t["properties"]["sample_count"] for t in unit["townships"]["features"]) == 6
    assert sum(t["properties"]["frame_count"] for t in unit["townships"]["features"]) <= 6
    r = demo_api.get(f"/api/v1/draws/{w.draw}/units/{SHARED_OTHER}/map", headers=w.a.headers)
    assert r.status_code == 403


def test_the_unit_map_file_holds_only_the_teams_houses(demo_api, w):
    page = _get(demo_api, w.a, f"/api/v1/units/{OWN}/map.html", draw=w.draw).text
    assert all(w.codes[h] in page for h in w.houses["A"])
    assert not any(w.codes[h] in page for h in w.houses["B"])


def _point(engine, house: int) -> tuple[float, float]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM house WHERE id = :h"), {"h": house}).one()


def test_tiles_draw_and_count_only_the_teams_houses(demo_api, demo_engine, w):
    # Points: every tile around a house of team A holds only team A's houses; one of team B is not drawn.
    for house in w.houses["A"]:
        x, y = tile_of(*_point(demo_engine, house), 14)
        ids = {f["properties"]["id"] for f in _features(_tile(demo_api, 14, x, y, w.a)[1], "houses")}
        assert house in ids and ids <= w.houses["A"]
    for house in w.houses["B"]:
        x, y = tile_of(*_point(demo_engine, house), 14)
        ids = {f["properties"]["id"] for f in _features(_tile(demo_api, 14, x, y, w.a)[1], "houses")}
        assert house not in ids and ids <= w.houses["A"]
        assert house in {f["properties"]["id"] for f in _features(_tile(demo_api, 14, x, y, w.b)[1], "houses")}
    # Clusters: the counts add up to the team's houses, never to the unit's.
    for z in (7, 9):
        tiles = {tile_of(*_point(demo_engine, h), z) for h in w.houses["A"]}
        counted = [f["properties"]["count"] for x, y in tiles for f in _features(_tile(demo_api, z, x, y, w.a)[1],
                                                                                  "clusters")]  # fmt: skip
        assert sum(counted) == 6, z
        firm = sum(f["properties"]["count"] for x, y in tiles
                   for f in _features(_tile(demo_api, z, x, y, w.firm)[1], "clusters"))  # fmt: skip
        assert firm > 6, z
    # Same URL, two teams and the firm: three tiles (the cache is keyed by the team).
    x, y = tile_of(*_point(demo_engine, min(w.houses["A"])), 9)
    a, b, firm = (_tile(demo_api, 9, x, y, acc)[0] for acc in (w.a, w.b, w.firm))
    assert len({a, b, firm}) == 3 and _tile(demo_api, 9, x, y, w.a)[0] == a
    # No team: empty tiles.
    for z in (9, 14):
        x, y = tile_of(*_point(demo_engine, min(w.houses["A"])), z)
        layers = mapbox_vector_tile.decode(_tile(demo_api, z, x, y, w.none)[0])
        assert not _features(layers, "houses") and not _features(layers, "clusters")


def test_map_figures_count_only_the_teams_houses(demo_api, demo_engine, w):
    hazardous_a = len(w.houses["A"])
    school_a = count(
        demo_engine, "SELECT count(DISTINCT house_id) FROM house_proximity WHERE house_id = ANY(:h) "
        "AND site_kind IN ('college', 'school', 'kindergarten')", h=sorted(w.houses["A"]),
    )  # fmt: skip
    for code in (OWN, "620100", None):  # the unit, its city, the province (the map's first view)
        summary = _get(demo_api, w.a, "/api/v1/map/summary", **({"code": code} if code else {})).json()
        assert summary["houses"] == summary["hazardous"] == hazardous_a, code
        assert summary["near_school_hazardous"] == school_a and summary["partial"], code
        assert summary["scope"] == "检查组 A组"
    assert demo_api.get("/api/v1/map/summary", params={"code": SHARED_OTHER}, headers=w.a.headers).status_code == 403
    assert _get(demo_api, w.none, "/api/v1/map/summary").json()["houses"] == 0
    firm = _get(demo_api, w.firm, "/api/v1/map/summary", code=OWN).json()
    assert firm["houses"] == count(demo_engine, "SELECT count(*) FROM house WHERE county_code = :u", u=OWN)

    counties = _get(demo_api, w.a, "/api/v1/map/divisions", level="county", parent="620100").json()["features"]
    assert [(f["id"], f["properties"]["houses"], f["properties"]["hazardous"]) for f in counties] == [
        (OWN, hazardous_a, hazardous_a)
    ]
    towns = _get(demo_api, w.a, "/api/v1/map/divisions", level="township", parent=OWN).json()["features"]
    assert sum(f["properties"]["houses"] for f in towns) == hazardous_a
    cities = _get(demo_api, w.b, "/api/v1/map/divisions", level="city").json()["features"]
    assert [(f["id"], f["properties"]["houses"]) for f in cities] == [("620100", len(w.houses["B"]))]

    for by in ("unit", "city"):
        rows = _get(demo_api, w.a, "/api/v1/proximity/summary", by=by).json()
        assert [(r["code"], r["houses"], r["hazardous"]) for r in rows] == [
            (OWN if by == "unit" else "620100", hazardous_a, hazardous_a)
        ], by
    assert _get(demo_api, w.none, "/api/v1/proximity/summary").json() == []
    config = _get(demo_api, w.a, "/api/v1/map/config").json()
    assert config["synthetic_frame"] is True  # the team's houses are synthetic demo houses
    assert _get(demo_api, w.none, "/api/v1/map/config").json()["synthetic_frame"] is False
