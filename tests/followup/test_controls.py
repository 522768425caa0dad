"""Control measures for a house at risk of collapse: a case opened at once when the inspection is submitted
(through the inspections API, with the form's own rules), shown to the city office before approval; further
measures recorded on site with photos; acknowledged once; the approval then makes the notice's draft."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text

from geo import inspection_form as forms
from tests.filemakers import jpeg_with_exif
from tests.inspections.test_inspections_api import valid_answers

API = "/api/v1/followup"
INSPECTIONS = "/api/v1/inspections"


def _collapse_answers(reg: dict) -> dict:
    """A complete inspection finding the house at risk of collapse, not rectified."""
    answers = valid_answers(reg)
    answers |= {"collapse_risk": True, "control_measures": ["stop_use", "evacuate"],
                "control_note": "已设<警示>标志", "rectification_observed": "pending"}  # fmt: skip
    answers.pop("rectification_measures_observed", None)
    form = forms.load_form()
    for _ in range(3):
        problems = forms.validate(form, answers, reg, photo_count=4)
        for p in problems:
            if p.field == "hazard_observed" or (
                p.field == "hazard_confirmed" and reg["hazard_grade"] != "collapse_risk"
            ):
                answers |= {
                    "hazard_confirmed": False,
                    "hazard_observed": "serious",
                    "hazard_note": "承重墙开裂",
                }
            elif p.field == "paper_rectification":
                answers["paper_rectification"] = reg["rectification_status"] == "done"
            elif p.field == "paper_rectification_note":
                answers["paper_rectification_note"] = "平台已整治，现场未整治"
        answers = forms.clean(form, answers, reg)
    if reg["initial_determination"] != "serious" or reg["hazard_grade"] != "collapse_risk":
        answers |= {"hazard_confirmed": False, "hazard_observed": "serious", "hazard_note": "承重墙开裂"}
    assert forms.validate(form, answers, reg, photo_count=4) == []
    return answers


def _submit_collapse(fu) -> dict:
    house = fu.world["houses"]["甲组"][0]
    reg = fu.get("i1", f"{INSPECTIONS}/houses/{fu.world['draw']}/{house}").json()["registry"]
    client = uuid.uuid4()
    body = {"draw_id": fu.world["draw"], "house_id": house, "answers": _collapse_answers(reg), "version": 0}
    made = fu.client.put(f"{INSPECTIONS}/by-client/{client}", json=body, headers=fu.auth("i1"))
    assert made.status_code == 201, made.text
    for i in range(4):
        r = fu.post("i1", f"{INSPECTIONS}/{made.json()['id']}/photos", data={"client_id": str(uuid.uuid4())},
                    files={"file": (f"{i}.jpg", jpeg_with_exif(), "image/jpeg")})  # fmt: skip
        assert r.status_code == 201, r.text
    sent = fu.client.put(f"{INSPECTIONS}/by-client/{client}", json={**body, "version": 1, "submit": True},
                         headers=fu.auth("i1"))  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert sent.json()["summary"]["collapse_risk"] is True
    return sent.json()


def test_a_collapse_risk_opens_a_case_at_submission_seen_by_the_city_at_once(fu):
    assert fu.get("city", f"{API}/controls").json() == []
    inspection = _submit_collapse(fu)
    alerts = fu.get("city", f"{API}/controls", params={"unacknowledged": "true"}).json()
    assert len(alerts) == 1 and alerts[0]["inspection_id"] == inspection["id"]
    first = alerts[0]["records"][0]
    assert first["source"] == "form" and first["measures"] == ["stop_use", "evacuate"]
    assert first["measure_labels"] == ["停止使用", "人员撤离"] and first["note"] == "已设<警示>标志"
    assert [c["id"] for c in fu.get("county", f"{API}/controls").json()] == [alerts[0]["id"]]
    assert fu.get("prov", f"{API}/controls").json()[0]["id"] == alerts[0]["id"]
    assert fu.get("county_hg", f"{API}/controls").json() == []  # another county
    assert fu.get("city_by", f"{API}/controls").json() == []  # another city
    assert fu.get("city", f"{API}/awaiting").json() == []  # not approved yet: no notice

    case = alerts[0]
    url = f"{API}/controls/{case['id']}"
    when = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    rec = fu.post("county", f"{url}/records", data={"measures": ["seal_and_warn"], "taken_at": when.isoformat(),
                  "responsible": "王村长", "note": "已封闭"},
                  files=[("files", ("撤离.jpg", jpeg_with_exif(), "image/jpeg"))])  # fmt: skip
    assert rec.status_code == 201, rec.text
    last = next(r for r in rec.json()["records"] if r["source"] == "site")  # in the order measures were taken
    assert (
        last["source"] == "site" and last["measures"] == ["seal_and_warn"] and last["responsible"] == "王村长"
    )
    assert dt.datetime.fromisoformat(last["taken_at"]) == when
    photo = fu.get("city", last["photos"][0]["url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    by_inspector = fu.post("i1", f"{url}/records", data={"measures": ["stop_use"], "taken_at": when.isoformat(),
                           "responsible": "检查员"})  # fmt: skip
    assert by_inspector.status_code == 201
    assert fu.post("i2", f"{url}/records", data={"measures": ["stop_use"], "taken_at": when.isoformat(),
                   "responsible": "乙组"}).status_code == 403  # another team's house  # fmt: skip
    assert fu.post("leader", f"{url}/records", data={"measures": ["stop_use"], "taken_at": when.isoformat(),
                   "responsible": "x"}).status_code == 403  # fmt: skip

    version = by_inspector.json()["version"]
    assert fu.post("county", f"{url}/acknowledge", json={"version": version}).status_code == 403
    assert fu.post("city", f"{url}/acknowledge", json={"version": version - 1}).status_code == 409
    ack = fu.post("city", f"{url}/acknowledge", json={"version": version})
    assert ack.status_code == 200 and ack.json()["acknowledged_by"]
    assert fu.post("city", f"{url}/acknowledge", json={"version": ack.json()["version"]}).status_code == 409
    assert fu.get("city", f"{API}/controls", params={"unacknowledged": "true"}).json() == []

    approved = fu.post("lead", f"{INSPECTIONS}/{inspection['id']}/review",
                       json={"action": "approve", "version": inspection["version"]})  # fmt: skip
    assert approved.status_code == 200, approved.text
    waiting = fu.get("city", f"{API}/awaiting").json()
    assert len(waiting) == 1 and waiting[0]["notice_id"] and waiting[0]["collapse_risk"] is True
    drafts = fu.get("city", f"{API}/notices", params={"status": "draft"}).json()
    assert [d["id"] for d in drafts] == [waiting[0]["notice_id"]] and drafts[0]["number"] is None
    with fu.engine.connect() as conn:
        actions = (
            conn.execute(
                text(
                    "SELECT action FROM audit_event WHERE target_type IN ('control_case', 'notice') ORDER BY id"
                )
            )
            .scalars()
            .all()
        )
    assert actions == [
        "control_open",
        "control_record",
        "control_record",
        "control_acknowledge",
        "notice_draft",
    ]
    assert len(fu.get("city", f"{API}/controls").json()) == 1  # approval opens no second case


def test_hostile_control_records_are_refused(fu):
    _submit_collapse(fu)
    case = fu.get("county", f"{API}/controls").json()[0]
    url = f"{API}/controls/{case['id']}/records"
    now = dt.datetime.now(dt.UTC)
    good = {"measures": ["evacuate"], "taken_at": now.isoformat(), "responsible": "王村长"}
    for bad in ({**good, "measures": ["demolish_all"]}, {**good, "measures": ["<script>"]},
                {**good, "taken_at": "2026-12-03T10:00"}, {**good, "taken_at": "昨天"},
                {**good, "taken_at": (now + dt.timedelta(days=1)).isoformat()},
                {**good, "taken_at": "2020-01-01T00:00+08:00"}, {**good, "responsible": "  "},
                {**good, "responsible": "王\x00"}, {**good, "responsible": "长" * 51}):  # fmt: skip
        r = fu.post("county", url, data=bad)
        assert r.status_code == 422, (bad, r.text)
    pdf = fu.post(
        "county", url, data=good, files=[("files", ("a.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"))]
    )
    assert pdf.status_code == 422 and "只能上传照片" in pdf.json()["message"]
    assert fu.post("county", f"{API}/controls/999999/records", data=good).status_code == 404
    assert fu.post("county_hg", url, data=good).status_code == 403
    assert len(fu.get("county", f"{API}/controls").json()[0]["records"]) == 1


def test_backfill_opens_what_stored_findings_call_for_once(fu):
    from sqlalchemy.orm import Session

    from service.accounts.deps import Principal
    from service.accounts.roles import Role
    from service.accounts.scope import EVERYTHING
    from service.followup.hooks import backfill
    from tests.followup.conftest import COLLAPSE

    h = fu.world["houses"]["甲组"]
    fu.approved(h[0], COLLAPSE, answers={"control_measures": ["evacuate"]})
    fu.approved(h[1])
    fu.approved(h[2], {"hazard_determination": "none_found"})
    prov = fu.world["accounts"]["prov"]
    principal = Principal(prov["id"], prov["username"], "省专班", "省专班", Role.PROVINCE, EVERYTHING, "cli")
    with Session(fu.engine) as session:
        assert backfill(session, principal) == (1, 2)
        assert backfill(session, principal) == (0, 0)
        session.commit()
    case = fu.get("city", f"{API}/controls").json()[0]
    assert case["records"][0]["measures"] == ["evacuate"] and case["acknowledged_at"] is None
    assert len(fu.get("city", f"{API}/notices", params={"status": "draft"}).json()) == 2


def _resubmit(fu, inspection: dict, answers: dict) -> dict:
    """The reviewer returns the inspection; the inspector submits it again with ``answers``."""
    back = fu.post("lead", f"{INSPECTIONS}/{inspection['id']}/review",
                   json={"action": "return", "version": inspection["version"], "comment": "请复核倒塌风险"})  # fmt: skip
    assert back.status_code == 200, back.text
    body = {"draw_id": inspection["draw_id"], "house_id": inspection["house_id"], "answers": answers,
            "version": back.json()["version"], "submit": True}  # fmt: skip
    sent = fu.client.put(f"{INSPECTIONS}/by-client/{inspection['client_id']}", json=body, headers=fu.auth("i1"))
    assert sent.status_code == 200, sent.text
    return sent.json()


def test_a_case_is_cleared_when_the_corrected_inspection_finds_no_risk_and_opened_again_if_it_does(fu):
    inspection = _submit_collapse(fu)
    reg = fu.get("i1", f"{INSPECTIONS}/houses/{inspection['draw_id']}/{inspection['house_id']}").json()["registry"]
    risky = _collapse_answers(reg)
    safe = {k: v for k, v in risky.items() if k not in ("control_measures", "control_note")}
    safe |= {"collapse_risk": False, "hazard_confirmed": False, "hazard_observed": "serious",
             "hazard_note": "复核：裂缝在装饰层，主体结构完好"}  # fmt: skip
    form = forms.load_form()
    safe = forms.clean(form, safe, reg)
    assert forms.validate(form, safe, reg, photo_count=4) == []

    corrected = _resubmit(fu, inspection, safe)
    assert corrected["summary"]["collapse_risk"] is False
    [case] = fu.get("city", f"{API}/controls").json()
    assert case["cleared_at"] and case["cleared_by"] and case["records"][0]["source"] == "form"  # facts stay
    assert fu.get("city", f"{API}/controls", params={"unacknowledged": "true"}).json() == []  # no alert
    ack = fu.post("city", f"{API}/controls/{case['id']}/acknowledge", json={"version": case["version"]})
    assert ack.status_code == 409 and "预警已解除" in ack.json()["message"]

    again = _resubmit(fu, corrected, risky)  # the risk is back: a new alert, with the form's measures again
    assert again["summary"]["collapse_risk"] is True
    [alert] = fu.get("city", f"{API}/controls", params={"unacknowledged": "true"}).json()
    assert alert["id"] == case["id"] and alert["cleared_at"] is None and alert["version"] == case["version"] + 1
    assert [r["source"] for r in alert["records"]] == ["form", "form"]
    with fu.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_event WHERE target_type = 'control_case' ORDER BY id"))
        assert actions.scalars().all() == ["control_open", "control_clear", "control_reopen"]
