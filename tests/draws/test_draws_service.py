"""Plans and draws on PostGIS: the notice's preset, a county draw, house draws, publication, verification,
replacements and exports, through the service and through the API."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.audit.trail import Actor
from service.core.errors import Conflict, InvalidInput
from service.draws import export as draw_export
from service.draws.plans import PlanSpec, create_plan, preset
from service.draws.replacements import use_replacement
from service.draws.service import publish, run_county_draw, run_house_draws, verify
from tests.factories import make_account

SEED = "2024-10-21 福利彩票双色球 2024123期 03 07 12 18 25 31 + 09"


@pytest.fixture
def session(demo_engine):
    with Session(demo_engine) as s:
        yield s


def _actor(engine, username: str, name: str) -> Actor:
    return Actor(make_account(engine, username, "province", name=name).id, f"{name}（{username}）")


@pytest.fixture
def tester(demo_engine) -> Actor:
    return _actor(demo_engine, "tester", "测试员")


@pytest.fixture
def zhang(demo_engine) -> Actor:
    return _actor(demo_engine, "zhang", "张三")


@pytest.fixture
def li(demo_engine) -> Actor:
    return _actor(demo_engine, "li", "李四")


def drawn(session, actor: Actor, spec: PlanSpec | None = None, seed: str = SEED):
    plan = create_plan(session, spec or PlanSpec(name="测试方案", year=2025), source="test")
    draw = run_county_draw(session, plan.id, seed, actor)
    run_house_draws(session, draw.id, actor)
    session.commit()
    return draw


def test_preset_is_the_notice_appendix(session, tester):
    spec = preset("gansu-2024")
    assert len(spec.fixed_units) == 42 and len(spec.groups) == 4
    assert [g.firm for g in spec.groups][0] == "兰州有色冶金设计研究院有限公司"
    plan = create_plan(session, spec, source="preset:gansu-2024")
    draw = run_county_draw(session, plan.id, SEED, tester)
    units = session.execute(
        text("SELECT u.unit_code, d.name, u.reason, u.group_name FROM draw_unit u JOIN division d ON d.code = u.unit_code "
             "WHERE draw_id = :d"), {"d": draw.id}
    ).all()  # fmt: skip
    assert len(units) == 42 and {u.reason for u in units} == {"fixed"}
    names = {u.name: u.group_name for u in units}
    assert names["城关区"] == "第一组" and names["兰州新区"] == "第一组" and names["嘉峪关市"] == "第三组"
    assert names["夏河县"] == "第四组" and names["安宁区"] == "第二组"


def test_county_draw_follows_the_rules_and_reproduces(session, tester):
    plan = create_plan(session, PlanSpec(name="全省抽样", year=2025), source="test")
    first = run_county_draw(session, plan.id, SEED, tester)
    again = run_county_draw(session, plan.id, SEED, tester)
    other = run_county_draw(session, plan.id, SEED + "x", tester)
    q = text("SELECT unit_code, reason FROM draw_unit WHERE draw_id = :d ORDER BY unit_code")
    a, b, c = (session.execute(q, {"d": d.id}).all() for d in (first, again, other))
    assert a == b and a != c
    assert len(a) == 42
    reasons = dict(a)
    assert (
        reasons["620102"] == "seat"
        and reasons["620171"] == "stands_alone"
        and reasons["620201"] == "stands_alone"
    )
    assert reasons["620302"] == "seat" and reasons["620321"] == "all"  # 金昌 has two units: both in
    lanzhou = [u for u, _ in a if u.startswith("6201") and u != "620171"]
    assert len(lanzhou) == 5


def test_house_draws_record_frame_sample_and_replacements(session, tester):
    draw = drawn(session, tester)
    assert draw.status == "houses_drawn" and len(draw.frame_digest) == 64 and draw.frame_size > 0
    units = session.execute(
        text("SELECT unit_code, houses_requested, commercial_min, commercial_drawn, frame_size, shortfalls FROM draw_unit "
             "WHERE draw_id = :d"), {"d": draw.id}
    ).all()  # fmt: skip
    for u in units:
        sample = session.execute(
            text("SELECT house_id, commercial FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'sample'"),
            {"d": draw.id, "u": u.unit_code},
        ).all()  # fmt: skip
        assert len(sample) == min(u.houses_requested, u.frame_size)
        commercial = sum(c for _, c in sample)
        assert commercial == u.commercial_drawn
        if commercial < u.commercial_min:
            assert any(s["kind"] == "commercial" for s in u.shortfalls)
    duplicates = session.execute(
        text("SELECT count(*) - count(DISTINCT house_id) FROM draw_house WHERE draw_id = :d"), {"d": draw.id}
    ).scalar_one()
    assert duplicates == 0
    # Every drawn house is a hazardous house of its unit in the recorded frame.
    stray = session.execute(
        text("SELECT count(*) FROM draw_house h LEFT JOIN draw_frame f ON f.draw_id = h.draw_id AND f.house_id = h.house_id "
             "AND f.unit_code = h.unit_code WHERE h.draw_id = :d AND f.house_id IS NULL"), {"d": draw.id}
    ).scalar_one()  # fmt: skip
    assert stray == 0


def test_verify_proves_identity_and_catches_tampering(session, tester):
    draw = drawn(session, tester)
    assert verify(session, draw.id, tester).identical
    session.execute(
        text("UPDATE draw_house SET house_id = house_id + 1000000 WHERE draw_id = :d AND role = 'sample' AND position = 1 "
             "AND unit_code = (SELECT min(unit_code) FROM draw_unit WHERE draw_id = :d)"), {"d": draw.id}
    )  # fmt: skip
    result = verify(session, draw.id, tester)
    assert not result.identical and result.checks["houses"] is False and result.checks["frame_digest"] is True
    session.rollback()
    session.execute(text("UPDATE draw_frame SET lon = lon + 0.001 WHERE draw_id = :d AND house_id = "
                         "(SELECT min(house_id) FROM draw_frame WHERE draw_id = :d)"), {"d": draw.id})  # fmt: skip
    assert verify(session, draw.id, tester).checks["frame_digest"] is False


def test_published_draw_cannot_change_and_events_are_append_only(session, demo_engine, tester):
    draw = drawn(session, tester)
    publish(session, draw.id, tester)
    session.commit()
    assert verify(session, draw.id, tester).identical
    session.commit()
    for statement in (
        "UPDATE draw_house SET position = position WHERE draw_id = :d",
        "DELETE FROM draw_unit WHERE draw_id = :d",
        "UPDATE draw SET seed = 'changed' WHERE id = :d",
        "DELETE FROM draw_frame WHERE draw_id = :d",
        "UPDATE draw_event SET actor = 'x' WHERE draw_id = :d",
    ):
        with pytest.raises(DBAPIError, match="published|append-only"), demo_engine.begin() as conn:
            conn.execute(text(statement), {"d": draw.id})
    with pytest.raises(Conflict):
        publish(session, draw.id, tester)


def test_replacements_follow_the_list_and_are_logged(session, tester, zhang, li):
    draw = drawn(session, tester)
    publish(session, draw.id, tester)
    session.commit()
    house, stratum, unit = session.execute(
        text("SELECT house_id, stratum, unit_code FROM draw_house WHERE draw_id = :d AND role = 'sample' ORDER BY unit_code, "
             "position LIMIT 1"), {"d": draw.id}
    ).one()  # fmt: skip
    taken = use_replacement(session, draw.id, house, "demolished", zhang, "房屋已拆除")
    first = taken.replacement_house_id
    session.commit()
    expected = session.execute(
        text("SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'replacement' AND stratum = :s "
             "ORDER BY position LIMIT 1"), {"d": draw.id, "u": unit, "s": stratum}
    ).scalar()  # fmt: skip
    if expected is not None:
        assert first == expected
    codes = dict(session.execute(text("SELECT id, survey_code FROM house WHERE id IN (:a, :b)"),
                                 {"a": house, "b": first}).all())  # fmt: skip
    assert (taken.survey_code, taken.replacement_survey_code) == (codes[house], codes[first])
    event = session.execute(
        text("SELECT actor, account_id, reason, note, at FROM draw_event WHERE draw_id = :d AND kind = 'replacement_used'"),
        {"d": draw.id},
    ).one()  # fmt: skip
    assert (event.actor, event.account_id) == (zhang.label, zhang.account_id)
    assert event.reason == "demolished" and event.at is not None
    with pytest.raises(Conflict, match="replaced"):
        use_replacement(session, draw.id, house, "locked", li)
    second = use_replacement(session, draw.id, first, "refused", li).replacement_house_id  # the replacement itself may fail too
    assert second not in (house, first)
    with pytest.raises(InvalidInput):
        use_replacement(session, draw.id, second, "bogus", li)
    assert verify(session, draw.id, tester).identical  # events do not change the draw

    # The export says which sample each used replacement stands in for, and why.
    code = dict(session.execute(text("SELECT id, survey_code FROM house WHERE id IN (:a, :b, :c)"),
                                {"a": house, "b": first, "c": second}).all())  # fmt: skip
    table = draw_export.draw_table(session, draw.id).set_index("survey_code")
    assert tuple(table.loc[code[house], ["replaced_by", "replaced_reason"]]) == (code[first], "demolished")
    assert tuple(table.loc[code[first], ["replaces", "replaced_by", "replaced_reason"]]) == (
        code[house], code[second], "refused")  # fmt: skip
    assert table.loc[code[second], "replaces"] == code[first]
    assert table["replaces"].notna().sum() == 2
    csv = draw_export.to_csv(session, draw.id).decode("utf-8-sig")
    assert "已被替换为,被替换原因,替换的样本" in csv.splitlines()[0] and "已拆除" in csv and "拒绝入户" in csv


def test_a_commercial_house_past_its_strata_replacements(session, tester, zhang):
    """Once its stratum's replacements are used up, a commercial house still gets one by the rule (or a
    clear refusal), never an internal error."""
    draw = drawn(session, tester)
    house, unit, stratum = session.execute(
        text("SELECT house_id, unit_code, stratum FROM draw_house WHERE draw_id = :d AND role = 'sample' AND commercial "
             "ORDER BY unit_code, position LIMIT 1"), {"d": draw.id}
    ).one()  # fmt: skip
    in_stratum = session.execute(
        text("SELECT count(*) FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'replacement' "
             "AND stratum = :s"), {"d": draw.id, "u": unit, "s": stratum}
    ).scalar_one()  # fmt: skip
    current = house
    for _ in range(in_stratum):
        current = use_replacement(session, draw.id, current, "locked", zhang).replacement_house_id
    try:
        beyond = use_replacement(session, draw.id, current, "locked", zhang).replacement_house_id
    except InvalidInput:
        return  # none the rule allows is left: said plainly
    row = session.execute(
        text("SELECT stratum, township_code FROM draw_house WHERE draw_id = :d AND house_id = :h"),
        {"d": draw.id, "h": beyond},
    ).one()
    assert row.stratum != stratum


def test_exports(session, tester):
    draw = drawn(session, tester, preset("gansu-2024"))
    book = load_workbook(io.BytesIO(draw_export.to_xlsx(session, draw.id)))
    sheet = book["抽样房屋"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["组别", "第三方机构", "市州", "县区"] and "自建房排查编码" in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = session.execute(
        text("SELECT count(*) FROM draw_house WHERE draw_id = :d"), {"d": draw.id}
    ).scalar_one()
    assert len(rows) == total
    assert {r[header.index("类别")] for r in rows} == {"样本", "备选"}
    assert book["抽样记录"]["B3"].value == draw.seed
    assert book["抽样记录"]["B8"].value == "已抽取房屋"
    csv = draw_export.to_csv(session, draw.id).decode("utf-8-sig")
    assert csv.startswith("组别,第三方机构,市州,县区") and len(csv.splitlines()) == total + 1
    geo = json.loads(draw_export.to_geojson(session, draw.id))
    assert len(geo["features"]) == total and geo["features"][0]["geometry"]["type"] == "Point"


def test_api_flow(demo_api):
    plan = demo_api.post("/api/v1/plans/presets/gansu-2024")
    assert plan.status_code == 201 and len(plan.json()["spec"]["fixed_units"]) == 42
    draw = demo_api.post("/api/v1/draws", json={"plan_id": plan.json()["id"], "seed": SEED})
    assert draw.status_code == 201 and len(draw.json()["units"]) == 42
    draw_id = draw.json()["id"]
    assert demo_api.post(f"/api/v1/draws/{draw_id}/houses").json()["status"] == "houses_drawn"
    assert demo_api.post(f"/api/v1/draws/{draw_id}/publish").json()["status"] == "published"
    assert demo_api.post(f"/api/v1/draws/{draw_id}/publish").status_code == 409  # once only
    verified = demo_api.post(f"/api/v1/draws/{draw_id}/verify")
    assert verified.json()["identical"] is True and verified.json()["checks"]["plan_digest"] is True
    export = demo_api.get(f"/api/v1/draws/{draw_id}/export", params={"format": "csv"})
    assert export.status_code == 200 and export.content.decode("utf-8-sig").startswith("组别")
    summary = demo_api.get(f"/api/v1/draws/{draw_id}").json()
    assert (summary["status"], summary["status_label"]) == ("published", "已发布（冻结）")
    events = summary["events"]
    assert [e["kind"] for e in events] == ["units_drawn", "houses_drawn", "published", "verified"]
    assert {e["account_id"] for e in events} == {demo_api.admin.id}
    bad_plan = demo_api.post(
        "/api/v1/plans", json={"name": "x", "year": 2025, "houses_per_unit": 5, "commercial_min": 9}
    )
    assert bad_plan.status_code == 422 and "经营性房屋最低数" in bad_plan.json()["message"]
    assert "commercial_min" in bad_plan.json()["message_en"]
    unknown = demo_api.post("/api/v1/plans", json={"name": "x", "year": 2025, "fixed_units": ["629999"]})
    assert unknown.status_code == 422 and "629999" in unknown.json()["message"]
    assert demo_api.get("/api/v1/draws/999999").status_code == 404


def test_coverage_and_estimates(demo_api):
    plan = demo_api.post("/api/v1/plans", json={"name": "覆盖测试", "year": 2025}).json()
    draw_id = demo_api.post("/api/v1/draws", json={"plan_id": plan["id"], "seed": SEED}).json()["id"]
    assert demo_api.get(f"/api/v1/draws/{draw_id}/coverage").status_code == 422  # no houses yet
    demo_api.post(f"/api/v1/draws/{draw_id}/houses")
    report = demo_api.get(f"/api/v1/draws/{draw_id}/coverage", params={"replicates": 50}).json()
    assert len(report["units"]) == 42 and "summary_zh" in report["overall"]
    unit = report["units"][0]
    assert unit["townships_covered"] <= unit["townships_with_hazard"] and "乡镇" in unit["verdict_zh"]
    assert unit["verdict_level"] in ("good", "fair", "poor")
    assert set(unit["comparisons"]) >= {
        "use_class",
        "structure",
        "floors_band",
        "hazard_grade",
        "near_school",
    }
    # Every code has its Chinese name beside it.
    use_class = unit["comparisons"]["use_class"]
    assert use_class["label"] == "用途"
    assert {c["label"] for c in use_class["categories"]} <= {"经营性自建房", "其他自建房", "自住兼经营性"}
    near = unit["comparisons"]["near_school"]["categories"]
    assert all(c["label"] == ("学校周边" if c["category"] is True else "其他") for c in near), near
    assert all(len(u["reasons_zh"]) == len(u["reasons"]) for u in report["units"])
    est = demo_api.get(f"/api/v1/draws/{draw_id}/estimates", params={"simulated_share": 0.8}).json()
    assert est["simulated"] is True
    share = est["estimates"]["record_accurate"]  # the shape of service/draws/estimates.py: indicator, level
    province = share["province"][0]
    assert province["ci_low"] <= province["estimate"] <= province["ci_high"]
    assert len(share["city"]) == 14 and len(share["unit"]) == 42
