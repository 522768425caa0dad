"""The inspections API on the field world: a draft saved and resent, conflicts, a submission checked by the
form's rules, positions and photos' EXIF checked against the house, review, scope, audit."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text

from geo import inspection_form as forms
from tests.filemakers import jpeg_with_exif

API = "/api/v1/inspections"
RECORD = ["address", "use_class", "business_type", "area_type", "structure", "floors", "build_era",
          "floor_area_m2", "alterations", "geohazards"]  # fmt: skip


def _house(field, team: str = "甲组") -> dict:
    house = field.world["houses"][team][0]
    r = field.get("i1" if team == "甲组" else "i2", f"{API}/houses/{field.world['draw']}/{house}")
    assert r.status_code == 200, r.text
    return r.json()


def valid_answers(reg: dict) -> dict:
    """A complete, consistent inspection of a house whose record is right in every field."""
    answers = {f"{name}_accurate": True for name in RECORD}
    answers |= {"hazard_confirmed": True, "rectification_observed": reg["rectification_status"],
                "paper_rectification": False, "appraisal_status_observed": reg["appraisal_status"] or "pending",
                "platform_updated": True, "occupancy": "in_use", "people_count": 3, "collapse_risk": False,
                "missed_houses_found": False, "remarks": "房主配合检查。"}  # fmt: skip
    if reg["hazard_grade"] == "collapse_risk":
        answers |= {"collapse_risk": True, "control_measures": ["stop_use", "evacuate"], "control_note": "已撤离"}
    form = forms.load_form()
    for p in forms.validate(form, answers, reg, photo_count=4):  # fill what the registry makes relevant
        if p.field == "appraisal_standard":
            answers["appraisal_standard"] = reg["appraisal_standard"] or "JGJ125-2016"
        elif p.field == "appraisal_grade":
            answers["appraisal_grade"] = reg["appraisal_grade"] or "B"
        elif p.field == "appraisal_report_date":
            answers["appraisal_report_date"] = "2024-05-01"
        elif p.field == "rectification_measures_observed":
            answers["rectification_measures_observed"] = ["repair_strengthen"]
    assert forms.validate(form, answers, reg, photo_count=4) == [], forms.validate(form, answers, reg, photo_count=4)
    return answers


def _put(field, who: str, client: uuid.UUID, body: dict):
    return field.client.put(f"{API}/by-client/{client}", json=body, headers=field.auth(who))


def test_a_draft_saved_twice_is_stored_once_and_a_stale_change_conflicts(field):
    h = _house(field)
    assert h["inspection"] is None and h["registry"]["survey_code"] == h["survey_code"]
    client = uuid.uuid4()
    body = {"draw_id": h["draw_id"], "house_id": h["house_id"], "version": 0, "answers": {"address_accurate": True},
            "opened": {"lon": h["lon"] + 0.0001, "lat": h["lat"], "accuracy_m": 12}}  # fmt: skip
    first = _put(field, "i1", client, body)
    assert first.status_code == 201, first.text
    again = _put(field, "i1", client, body)  # the phone resends: no second record, no second change
    assert again.status_code == 200 and again.json()["version"] == first.json()["version"] == 1
    assert 5 < first.json()["opened_distance_m"] < 15 and first.json()["position_warnings"] == []
    assert first.json()["problems"]  # a draft may be incomplete; what is missing is said
    changed = _put(field, "i1", client, {**body, "version": 1, "answers": {"address_accurate": False,
                                                                           "address_observed": "新地址"}})  # fmt: skip
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = _put(field, "i1", client, {**body, "version": 1, "answers": {"address_accurate": True}})
    assert stale.status_code == 409 and "第 2 版" in stale.json()["message"]
    other_device = _put(field, "i1", uuid.uuid4(), body)
    assert other_device.status_code == 409 and "已有检查记录" in other_device.json()["message"]
    mistyped = _put(field, "i1", client, {**body, "version": 2, "answers": {"address_accurate": "也许"}})
    assert mistyped.status_code == 422 and mistyped.json()["errors"][0]["field"] == "address_accurate"
    with field.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inspection")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'inspection_save'")).scalar() == 2


def test_submission_needs_the_whole_form_and_photos_then_review(field):
    h = _house(field)
    client = uuid.uuid4()
    answers = valid_answers(h["registry"])
    base = {"draw_id": h["draw_id"], "house_id": h["house_id"], "answers": answers,
            "opened": {"lon": h["lon"], "lat": h["lat"]}}  # fmt: skip
    draft = _put(field, "i1", client, {**base, "version": 0}).json()
    early = _put(field, "i1", client, {**base, "version": 1, "submit": True})
    assert early.status_code == 422 and any(e["field"] == "photos" for e in early.json()["errors"])
    far = {"lon": h["lon"] + 0.05, "lat": h["lat"]}  # about 4.5 km east
    for i, (lon, lat) in enumerate([(h["lon"], h["lat"]), (far["lon"], far["lat"]), (None, None), (None, None)]):
        r = field.post("i1", f"{API}/{draft['id']}/photos", data={"client_id": str(uuid.UUID(int=i + 1)),
                       "caption": f"照片{i}"}, files={"file": (f"{i}.jpg", jpeg_with_exif(lon, lat), "image/jpeg")})  # fmt: skip
        assert r.status_code == 201, r.text
    photos = r.json()["photos"]
    assert len(photos) == 4 and photos[0]["exif_distance_m"] < 5 and photos[1]["far"] is True
    taken = dt.datetime.fromisoformat(photos[0]["taken_at"])  # the camera's clock, read as Beijing time
    assert taken == dt.datetime(2026, 12, 3, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    resent = field.post("i1", f"{API}/{draft['id']}/photos", data={"client_id": str(uuid.UUID(int=1))},
                        files={"file": ("0.jpg", jpeg_with_exif(), "image/jpeg")})  # fmt: skip
    assert len(resent.json()["photos"]) == 4  # stored once
    bad = field.post("i1", f"{API}/{draft['id']}/photos", data={"client_id": str(uuid.uuid4())},
                     files={"file": ("x.jpg", b"<html>not a photo</html>", "image/jpeg")})  # fmt: skip
    assert bad.status_code == 422 and "照片" in bad.json()["message"]
    content = field.get("lead", photos[0]["url"])
    assert content.status_code == 200 and content.headers["content-type"] == "image/jpeg"
    sent = _put(field, "i1", client, {**base, "version": 1, "submit": True, "submitted": far})
    assert sent.status_code == 200, sent.text
    out = sent.json()
    assert out["status"] == "submitted" and out["summary"]["record_accurate"] is True
    assert out["position_warnings"] and "米" in out["position_warnings"][0]
    assert _put(field, "i1", client, {**base, "version": 2, "answers": answers}).status_code == 409  # under review
    assert field.post("i1", f"{API}/{out['id']}/review", json={"action": "approve", "version": 2}).status_code == 403
    no_comment = field.post("lead", f"{API}/{out['id']}/review", json={"action": "return", "version": 2})
    assert no_comment.status_code == 422 and "意见" in no_comment.json()["message"]
    back = field.post("lead", f"{API}/{out['id']}/review", json={"action": "return", "version": 2, "comment": "补拍照片"})
    assert back.json()["status"] == "returned" and back.json()["reviews"][-1]["comment"] == "补拍照片"
    again = _put(field, "i1", client, {**base, "version": 3, "submit": True})
    assert again.json()["status"] == "submitted"
    ok = field.post("prov", f"{API}/{out['id']}/review", json={"action": "approve", "version": 4})
    assert ok.json()["status"] == "approved" and [r["action"] for r in ok.json()["reviews"]] == [
        "submit", "return", "submit", "approve"]
    visited = field.get("lead", f"/api/v1/field/firms/{field.world['firms']['第一组']}/overview").json()
    assert visited["houses_visited"] == 1  # a submission marks the house visited
    # A visited house keeps its place in the sample: it is not replaced.
    refused = field.post("lead", f"/api/v1/draws/{h['draw_id']}/replacements",
                         json={"house_id": h["house_id"], "reason": "locked"})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert refused.json()["message"] == f"房屋 {h['survey_code']} 已入户检查并提交，不能替换。"
    with field.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM draw_event WHERE kind = 'replacement_used'")).scalar() == 0


def test_a_draft_keeps_hidden_answers_and_a_submission_drops_them(field):
    """An answer of a field its other answers hide (``control_note`` without a collapse risk) is kept in a
    draft, for when the answer changes back, and dropped from the stored submission (forms.clean)."""
    h = _house(field)
    answers = valid_answers(h["registry"])
    assert answers["collapse_risk"] is False  # the field world's first house is at no risk of collapse
    answers["control_note"] = "误填的管控说明"
    client = uuid.uuid4()
    base = {"draw_id": h["draw_id"], "house_id": h["house_id"], "answers": answers}
    draft = _put(field, "i1", client, {**base, "version": 0}).json()
    for i in range(4):
        field.post("i1", f"{API}/{draft['id']}/photos", data={"client_id": str(uuid.uuid4())},
                   files={"file": (f"{i}.jpg", jpeg_with_exif(), "image/jpeg")})  # fmt: skip

    def stored() -> dict:
        with field.engine.connect() as conn:
            return conn.execute(text("SELECT answers FROM inspection WHERE id = :i"), {"i": draft["id"]}).scalar()

    assert stored()["control_note"] == "误填的管控说明"
    sent = _put(field, "i1", client, {**base, "version": 1, "submit": True})
    assert sent.status_code == 200, sent.text
    assert "control_note" not in stored() and stored()["remarks"] == "房主配合检查。"


def test_inspectors_reach_only_their_team(field):
    h = _house(field, "乙组")
    r = field.get("i1", f"{API}/houses/{h['draw_id']}/{h['house_id']}")
    assert r.status_code == 403
    body = {"draw_id": h["draw_id"], "house_id": h["house_id"], "version": 0, "answers": {}}
    assert _put(field, "i1", uuid.uuid4(), body).status_code == 403
    made = _put(field, "i2", uuid.uuid4(), body).json()
    assert field.get("i1", f"{API}/{made['id']}").status_code == 403
    assert field.get("i1", API).json() == [] and len(field.get("i2", API).json()) == 1
    assert field.get("other", API).json() == []  # another firm
    assert len(field.get("lead", API).json()) == 1
    assert field.get("i1", f"{API}/form").json()["version"] == "v1"


def test_a_replaced_house_tells_its_team_where_to_go_instead(field):
    h = _house(field)
    body = {"draw_id": h["draw_id"], "house_id": h["house_id"], "version": 0, "answers": {"address_accurate": True}}
    client = uuid.uuid4()
    assert _put(field, "i1", client, body).status_code == 201  # a draft begun on the phone
    r = field.post("lead", f"/api/v1/draws/{h['draw_id']}/replacements", json={"house_id": h["house_id"], "reason": "locked"})
    assert r.status_code == 200, r.text
    new = r.json()["replacement_survey_code"]
    said = f"房屋 {h['survey_code']} 已于"
    again = _put(field, "i1", client, {**body, "version": 1, "answers": {"address_accurate": False}})
    assert again.status_code == 422 and again.json()["message"].startswith(said), again.text
    assert f"因“无人/锁门”替换为备选房屋 {new}，无需再检查" in again.json()["message"]
    assert "本机填写的内容仍保留" in again.json()["message"]
    opened = field.get("i1", f"{API}/houses/{h['draw_id']}/{h['house_id']}")
    assert opened.status_code == 404 and opened.json()["message"].startswith(said)
    other = field.get("i2", f"{API}/houses/{h['draw_id']}/{h['house_id']}")  # another team learns nothing
    assert other.status_code == 403 and new not in other.text
    assert field.get("lead", f"{API}/houses/{h['draw_id']}/{h['house_id']}").status_code == 200  # the firm still reads it
