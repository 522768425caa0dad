"""Rectification notices: issued with numbers per city and year (no gap, no repeat, also concurrently), the
stored .docx read back, the county office's answers with evidence, rejection and 销号, overdue, scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading

from docx import Document
from sqlalchemy import text

from service.followup.service import today
from tests.filemakers import jpeg_with_exif
from tests.followup.conftest import SERIOUS

API = "/api/v1/followup"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_issue_numbers_per_city_and_the_document_holds_the_facts(fu):
    h = fu.world["houses"]
    first, second = fu.approved(h["甲组"][0]), fu.approved(h["乙组"][0])
    baiyin = fu.approved(fu.world["baiyin"][0])
    waiting = fu.get("city", f"{API}/awaiting").json()
    assert {w["inspection_id"] for w in waiting} == {first, second}  # 白银's finding is not 兰州's
    a = fu.issue("city", first, requirements=["立即停止使用。"])
    assert a.status_code == 201, a.text
    year = today().year
    assert a.json()["number"] == f"兰自建房整改〔{year}〕1号" and a.json()["status"] == "issued"
    b = fu.issue("prov", second)
    assert b.json()["number"] == f"兰自建房整改〔{year}〕2号"
    c = fu.issue("city_by", baiyin)  # another city counts from 1
    assert c.json()["number"] == f"白自建房整改〔{year}〕1号"
    assert fu.issue("city", first).status_code == 409  # issued once
    assert fu.get("city", f"{API}/awaiting").json() == []

    doc = fu.get("county", a.json()["document_url"])
    assert doc.status_code == 200
    assert doc.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in doc.headers["content-disposition"]
    assert "%E6%95%B4%E6%94%B9" in doc.headers["content-disposition"]  # 整改, percent-encoded (RFC 5987)
    assert (
        hashlib.sha256(doc.content).hexdigest()
        == a.json()["document_sha256"]
        == doc.headers["x-content-sha256"]
    )
    words = _text(doc.content)
    deadline = dt.date.fromisoformat(a.json()["deadline"])
    assert a.json()["number"] in words
    assert "城关区自建房安全专项整治工作专班" in words  # the addressee: the house's county office
    assert "兰州市自建房安全专项整治工作专班" in words
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in words
    assert "立即停止使用。" in words and "数字整治" in words and "房屋层数与平台记录不符" in words
    assert "墙体开裂<b>严重</b>" in words  # text stays text
    assert len(Document(io.BytesIO(doc.content)).inline_shapes) == 1  # the inspection's photo
    with fu.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT document FROM notice WHERE id = :i"), {"i": a.json()["id"]}
        ).scalar()
        audited = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'notice_issue'")
        ).scalar()
    assert bytes(stored) == doc.content and audited == 3
    # The province's notice names the provincial office as its issuer (the number is still 兰州's).
    by_province = Document(io.BytesIO(fu.get("city", b.json()["document_url"]).content))
    assert by_province.core_properties.author == "甘肃省自建房安全专项整治工作专班"
    assert "甘肃省自建房安全专项整治工作专班" in _text(fu.get("city", b.json()["document_url"]).content)
    assert Document(io.BytesIO(doc.content)).core_properties.author == "兰州市自建房安全专项整治工作专班"


def test_the_document_states_the_platform_record_of_every_mismatched_field(fu):
    house = fu.world["houses"]["甲组"][0]
    with fu.engine.connect() as conn:
        area = conn.execute(text("SELECT floor_area_m2 FROM house WHERE id = :h"), {"h": house}).scalar_one()
    summary = {**SERIOUS, "record_mismatches": ["floors", "floor_area_m2"]}
    n = fu.issue("city", fu.approved(house, summary, answers={"floors_observed": 5, "floor_area_m2_observed": 999}))
    assert n.status_code == 201, n.text
    words = _text(fu.get("city", n.json()["document_url"]).content)
    assert area is not None and f"建筑面积（平方米）与平台记录不符：平台记录为“{area}”，现场核实为“999”。" in words


def test_concurrent_issues_never_share_a_number(fu):
    houses = fu.world["houses"]["甲组"][:2] + fu.world["houses"]["乙组"][:2]
    inspections = [fu.approved(h) for h in houses]
    answers, barrier = {}, threading.Barrier(len(inspections))

    def go(i):
        barrier.wait()
        answers[i] = fu.issue("city", i)

    threads = [threading.Thread(target=go, args=(i,)) for i in inspections]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in answers.values()), [r.text for r in answers.values()]
    seqs = sorted(int(r.json()["number"].split("〕")[1].rstrip("号")) for r in answers.values())
    assert seqs == [1, 2, 3, 4]


def test_county_answers_city_rejects_then_accepts(fu):
    n = fu.issue("city", fu.approved(fu.world["houses"]["甲组"][0])).json()
    url = f"{API}/notices/{n['id']}"
    assert fu.post("city", f"{url}/progress", data={"text": "x", "version": n["version"]}).status_code == 403
    assert (
        fu.post("county_hg", f"{url}/progress", data={"text": "x", "version": n["version"]}).status_code
        == 403
    )
    early = fu.post("city", f"{url}/decision", json={"action": "accept", "version": n["version"]})
    assert early.status_code == 409
    p1 = fu.post("county", f"{url}/progress", data={"text": "已停止使用，<i>正在</i>委托鉴定。", "version": n["version"]},
                 files=[("files", ("现场.jpg", jpeg_with_exif(), "image/jpeg"))])  # fmt: skip
    assert p1.status_code == 200, p1.text
    assert (
        p1.json()["status"] == "in_progress" and p1.json()["steps"][-1]["files"][0]["filename"] == "现场.jpg"
    )
    stale = fu.post("county", f"{url}/progress", data={"text": "再报", "version": n["version"]})
    assert stale.status_code == 409 and "版" in stale.json()["message"]
    no_files = fu.post(
        "county", f"{url}/progress", data={"text": "完成", "done": "true", "version": p1.json()["version"]}
    )
    assert no_files.status_code == 422 and "佐证" in no_files.json()["message"]
    done = fu.post("county", f"{url}/progress", data={"text": "加固完成", "done": "true", "version": p1.json()["version"]},
                   files=[("files", ("验收报告.pdf", PDF, "application/pdf"))])  # fmt: skip
    assert done.json()["status"] == "reported_done"
    ev = done.json()["steps"][-1]["files"][0]
    got = fu.get("city", ev["url"])
    assert got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(PDF).hexdigest() == ev["sha256"]
    no_comment = fu.post(
        "city", f"{url}/decision", json={"action": "reject", "version": done.json()["version"]}
    )
    assert no_comment.status_code == 422
    back = fu.post(
        "city",
        f"{url}/decision",
        json={"action": "reject", "comment": "照片不清晰", "version": done.json()["version"]},
    )
    assert back.json()["status"] == "in_progress" and back.json()["steps"][-1]["text"] == "照片不清晰"
    again = fu.post("county", f"{url}/progress", data={"text": "补充照片", "done": "true", "version": back.json()["version"]},
                    files=[("files", ("补充.png", _png(), "image/png"))])  # fmt: skip
    assert (
        fu.post(
            "leader", f"{url}/decision", json={"action": "accept", "version": again.json()["version"]}
        ).status_code
        == 403
    )
    closed = fu.post("city", f"{url}/decision", json={"action": "accept", "version": again.json()["version"]})
    assert closed.json()["status"] == "closed" and closed.json()["status_label"] == "已销号"
    assert [s["action"] for s in closed.json()["steps"]] == ["draft", "issue", "progress", "report_done", "reject",
                                                            "report_done", "accept"]  # fmt: skip
    assert all(s["account_name"] and s["at"] for s in closed.json()["steps"])
    with fu.engine.connect() as conn:
        actions = (
            conn.execute(text("SELECT action FROM audit_event WHERE target_type = 'notice' ORDER BY id"))
            .scalars()
            .all()
        )
    assert actions == ["notice_draft", "notice_issue", "notice_progress", "notice_report_done", "notice_reject",
                       "notice_report_done", "notice_accept"]  # fmt: skip


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_overdue_is_computed_from_the_deadline(fu):
    h = fu.world["houses"]["甲组"]
    late, fine = fu.issue("city", fu.approved(h[0])).json(), fu.issue("city", fu.approved(h[1])).json()
    with fu.engine.begin() as conn:  # issued long ago with a deadline already past
        conn.execute(text("UPDATE notice SET deadline = :d WHERE id = :i"),
                     {"d": today() - dt.timedelta(days=1), "i": late["id"]})  # fmt: skip
    overdue = fu.get("city", f"{API}/notices", params={"overdue": "true"}).json()
    assert [n["id"] for n in overdue] == [late["id"]] and overdue[0]["overdue"] is True
    assert [n["id"] for n in fu.get("city", f"{API}/notices", params={"overdue": "false"}).json()] == [
        fine["id"]
    ]
    geo = fu.get("leader", f"{API}/notices.geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    props = {f["properties"]["id"]: f["properties"] for f in geo.json()["features"]}
    assert props[late["id"]]["overdue"] is True and props[fine["id"]]["overdue"] is False
    lon, lat = geo.json()["features"][0]["geometry"]["coordinates"]
    assert 92 < lon < 109 and 32 < lat < 43  # Gansu, CGCS2000 lon/lat
    with fu.engine.begin() as conn:  # a deadline of today is not yet overdue
        conn.execute(text("UPDATE notice SET deadline = :d WHERE id = :i"), {"d": today(), "i": late["id"]})
    assert fu.get("city", f"{API}/notices", params={"overdue": "true"}).json() == []


def test_a_county_sees_only_its_notices_and_a_city_only_its_city(fu):
    h = fu.world["houses"]
    mine = fu.issue("city", fu.approved(h["甲组"][0])).json()
    theirs = fu.issue("city", fu.approved(h["乙组"][0])).json()
    by = fu.issue("city_by", fu.approved(fu.world["baiyin"][0])).json()
    assert [n["id"] for n in fu.get("county", f"{API}/notices").json()] == [mine["id"]]
    assert [n["id"] for n in fu.get("county_hg", f"{API}/notices").json()] == [theirs["id"]]
    assert fu.get("county", f"{API}/notices/{theirs['id']}").status_code == 403
    assert fu.get("county", f"{API}/notices/{theirs['id']}/document").status_code == 403
    assert {f["id"] for f in fu.get("county", f"{API}/notices.geojson").json()["features"]} == {mine["id"]}
    assert {n["id"] for n in fu.get("city", f"{API}/notices").json()} == {mine["id"], theirs["id"]}
    assert [n["id"] for n in fu.get("city_by", f"{API}/notices").json()] == [by["id"]]
    assert fu.issue("city_by", fu.approved(h["甲组"][1])).status_code == 403  # another city's house
    assert len(fu.get("prov", f"{API}/notices").json()) == 3
    assert fu.get("i1", f"{API}/notices").status_code == 403


def test_hostile_input_is_refused_and_changes_nothing(fu):
    inspection = fu.approved(fu.world["houses"]["甲组"][0])
    assert fu.issue("city", inspection, days=0).status_code == 422  # today is not after today
    assert fu.issue("city", inspection, days=-5).status_code == 422
    assert fu.issue("city", inspection, days=400).status_code == 422
    bad_date = fu.post("city", f"{API}/notices", json={"inspection_id": inspection, "deadline": "2026-02-30"})
    assert bad_date.status_code == 422
    assert fu.issue("city", inspection, requirements=["坏\x00字"]).status_code == 422
    assert fu.issue("city", inspection, extra=1).status_code == 422
    assert fu.issue("city", 10**12).status_code == 404
    fine = fu.approved(fu.world["houses"]["甲组"][1], summary={"hazard_determination": "none_found"})
    assert fu.issue("city", fine).status_code == 422  # nothing serious: no notice
    with fu.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notice WHERE status <> 'draft'")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM notice_counter")).scalar() == 0
    n = fu.issue("city", inspection).json()
    assert n["number"].endswith("〕1号")  # the refusals used no number
    url = f"{API}/notices/{n['id']}/progress"
    html = fu.post("county", url, data={"text": "x", "version": n["version"]},
                   files=[("files", ("a.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"))])  # fmt: skip
    assert html.status_code == 422 and "不是可识别" in html.json()["message"]
    cut = fu.post("county", url, data={"text": "x", "version": n["version"]},
                  files=[("files", ("a.pdf", b"%PDF-1.4 truncated", "application/pdf"))])  # fmt: skip
    assert cut.status_code == 422
    big = fu.post("county", url, data={"text": "x", "version": n["version"]},
                  files=[("files", ("a.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10), "application/pdf"))])  # fmt: skip
    assert big.status_code == 413
    ctl = fu.post("county", url, data={"text": "\x1b[31m", "version": n["version"]})
    assert ctl.status_code == 422
    assert fu.get("county", f"{API}/notices/{n['id']}").json()["version"] == n["version"]
