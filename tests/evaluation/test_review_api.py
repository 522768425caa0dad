"""Document review API on the follow-up world: the checklist and weights, evidence upload (content and size
checks, own county only), the firm's scores (own group's counties only, versioned), totals as hand-computed,
the scope of the comparison, every write audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.evaluation import review_files as F

API = "/api/v1/evaluation/review"
ITEMS = ["policy", "work_plan", "rectification", "mechanism", "cooperation", "crowded_places", "flood_weather",
         "safety_education"]  # fmt: skip


@pytest.fixture
def year(fu) -> int:
    return fu.world["first_day"].year


def _count(fu, table: str) -> int:
    with fu.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _audits(fu, action: str) -> int:
    with fu.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = :a"), {"a": action}
        ).scalar_one()


def _upload(
    fu, who: str, year: int, unit: str, key: str, name: str, data: bytes, ctype="application/octet-stream"
):
    return fu.post(
        who, f"{API}/{year}/units/{unit}/items/{key}/evidence", files={"file": (name, data, ctype)}
    )


def _score(fu, who, year, unit, key, score, comment="材料齐全", version=None):
    body = {"score": score, "comment": comment} | ({"version": version} if version else {})
    return fu.client.put(f"{API}/{year}/units/{unit}/items/{key}/score", json=body, headers=fu.auth(who))


def test_checklist_is_the_notices_items_with_weights_summing_to_100(fu, year):
    r = fu.get("county", f"{API}/{year}/checklist")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["key"] for i in body["items"]] == ITEMS
    assert sum(i["weight"] for i in body["items"]) == 100
    titles = [i["title"] for i in body["items"]]
    assert "自建房安全隐患排查整治及销号情况" in titles and "汛期及极端天气影响下防范工作开展情况" in titles
    assert all(i["guidance"] for i in body["items"])
    assert _audits(fu, "review_checklist_load") == 1
    assert fu.get("county", f"{API}/{year}/checklist").json()["version"] == body["version"]  # loaded once
    assert fu.get("county", f"{API}/1999/checklist").status_code == 422
    assert fu.get("prov", f"{API}/2001/checklist").status_code == 404  # no file applies before 2024


@pytest.mark.parametrize(
    "name,data",
    [("方案.pdf", F.PDF), ("照片.png", F.png()), ("照片.jpg", F.jpeg()), ("方案.docx", F.docx()),
     ("台账.xlsx", F.xlsx())],
)  # fmt: skip
def test_county_uploads_every_allowed_kind_stored_with_sha256(fu, year, name, data):
    import hashlib

    r = _upload(fu, "county", year, "620102", "work_plan", name, data)
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["size_bytes"] == len(data)
    assert e["filename"] == name and e["item_key"] == "work_plan"
    got = fu.get("lead", f"{API}/evidence/{e['id']}")  # the firm of the county downloads it
    assert got.status_code == 200 and got.content == data
    assert got.headers["x-content-sha256"] == e["sha256"] and got.headers["content-type"].startswith(
        e["content_type"]
    )
    assert _audits(fu, "review_evidence") == 1
    assert fu.get("other", f"{API}/evidence/{e['id']}").status_code == 403  # another group's firm
    assert fu.get("county_hg", f"{API}/evidence/{e['id']}").status_code == 403  # another county


@pytest.mark.parametrize(
    "name,data,words",
    [("病毒.exe", b"MZ\x90\x00" + b"\x00" * 200, "不是可识别的文件类型"),
     ("假文档.docx", F.plain_zip(), "是压缩文件而不是 Word 或 Excel 文档"),
     ("残缺.docx", F.truncated_docx(), "已损坏"),
     ("半个.pdf", F.PDF[:-7], "不是完整的 PDF 文件"),
     ("改名.pdf", b"just text, renamed", "不是可识别的文件类型"),
     ("坏图.png", F.png()[:30], "不是完整的图片"),
     ("空.pdf", b"", "是空的")],
)  # fmt: skip
def test_wrong_type_refused_with_a_clear_message_and_nothing_stored(fu, year, name, data, words):
    r = _upload(fu, "county", year, "620102", "policy", name, data, "application/pdf")
    assert r.status_code == 422, r.text
    message = r.json()["message"]
    assert words in message and name in message and "未保存" in message
    assert _count(fu, "review_evidence") == 0 and _audits(fu, "review_evidence") == 0


def test_too_large_refused_and_nothing_stored(fu, year, monkeypatch):
    monkeypatch.setenv("SPOTCHECK_REVIEW_EVIDENCE_MAX_BYTES", "2048")
    big = F.PDF[:-6] + b"0" * 3000 + b"\n%%EOF\n"
    r = _upload(fu, "county", year, "620102", "policy", "大文件.pdf", big)
    assert r.status_code == 413, r.text
    assert "超过 2 KB 的上限" in r.json()["message"] and "未保存" in r.json()["message"]
    assert _count(fu, "review_evidence") == 0
    assert _upload(fu, "county", year, "620102", "policy", "小文件.pdf", F.PDF).status_code == 201


def test_a_county_cannot_upload_for_another_county_nor_a_firm_at_all(fu, year):
    assert _upload(fu, "county", year, "620111", "policy", "a.pdf", F.PDF).status_code == 403
    assert _upload(fu, "county_by", year, "620102", "policy", "a.pdf", F.PDF).status_code == 403
    assert (
        _upload(fu, "lead", year, "620102", "policy", "a.pdf", F.PDF).status_code == 403
    )  # no EVAL_EVIDENCE
    assert _upload(fu, "county", year, "620102", "no_such_item", "a.pdf", F.PDF).status_code == 404
    assert _count(fu, "review_evidence") == 0


def test_a_county_withdraws_a_file_sent_by_mistake_until_the_item_is_scored(fu, year):
    wrong = _upload(fu, "county", year, "620102", "policy", "错传的表.xlsx", F.xlsx()).json()
    right = _upload(fu, "county", year, "620102", "policy", "实施方案.pdf", F.PDF).json()
    url = f"{API}/evidence/{wrong['id']}"
    for who in ("county_hg", "lead", "prov"):  # another county; the firm and the province do not withdraw
        assert fu.client.delete(url, headers=fu.auth(who)).status_code == 403
    r = fu.client.delete(url, headers=fu.auth("county"))
    assert r.status_code == 200, r.text
    policy = next(x for x in r.json()["lines"] if x["key"] == "policy")
    assert [f["filename"] for f in policy["evidence"]] == ["实施方案.pdf"]
    compared = fu.get("prov", f"{API}/{year}/units").json()["units"]
    assert next(x for u in compared if u["unit_code"] == "620102" for x in u["lines"] if x["key"] == "policy")[
        "evidence"] == 1  # fmt: skip
    gone = fu.get("lead", url)
    assert gone.status_code == 404 and "已由县区撤回" in gone.json()["message"]
    again = fu.client.delete(url, headers=fu.auth("county"))
    assert again.status_code == 404 and "已撤回" in again.json()["message"]
    with fu.engine.connect() as conn:  # kept, with who withdrew it and when
        kept = conn.execute(text("SELECT sha256, withdrawn_at, withdrawn_by_account_id FROM review_evidence "
                                 "WHERE id = :e"), {"e": wrong["id"]}).one()  # fmt: skip
    assert kept.sha256 == wrong["sha256"] and kept.withdrawn_at is not None
    assert kept.withdrawn_by_account_id == fu.world["accounts"]["county"]["id"]
    assert _audits(fu, "review_evidence_withdraw") == 1

    # Once the firm has scored the item, its evidence stays as it was scored.
    assert _score(fu, "lead", year, "620102", "policy", 88).status_code == 200
    scored = fu.client.delete(f"{API}/evidence/{right['id']}", headers=fu.auth("county"))
    assert scored.status_code == 409 and "不能撤回" in scored.json()["message"], scored.text
    assert fu.get("lead", f"{API}/evidence/{right['id']}").status_code == 200
    assert _audits(fu, "review_evidence_withdraw") == 1


def test_a_firm_scores_only_its_groups_counties(fu, year):
    assert _score(fu, "lead", year, "620102", "policy", 90).status_code == 200
    assert _score(fu, "lead", year, "620111", "policy", 80).status_code == 200
    r = _score(fu, "lead", year, "620402", "policy", 70)  # 白银区 is 第二组's
    assert r.status_code == 403 and "不在您的辖区" in r.json()["message"]
    assert _score(fu, "other", year, "620102", "policy", 70).status_code == 403
    assert _score(fu, "county", year, "620102", "policy", 100).status_code == 403  # no EVAL_SCORE
    assert _score(fu, "prov", year, "620102", "policy", 100).status_code == 403
    assert _score(fu, "lead", year, "620102", "policy", 101).status_code == 422
    assert _score(fu, "lead", year, "620102", "policy", 50, comment="  ").status_code == 422
    assert _count(fu, "review_score") == 2 and _audits(fu, "review_score") == 2


def test_version_conflict_keeps_the_first_score(fu, year):
    first = _score(fu, "lead", year, "620102", "rectification", 60, "台账不全")
    assert first.status_code == 200
    line = next(x for x in first.json()["lines"] if x["key"] == "rectification")
    assert line["version"] == 1 and line["score"] == 60 and line["comment"] == "台账不全"
    assert _score(fu, "lead", year, "620102", "rectification", 70, "补充后", version=1).status_code == 200
    stale = _score(fu, "lead", year, "620102", "rectification", 90, "旧版本上的修改", version=1)
    assert stale.status_code == 409 and "请刷新" in stale.json()["message"]
    again = _score(
        fu, "lead", year, "620102", "rectification", 90, "当作新评分"
    )  # no version: not scored yet?
    assert again.status_code == 409
    got = fu.get("lead", f"{API}/{year}/units/620102").json()
    line = next(x for x in got["lines"] if x["key"] == "rectification")
    assert (line["score"], line["comment"], line["version"]) == (70, "补充后", 2)


def test_totals_are_the_weighted_mean_of_scored_items_and_weights_change_them(fu, year):
    # weights 15 10 20 15 10 10 10 10 (checklists/2024.json)
    _score(fu, "lead", year, "620102", "policy", 80)
    _score(fu, "lead", year, "620102", "rectification", 50)
    total = lambda: fu.get("lead", f"{API}/{year}/units/620102").json()["total"]  # noqa: E731
    assert total() == pytest.approx((15 * 80 + 20 * 50) / 35, abs=0.01)  # 62.86: unscored items do not count
    for key in ITEMS:
        if key not in ("policy", "rectification"):
            _score(fu, "lead", year, "620102", key, 100)
    assert total() == pytest.approx((15 * 80 + 20 * 50 + 65 * 100) / 100)  # 87.0
    version = fu.get("prov", f"{API}/{year}/checklist").json()["version"]
    bad = fu.client.put(f"{API}/{year}/checklist/weights", headers=fu.auth("prov"),
                        json={"version": version, "weights": {"policy": 40}})  # fmt: skip
    assert bad.status_code == 422 and "之和须为 100" in bad.json()["message"]
    ok = fu.client.put(f"{API}/{year}/checklist/weights", headers=fu.auth("prov"),
                       json={"version": version, "weights": {"policy": 40, "rectification": 40, "work_plan": 5,
                             "mechanism": 5, "cooperation": 5, "crowded_places": 3, "flood_weather": 1,
                             "safety_education": 1}})  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert total() == pytest.approx((40 * 80 + 40 * 50 + 20 * 100) / 100)  # 72.0
    stale = fu.client.put(f"{API}/{year}/checklist/weights", headers=fu.auth("prov"),
                          json={"version": version, "weights": {"policy": 15}})  # fmt: skip
    assert stale.status_code == 409
    assert fu.client.put(f"{API}/{year}/checklist/weights", headers=fu.auth("lead"),
                         json={"version": version + 1, "weights": {"policy": 40}}).status_code == 403  # fmt: skip
    assert _audits(fu, "review_weights") == 1


def test_the_comparison_is_scoped(fu, year):
    _score(fu, "lead", year, "620102", "policy", 90)
    _score(fu, "other", year, "620402", "policy", 40)
    units = lambda who: [u["unit_code"] for u in fu.get(who, f"{API}/{year}/units").json()["units"]]  # noqa: E731
    assert sorted(units("prov")) == ["620102", "620111", "620402"]
    assert units("prov")[:2] == ["620102", "620402"]  # highest total first, unscored last
    assert sorted(units("lead")) == ["620102", "620111"]
    assert units("other") == ["620402"]
    assert units("county") == ["620102"]
    assert sorted(units("city")) == ["620102", "620111"] and sorted(units("leader")) == ["620102", "620111"]
    assert fu.get("county", f"{API}/{year}/units/620402").status_code == 403
    assert fu.get("i1", f"{API}/{year}/units").status_code == 403  # inspectors hold no EVAL_READ
    body = fu.get("prov", f"{API}/{year}/units").json()
    assert body["item_means"]["policy"] == 65 and body["item_means"]["work_plan"] is None
    assert body["synthetic"] is False


def test_review_scores_contract(fu, year):
    from sqlalchemy.orm import Session

    from service.accounts.deps import Principal
    from service.accounts.roles import Role
    from service.accounts.scope import resolve_scope
    from service.evaluation.review.summary import review_scores

    _score(fu, "lead", year, "620102", "policy", 80)
    _upload(fu, "county", year, "620102", "policy", "a.pdf", F.PDF)
    a = fu.world["accounts"]["lead"]
    with Session(fu.engine) as session:
        scope = resolve_scope(session, Role.FIRM, None, fu.world["plan"], "第一组", account_id=a["id"])
        who = Principal(account_id=a["id"], username="lead", name="lead", organisation="", role=Role.FIRM,
                        scope=scope, via="token")  # fmt: skip
        got = review_scores(session, who, year)
        assert review_scores(session, who) == got  # the default year is the newest drawn
    assert sorted(got) == ["620102", "620111"]
    s = got["620102"]
    assert (s.total, s.scored, s.items, s.synthetic) == (80, 1, 8, False)
    policy = s.lines[0]
    assert (policy.key, policy.weight, policy.score, policy.comment, policy.evidence) == (
        "policy",
        15,
        80,
        "材料齐全",
        1,
    )
    assert got["620111"].total is None and got["620111"].scored == 0


def test_two_first_scores_at_once_one_is_a_conflict_not_a_500(fu, year):
    import threading

    from sqlalchemy.orm import Session

    from service.accounts.deps import Principal
    from service.accounts.roles import Role
    from service.accounts.scope import EVERYTHING
    from service.core.errors import Conflict
    from service.evaluation.review.schemas import ScoreIn
    from service.evaluation.review.service import ensure_checklist, put_score

    a = fu.world["accounts"]["lead"]
    who = Principal(a["id"], "lead", "lead", "", Role.FIRM, EVERYTHING, via="test")
    with Session(fu.engine) as setup:
        ensure_checklist(setup, who.actor, year)
        setup.commit()
    outcome = {}

    def second():
        with Session(fu.engine) as session:
            try:
                put_score(session, who, year, "620102", "policy", ScoreIn(score=40, comment="第二个"))
                session.commit()
                outcome["b"] = "stored"
            except Conflict as exc:
                outcome["b"] = exc

    with Session(fu.engine) as first:
        put_score(first, who, year, "620102", "policy", ScoreIn(score=90, comment="第一个"))
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=2)  # blocked on the first's uncommitted row
        assert thread.is_alive()
        first.commit()
    thread.join(timeout=30)
    assert isinstance(outcome["b"], Conflict) and "请刷新" in outcome["b"].message
    with fu.engine.connect() as conn:
        assert conn.execute(text("SELECT score, comment FROM review_score")).one() == (90, "第一个")
