"""GET /api/v1/maps/inspections.geojson and GET /api/v1/field/progress on the demo spot check: classes, scope,
only published draws, CRS; progress per firm against the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.inspection_results import RESULT_CLASSES, result_class
from service.audit.trail import Actor
from tests.factories import make_account

URL = "/api/v1/maps/inspections.geojson"
PROGRESS = "/api/v1/field/progress"


def _inspected(engine, where: str = "true", **params) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(text(f"SELECT id FROM inspection i WHERE status IN ('submitted', 'approved') AND {where}"),
                                params).scalars())  # fmt: skip


def test_province_sees_every_inspected_house_coloured_by_result(spotcheck_api, spotcheck_engine):
    r = spotcheck_api.get(URL)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["crs_name"] == "EPSG:4490" and "CGCS2000" in fc["crs_note"]
    assert fc["synthetic"] is True and fc["draw_id"] == 1
    assert {f["id"] for f in fc["features"]} == _inspected(spotcheck_engine)  # no draft, no returned one
    assert [c["code"] for c in fc["classes"]] == list(RESULT_CLASSES)
    assert sum(c["count"] for c in fc["classes"]) == fc["total"] == len(fc["features"])
    assert all(c["label"] == RESULT_CLASSES[c["code"]][0] and c["colour"].startswith("#") for c in fc["classes"])
    counts = {c["code"]: c["count"] for c in fc["classes"]}
    assert counts["confirmed"] > fc["total"] / 2 and counts["record_wrong"] and counts["digital_only"]
    assert counts["collapse_controlled"] > 0
    with spotcheck_engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT id, summary, answers, team_id FROM inspection"))}
    for f in fc["features"]:
        p, row = f["properties"], rows[f["id"]]
        assert p["result"] == result_class(row.summary, bool(row.answers.get("control_measures")))
        assert p["result_label"] == RESULT_CLASSES[p["result"]][0] and p["survey_code"] and p["team_name"]
        assert p["status_label"] in ("已提交待审核", "审核通过") and dt.date.fromisoformat(p["inspected_on"])
        lon, lat = f["geometry"]["coordinates"]
        assert 92 < lon < 109 and 32 < lat < 43


@pytest.mark.parametrize(("role", "code"), [("city", "620100"), ("county", "620102"), ("leader", "620100")])
def test_offices_and_leaders_see_their_area_only(spotcheck_api, spotcheck_engine, role, code):
    who = make_account(spotcheck_engine, f"{role}-{code}", role, scope_code=code)
    fc = spotcheck_api.get(URL, headers=who.headers).json()
    with spotcheck_engine.connect() as conn:
        units = set(conn.execute(text("SELECT code FROM sampling_unit WHERE code = :c OR city_code = :c"), {"c": code}).scalars())
    assert fc["features"] and {f["properties"]["unit_code"] for f in fc["features"]} <= units
    assert {f["id"] for f in fc["features"]} == _inspected(spotcheck_engine, "unit_code = ANY(:u)", u=sorted(units))
    assert sum(c["count"] for c in fc["classes"]) == len(fc["features"])


def test_an_inspector_sees_their_teams_inspections_only(spotcheck_api, spotcheck_engine):
    with spotcheck_engine.begin() as conn:
        plan, team = conn.execute(text("SELECT f.plan_id, t.id FROM field_team t JOIN field_firm f ON f.id = t.firm_id "
                                       "WHERE t.name = '第一组一队'")).one()  # fmt: skip
    who = make_account(spotcheck_engine, "insp-map", "inspector", plan_id=plan, group="第一组")
    with spotcheck_engine.begin() as conn:
        conn.execute(text("INSERT INTO field_team_member (team_id, account_id) VALUES (:t, :a)"), {"t": team, "a": who.id})
    fc = spotcheck_api.get(URL, headers=who.headers).json()
    assert fc["features"] and {f["properties"]["team_name"] for f in fc["features"]} == {"第一组一队"}
    assert {f["id"] for f in fc["features"]} == _inspected(spotcheck_engine, "team_id = :t", t=team)


def test_only_published_draws_and_never_the_unvisited_sample(spotcheck_api, spotcheck_engine):
    from service.draws.service import run_county_draw

    with Session(spotcheck_engine) as session:
        drawer = session.execute(text("SELECT id FROM account WHERE username = 'demo-province'")).scalar()
        unpublished = run_county_draw(session, 1, "未发布", Actor(drawer, "测试")).id
        session.commit()
    for draw in (unpublished, 999):
        r = spotcheck_api.get(URL, params={"draw_id": draw})
        assert r.status_code == 404 and "已发布抽样" in r.json()["message"]
    county = make_account(spotcheck_engine, "county-leak", "county", scope_code="620102")
    fc = spotcheck_api.get(URL, headers=county.headers).json()
    with spotcheck_engine.connect() as conn:
        drawn = conn.execute(text("SELECT count(*) FROM draw_house WHERE draw_id = 1 AND unit_code = '620102'")).scalar()
    assert len(fc["features"]) < drawn and "drawn" not in fc  # visited houses only, no count of the sample
    assert spotcheck_api.get(URL, params={"draw_id": "x"}).status_code == 422
    one = spotcheck_api.get(URL, params={"unit": "620102"}).json()  # the coverage view's one unit
    assert one["features"] and {f["properties"]["unit_code"] for f in one["features"]} == {"620102"}
    assert sum(c["count"] for c in one["classes"]) == len(one["features"])
    assert spotcheck_api.get(URL, params={"unit": "62'; --"}).status_code == 422


def test_progress_of_every_firm_against_the_deadline(spotcheck_api, spotcheck_engine):
    r = spotcheck_api.get(PROGRESS)
    assert r.status_code == 200, r.text
    body = r.json()
    today = dt.date.fromisoformat(body["today"])
    firms = body["firms"]
    assert [f["group_name"] for f in firms] == ["第一组", "第二组", "第三组", "第四组"] and body["synthetic"]
    assert sum(f["drawn"] for f in firms) == 840
    assert sum(f["inspected"] for f in firms) == len(_inspected(spotcheck_engine))
    for f in firms:
        assert f["approved"] <= f["inspected"] <= f["drawn"]
        assert f["share"] == round(f["inspected"] / f["drawn"], 4)
        deadline, started = dt.date.fromisoformat(f["deadline"]), dt.date.fromisoformat(f["started"])
        assert deadline == dt.date(2026, 12, 15) and started >= dt.date(2026, 11, 1)
        assert f["days_left"] == (deadline - today).days
        expected = min(1, max(0, (today - started).days / (deadline - started).days))
        assert f["expected_share"] == pytest.approx(expected, abs=1e-4)
        assert f["status"] in ("on_track", "behind", "overdue", "done") and f["status_label"]


def test_progress_within_the_callers_scope(spotcheck_api, spotcheck_engine):
    for role, code in (("city", "620100"), ("county", "620102")):
        office = make_account(spotcheck_engine, f"p-{role}", role, scope_code=code)
        assert spotcheck_api.get(PROGRESS, headers=office.headers).status_code == 403
    leader = make_account(spotcheck_engine, "p-leader", "leader", scope_code="620100")
    firms = spotcheck_api.get(PROGRESS, headers=leader.headers).json()["firms"]
    with spotcheck_engine.connect() as conn:
        lanzhou = conn.execute(text("SELECT count(*) FROM draw_house d JOIN sampling_unit u ON u.code = d.unit_code "
                                    "WHERE d.draw_id = 1 AND d.role = 'sample' AND u.city_code = '620100'")).scalar()  # fmt: skip
    assert firms and sum(f["drawn"] for f in firms) == lanzhou
    firm = make_account(spotcheck_engine, "p-firm", "firm", plan_id=1, group="第二组")
    assert [f["group_name"] for f in spotcheck_api.get(PROGRESS, headers=firm.headers).json()["firms"]] == ["第二组"]


def test_a_house_at_risk_of_collapse_is_controlled_by_measures_recorded_after_the_visit(spotcheck_api, spotcheck_engine):
    """The maps and the review list read the control records too (geo.inspection_results.controlled): an
    inspection whose form holds no measure is "uncontrolled" until a measure is recorded on its case."""
    with spotcheck_engine.begin() as conn:
        iid, case = conn.execute(text(
            "SELECT i.id, c.id FROM inspection AS i JOIN control_case AS c ON c.inspection_id = i.id "
            "WHERE i.status = 'approved' ORDER BY i.id LIMIT 1")).one()  # fmt: skip
        conn.execute(text("UPDATE inspection SET answers = answers - 'control_measures' WHERE id = :i"), {"i": iid})
        conn.execute(text("DELETE FROM control_record WHERE case_id = :c"), {"c": case})

    def classes() -> tuple[str, str]:
        feature = next(f for f in spotcheck_api.get(URL).json()["features"] if f["id"] == iid)
        item = next(i for i in spotcheck_api.get("/api/v1/inspections", params={"limit": 1000}).json() if i["id"] == iid)
        return feature["properties"]["result"], item["result_class"]

    assert classes() == ("collapse_uncontrolled", "collapse_uncontrolled")
    with spotcheck_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO control_record (case_id, source, measures, taken_at, responsible, recorded_by_account_id) "
            "SELECT :c, 'site', ARRAY['seal_and_warn'], now(), '村委会', min(id) FROM account"), {"c": case})  # fmt: skip
    assert classes() == ("collapse_controlled", "collapse_controlled")
