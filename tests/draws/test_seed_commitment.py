"""Seed commitments through the API on PostGIS: the seed's source fixed before the draw (server time, by the
caller's account), the draw naming the commitment it used, the warnings a draw's record carries, Chinese
4xx for every hostile input, audit rows; and the plan form's Chinese validation messages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.conftest import app_url
from tests.factories import make_account

SOURCE = "中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖"
LOTTERY = "2024123 03 07 12 18 25 31 + 09"


def _chinese(text_: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text_)


def _refused(response, status: int) -> str:
    assert response.status_code == status, response.text
    message = response.json()["message"]
    assert _chinese(message), message
    return message


def _plan(client, name: str = "种子测试方案") -> int:
    made = client.post("/api/v1/plans", json={"name": name, "year": 2025, "default_units_per_city": 1})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _commit(client, plan_id: int, **body):
    return client.post(f"/api/v1/plans/{plan_id}/seed-commitments", json={"source": SOURCE, **body})


def _audit(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT account_id, target_type, target_id, detail FROM audit_event WHERE action = :a ORDER BY id"),
            {"a": action}).all()  # fmt: skip


def test_a_commitment_records_the_source_the_server_time_and_the_account(client, engine):
    plan = _plan(client)
    before = dt.datetime.now(dt.UTC)
    made = _commit(client, plan, fixed_at="2020-01-01T00:00:00Z")  # a time of the caller's is not taken
    after = dt.datetime.now(dt.UTC)
    assert made.status_code == 201, made.text
    c = made.json()
    fixed = dt.datetime.fromisoformat(c["fixed_at"])
    assert before - dt.timedelta(seconds=1) <= fixed <= after + dt.timedelta(seconds=1)
    assert c["source"] == SOURCE and c["plan_id"] == plan and c["used_by_draw_id"] is None
    assert c["account_id"] == client.admin.id and "省专班测试管理员" in c["fixed_by"]
    assert client.get(f"/api/v1/plans/{plan}/seed-commitments").json() == [c]
    rows = _audit(engine, "seed_commit")
    assert [(r.account_id, r.target_type, r.target_id) for r in rows] == [(client.admin.id, "seed_commitment", str(c["id"]))]
    assert rows[0].detail["source"] == SOURCE and rows[0].detail["plan_id"] == plan
    plans = _audit(engine, "plan_create")
    assert plans[0].account_id == client.admin.id
    assert client.get(f"/api/v1/plans/{plan}").json()["created_by"] == c["fixed_by"]


def test_the_service_cannot_change_or_forge_a_commitment(client, db_url):
    plan = _plan(client)
    c = _commit(client, plan).json()
    app = create_engine(app_url(db_url))  # as the service's own role
    try:
        for statement in ("UPDATE seed_commitment SET source = 'x' WHERE id = :i",
                          "DELETE FROM seed_commitment WHERE id = :i"):  # fmt: skip
            with app.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text(statement), {"i": c["id"]})
        with app.begin() as conn:  # an insert naming its own time gets the server's
            fixed = conn.execute(text(
                "INSERT INTO seed_commitment (plan_id, source, fixed_at, account_id, actor) "
                "VALUES (:p, '另一个来源说明', '2000-01-01', :a, 'x') RETURNING fixed_at"),
                {"p": plan, "a": c["account_id"]}).scalar_one()  # fmt: skip
        assert fixed.year >= 2026
    finally:
        app.dispose()


def test_a_draw_names_its_commitment_and_shows_both_steps(client, engine):
    plan = _plan(client)
    c = _commit(client, plan, public_at="2099-01-01T00:00:00+08:00")
    assert c.status_code == 201, c.text
    early = client.post("/api/v1/draws", json={"plan_id": plan, "seed": LOTTERY, "seed_commitment_id": c.json()["id"]})
    assert "尚未公布" in _refused(early, 422)  # the value cannot be known yet

    c = _commit(client, plan).json()
    draw = client.post("/api/v1/draws", json={"plan_id": plan, "seed": LOTTERY, "seed_commitment_id": c["id"]})
    assert draw.status_code == 201, draw.text
    d = draw.json()
    assert d["seed"] == LOTTERY and d["seed_warnings"] == []
    assert d["seed_commitment"] == {**c, "used_by_draw_id": d["id"]}
    assert dt.datetime.fromisoformat(c["fixed_at"]) < dt.datetime.fromisoformat(d["created_at"])
    assert "省专班测试管理员" in d["created_by"] and d["replacement_reasons"]["locked"] == "无人/锁门"
    assert client.get(f"/api/v1/draws/{d['id']}").json()["seed_commitment"]["id"] == c["id"]
    listed = {x["id"]: x for x in client.get("/api/v1/draws").json()}
    assert listed[d["id"]]["seed_commitment_id"] == c["id"]
    assert client.get(f"/api/v1/plans/{plan}/seed-commitments").json()[0]["used_by_draw_id"] == d["id"]
    audit = _audit(engine, "draw_units")
    assert audit[-1].detail["seed_commitment_id"] == c["id"] and audit[-1].account_id == client.admin.id

    verified = client.post(f"/api/v1/draws/{d['id']}/verify").json()  # the proof names the commitment too
    assert verified["identical"] and verified["details"]["seed_commitment"]["id"] == c["id"]
    assert verified["details"]["seed_warnings"] == []

    again = client.post("/api/v1/draws", json={"plan_id": plan, "seed": "另一个数", "seed_commitment_id": c["id"]})
    assert "已用于抽样" in _refused(again, 409)  # no drawing again and again under one promise


def test_a_draw_without_commitment_still_works_and_says_so(client):
    plan = _plan(client)
    draw = client.post("/api/v1/draws", json={"plan_id": plan, "seed": LOTTERY})
    assert draw.status_code == 201, draw.text
    assert draw.json()["seed_commitment"] is None
    assert any("未事先公布种子来源" in w for w in draw.json()["seed_warnings"])
    verified = client.post(f"/api/v1/draws/{draw.json()['id']}/verify").json()
    assert verified["identical"] and any("未事先公布种子来源" in w for w in verified["details"]["seed_warnings"])


def test_a_commitment_fixed_after_its_value_was_public_is_warned_of(client):
    plan = _plan(client)
    c = _commit(client, plan, public_at="2024-10-21T21:15:00").json()  # no zone: Beijing time
    assert c["public_at"].startswith("2024-10-21T13:15:00")
    d = client.post("/api/v1/draws", json={"plan_id": plan, "seed": LOTTERY, "seed_commitment_id": c["id"]}).json()
    assert len(d["seed_warnings"]) == 1 and "承诺晚于公布" in d["seed_warnings"][0]
    assert "2024-10-21 21:15:00" in d["seed_warnings"][0]


def test_hostile_input_is_refused_in_chinese_and_changes_nothing(client, engine):
    plan, other = _plan(client), _plan(client, "另一方案")
    theirs = _commit(client, other).json()
    for body, status in [
        ({"source": "短"}, 422), ({"source": "   一  "}, 422), ({"source": "x" * 501}, 422),
        ({"source": SOURCE, "public_at": "明天"}, 422), ({"source": SOURCE, "public_at": 5}, 422),
        ({"source": ["列表"]}, 422), ({}, 422),
    ]:
        _refused(client.post(f"/api/v1/plans/{plan}/seed-commitments", json=body), status)
    _refused(_commit(client, 999_999), 404)
    _refused(client.post("/api/v1/plans/0/seed-commitments", json={"source": SOURCE}), 422)
    _refused(client.get("/api/v1/plans/999999/seed-commitments"), 404)

    for commitment, status, words in [(theirs["id"], 422, "不能用于方案"), (999_999, 422, "没有编号"), (0, 422, None),
                                      ("一", 422, None), (2**63, 422, None)]:  # fmt: skip
        answer = client.post("/api/v1/draws", json={"plan_id": plan, "seed": LOTTERY, "seed_commitment_id": commitment})
        message = _refused(answer, status)
        assert words is None or words in message
    _refused(client.post("/api/v1/draws", json={"plan_id": 999_999, "seed": LOTTERY,
                                                "seed_commitment_id": theirs["id"]}), 404)  # fmt: skip
    leader = make_account(engine, "leader-x", "leader", scope_code="620000")
    refused = client.post(f"/api/v1/plans/{plan}/seed-commitments", json={"source": SOURCE},
                          headers={"Authorization": f"Bearer {leader.token}"})  # fmt: skip
    _refused(refused, 403)
    assert client.get(f"/api/v1/plans/{plan}/seed-commitments").json() == []
    assert client.get("/api/v1/draws").json() == []
    assert len(_audit(engine, "seed_commit")) == 1  # theirs only


def test_a_plan_form_gets_its_problems_in_chinese(client):
    problems = [
        ({"name": "", "year": 2025}, "方案名称"),
        ({"name": "甲", "year": 1999}, "年度"),
        ({"name": "甲", "year": 2025, "houses_per_unit": 5, "commercial_min": 8}, "经营性房屋最低数不能大于每县区抽取房屋数"),
        ({"name": "甲", "year": 2025, "unit_overrides": {"620102": {"houses": 4, "commercial_min": 6}}},
         "单元 620102 的经营性房屋最低数不能大于其抽取房屋数"),
        ({"name": "甲", "year": 2025, "units_per_city": {"620100": 0}}, "各市州抽取县区数"),
        ({"name": "甲", "year": 2025, "groups": [{"name": "第一组", "firm": " ", "units": []}]}, "组名和第三方机构"),
        ({"name": "甲", "year": 2025, "groups": [{"name": "一", "firm": "甲", "units": ["620102"]},
                                                 {"name": "二", "firm": "乙", "units": ["620102"]}]}, "同一县区不能分在两个组"),
        ({"name": "甲", "year": 2025, "deadline": "年底"}, "截止日期"),
        ({"name": "甲", "year": 2025, "include_units": ["999999"]}, "抽样单元代码不存在"),
    ]
    for body, words in problems:
        message = _refused(client.post("/api/v1/plans", json=body), 422)
        assert words in message, message
        assert "Input should" not in message and "Value error" not in message, message
    assert client.get("/api/v1/plans").json() == []
