"""The questionnaire API: a resident's link answers once (a resend stored once, a second answer refused in
Chinese), answers are checked against the definition, the public POST is rate-limited; officials and staff
answer once per account, year and group; paper answers are typed in and marked; the results match values
computed by hand; everything is limited to the caller's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.evaluation.conftest_survey import API, YEAR, batch, body


def _count(fu, where: str = "true", **params) -> int:
    with fu.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM survey_response WHERE {where}"), params).scalar_one()


def test_a_token_answers_once_and_a_resend_is_stored_once(fu):
    b = batch(fu, size=2)
    assert len(b["tokens"]) == 2 and b["tokens"][0]["url"].endswith("/survey?t=" + b["tokens"][0]["token"])
    assert len({t["token"] for t in b["tokens"]}) == 2 and all(len(t["token"]) >= 24 for t in b["tokens"])
    token = b["tokens"][0]["token"]
    form = fu.client.get(f"{API}/public/{token}")  # no account
    assert form.status_code == 200, form.text
    assert form.json()["unit_code"] == "620102" and form.json()["answered"] is False
    assert form.json()["definition"]["group"] == "resident" and form.json()["definition"]["items"]
    first = body("resident", 5)
    stored = fu.client.post(f"{API}/public/{token}", json=first)
    assert stored.status_code == 201 and stored.json()["channel"] == "link", stored.text
    again = fu.client.post(f"{API}/public/{token}", json=first)  # the same submission resent
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["id"] == stored.json()["id"]
    second = fu.client.post(f"{API}/public/{token}", json=body("resident", 1))
    assert second.status_code == 409
    assert second.json()["message"] == "此链接已提交过问卷，每个链接只能填写一次。感谢您的参与！"
    assert (
        _count(fu) == 1 and _count(fu, "unit_code = '620102' AND channel = 'link' AND year = :y", y=YEAR) == 1
    )
    assert fu.client.get(f"{API}/public/{token}").json()["answered"] is True
    with fu.engine.connect() as conn:
        audited = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'survey_answer'")
        ).scalar_one()
    assert audited == 1
    listed = fu.get("lead", f"{API}/batches", params={"unit": "620102"}).json()
    assert [(x["id"], x["answered"], x["size"]) for x in listed] == [(b["id"], 1, 2)]


def test_unknown_tokens_and_bad_answers_are_refused_and_store_nothing(fu):
    token = batch(fu, size=1)["tokens"][0]["token"]
    missing = fu.client.get(f"{API}/public/{'x' * 24}")
    assert missing.status_code == 404 and "问卷链接无效" in missing.json()["message"]
    assert fu.client.post(f"{API}/public/{'y' * 30}", json=body("resident")).status_code == 404
    unrated = body("resident")
    unrated["ratings"].pop("overall")
    r = fu.client.post(f"{API}/public/{token}", json=unrated)
    assert (
        r.status_code == 422 and "尚未作答" in r.json()["message"] and "总体满意程度" in r.json()["message"]
    )
    wrong = body("resident", basic={"age": "200岁", "relation": "房屋产权人", "house_use": "自住"})
    r = fu.client.post(f"{API}/public/{token}", json=wrong)
    assert r.status_code == 422 and "您的年龄" in r.json()["message"]
    r = fu.client.post(f"{API}/public/{token}", json=body("resident", opens={"problems": "坏\u202e字"}))
    assert r.status_code == 422 and "控制字符" in r.json()["message"]
    r = fu.client.post(f"{API}/public/{token}", json=body("resident", opens={"nonsense": "x"}))
    assert r.status_code == 422
    r = fu.client.post(f"{API}/public/{token}", json={**body("resident"), "ratings": {"overall": 6}})
    assert r.status_code == 422
    assert _count(fu) == 0


def test_the_public_answer_is_rate_limited(fu):
    token = batch(fu, size=1)["tokens"][0]["token"]
    codes = [fu.client.post(f"{API}/public/{token}", json=body("resident")).status_code for _ in range(21)]
    assert codes[0] == 201 and set(codes[1:20]) == {409} and codes[20] == 429


def test_officials_and_staff_answer_once_per_account_year_and_group(fu):
    r = fu.post("county", f"{API}/answers", json=body("official", 4, group="official", year=YEAR))
    assert r.status_code == 201 and r.json()["unit_code"] == "620102" and r.json()["channel"] == "account"
    r = fu.post("county", f"{API}/answers", json=body("official", 2, group="official", year=YEAR))
    assert r.status_code == 409 and "已填写过 2026 年的干部问卷" in r.json()["message"]
    assert (
        fu.post("county", f"{API}/answers", json=body("staff", group="staff", year=YEAR)).status_code == 201
    )
    mine = fu.get("county", f"{API}/answers/mine", params={"year": YEAR}).json()
    assert mine["answered"] == ["official", "staff"] and [u["code"] for u in mine["units"]] == ["620102"]
    r = fu.post("city", f"{API}/answers", json=body("official", group="official", year=YEAR))
    assert r.status_code == 422 and "请选择所评价的县" in r.json()["message"]
    r = fu.post(
        "city", f"{API}/answers", json=body("official", group="official", year=YEAR, unit_code="620402")
    )
    assert r.status_code == 403
    r = fu.post(
        "city", f"{API}/answers", json=body("official", group="official", year=YEAR, unit_code="620111")
    )
    assert r.status_code == 201 and r.json()["unit_code"] == "620111"
    assert fu.post("lead", f"{API}/answers", json=body("official", group="official")).status_code == 403
    r = fu.post("county", f"{API}/answers", json=body("resident", group="resident"))  # residents use links
    assert r.status_code == 422
    assert _count(fu, "channel = 'account'") == 3


def test_paper_answers_are_typed_in_and_marked_paper(fu):
    paper = body("staff", 3, group="staff", year=YEAR, unit_code="620111", paper_ref="纸-001")
    r = fu.post("lead", f"{API}/paper", json=paper)
    assert r.status_code == 201 and r.json()["channel"] == "paper", r.text
    assert fu.post("lead", f"{API}/paper", json=paper).json()["replayed"] is True  # typed twice: kept once
    assert fu.post("i1", f"{API}/paper", json=body("resident", group="resident", year=YEAR,
                                                   unit_code="620102")).status_code == 201  # fmt: skip
    out = fu.post("lead", f"{API}/paper", json=body("staff", group="staff", year=YEAR, unit_code="620402"))
    assert out.status_code == 403
    assert fu.post("county", f"{API}/paper", json=paper).status_code == 403
    with fu.engine.connect() as conn:
        row = conn.execute(text("SELECT channel, paper_ref, entered_by_account_id, account_id, respondent_group "
                                "FROM survey_response WHERE unit_code = '620111'")).one()  # fmt: skip
    assert tuple(row) == ("paper", "纸-001", fu.world["accounts"]["lead"]["id"], None, "staff")
    listed = fu.get("lead", f"{API}/answers", params={"year": YEAR, "unit": "620111"}).json()
    assert [(a["channel"], a["paper_ref"], a["ratings"]["training"]) for a in listed] == [
        ("paper", "纸-001", 3)
    ]


def _results(fu, who: str) -> dict:
    r = fu.get(who, f"{API}/results", params={"year": YEAR})
    assert r.status_code == 200, r.text
    return {u["unit_code"]: u for u in r.json()}


def test_results_match_hand_computed_values(fu):
    # Residents of 620102 rate every item 5, 3, 4: c = 100, 60, 80; r = 1, 0, 1. One official rates all 2.
    for level, note in ((5, "希望多给些补助资金"), (3, "<b>宣传</b>不够"), (4, None)):
        paper = body("resident", level, group="resident", year=YEAR, unit_code="620102",
                     opens={"suggestions": note} if note else {})  # fmt: skip
        assert fu.post("lead", f"{API}/paper", json=paper).status_code == 201
    assert (
        fu.post("county", f"{API}/answers", json=body("official", 2, group="official", year=YEAR)).status_code
        == 201
    )
    u = _results(fu, "prov")["620102"]
    res, off, overall = u["groups"]["resident"], u["groups"]["official"], u["overall"]
    # S = 80, sd 20, se 11.547, t(0.975, 2) = 4.302653: ± 49.683 → [30.317, 100]
    assert res["n"] == 3 and res["index"] == pytest.approx(80)
    assert res["index_ci"] == [pytest.approx(30.3173, abs=1e-3), pytest.approx(100)]
    # 满意率 2/3; Wilson n = 3: centre 0.573085, half 0.365425
    assert res["satisfied_rate"] == pytest.approx(2 / 3)
    assert res["satisfied_ci"] == [pytest.approx(0.20766, abs=1e-4), pytest.approx(0.93851, abs=1e-4)]
    assert off == {"index": 30.0, "index_ci": None, "satisfied_rate": 0.0,
                   "satisfied_ci": [0.0, pytest.approx(0.79345, abs=1e-4)], "n": 1}  # fmt: skip
    # overall: c = 100, 60, 80, 30: mean 67.5, sd 29.861, se 14.930, t(0.975, 3) = 3.182446: ± 47.515
    assert overall["n"] == 4 and overall["index"] == pytest.approx(67.5)
    assert overall["index_ci"] == [pytest.approx(19.985, abs=1e-3), pytest.approx(100)]
    assert overall["satisfied_rate"] == pytest.approx(0.5)  # Wilson n = 4: 0.5 ± 0.349961
    assert overall["satisfied_ci"] == [pytest.approx(0.150039, abs=1e-4), pytest.approx(0.849961, abs=1e-4)]
    awareness = next(i for i in u["items"] if i["group"] == "resident" and i["key"] == "awareness")
    assert (awareness["mean"], awareness["n"], awareness["weight"]) == (
        pytest.approx(80),
        3,
        pytest.approx(0.15),
    )
    assert awareness["counts"] == {"5": 1, "4": 1, "3": 1, "2": 0, "1": 0}
    themes = {g["theme"]: g["answers"] for g in u["open_answers"]}
    assert themes == {"资金与补助": ["【群众】希望多给些补助资金"], "宣传与培训": ["【群众】<b>宣传</b>不够"]}
    assert u["synthetic"] is False and u["channels"] == {"paper": 3, "account": 1}


def test_results_batches_and_charts_are_scoped(fu):
    fu.post("lead", f"{API}/paper", json=body("resident", 4, group="resident", year=YEAR, unit_code="620102"))
    fu.post(
        "other", f"{API}/paper", json=body("resident", 2, group="resident", year=YEAR, unit_code="620402")
    )
    theirs = batch(fu, "other", "620402", 1)
    assert set(_results(fu, "prov")) == {"620102", "620402"}
    assert set(_results(fu, "lead")) == {"620102"}
    assert set(_results(fu, "other")) == {"620402"}
    assert set(_results(fu, "county")) == {"620102"} and set(_results(fu, "county_by")) == {"620402"}
    assert set(_results(fu, "leader")) == {"620102"}
    assert fu.get("lead", f"{API}/batches/{theirs['id']}").status_code == 403
    assert fu.get("lead", f"{API}/batches/{theirs['id']}/sheet").status_code == 403
    assert fu.get("lead", f"{API}/batches").json() == []
    assert fu.post("lead", f"{API}/batches", json={"unit_code": "620402", "size": 2}).status_code == 403
    assert fu.get("lead", f"{API}/results/620402/chart.png", params={"year": YEAR}).status_code == 403
    assert fu.get("lead", f"{API}/answers", params={"year": YEAR, "unit": "620402"}).status_code == 403
    assert [a["unit_code"] for a in fu.get("lead", f"{API}/answers", params={"year": YEAR}).json()] == [
        "620102"
    ]
    png = fu.get("lead", f"{API}/results/620102/chart.png", params={"year": YEAR})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and len(png.content) > 5000
    assert fu.get("lead", f"{API}/results/620111/chart.png", params={"year": YEAR}).status_code == 404


def test_the_sheet_holds_one_qr_code_per_link(fu):
    b = batch(fu, size=4)
    r = fu.get("lead", f"{API}/batches/{b['id']}/sheet")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("<svg") == 4 and all(t["url"] in r.text for t in b["tokens"])
    assert "城关区" in r.text and "每个二维码只能填写一次" in r.text
    d = fu.get("i1", f"{API}/definitions/{YEAR}")
    assert d.status_code == 200 and d.json()["year"] == 2024
    assert fu.get("i1", f"{API}/definitions").json()["years"] == [2024]


def test_a_manager_stops_links_and_answers_already_given_stay(fu):
    b = batch(fu, size=4)
    tokens = [t["token"] for t in b["tokens"]]
    assert fu.client.post(f"{API}/public/{tokens[0]}", json=body("resident", 5)).status_code == 201
    url = f"{API}/batches/{b['id']}/revoke"
    stranger = fu.post("lead", url, json={"tokens": [tokens[1], "z" * 24]})  # one is not of this batch
    assert stranger.status_code == 422 and "不属于该批次" in stranger.json()["message"]
    assert fu.post("other", url, json={}).status_code == 403  # another group's firm
    one = fu.post("lead", url, json={"tokens": [tokens[1]]})
    assert one.status_code == 200, one.text
    assert one.json()["revoked"] == 1 and [t["revoked"] for t in one.json()["tokens"]] == [False, True, False, False]
    stopped = fu.client.get(f"{API}/public/{tokens[1]}")
    assert stopped.status_code == 404 and "已停用" in stopped.json()["message"]
    assert fu.client.post(f"{API}/public/{tokens[1]}", json=body("resident", 4)).status_code == 404
    rest = fu.post("lead", url, json={}).json()  # every link not answered yet
    assert rest["revoked"] == 3 and [t["revoked"] for t in rest["tokens"]] == [False, True, True, True]
    assert rest["answered"] == 1 and _count(fu) == 1  # the answer given stays
    assert fu.client.get(f"{API}/public/{tokens[0]}").json()["answered"] is True
    sheet = fu.get("lead", f"{API}/batches/{b['id']}/sheet").text
    assert sheet.count("<svg") == 1 and "第 1 份（已填写）" in sheet and tokens[2] not in sheet
    with fu.engine.connect() as conn:
        audits = conn.execute(text("SELECT detail FROM audit_event WHERE action = 'survey_revoke' ORDER BY id")).scalars().all()
    assert [(a["revoked"], a["which"]) for a in audits] == [(1, "listed"), (2, "unanswered")]
