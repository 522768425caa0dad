"""The inspections list as the review queue reads it: the unit's name, the positions' and photos' checks
against the house, serious findings and the result class (geo.inspection_results), all from the server."""

from __future__ import annotations

import uuid

from geo.inspection_results import RESULT_LABELS
from tests.filemakers import jpeg_with_exif
from tests.inspections.test_inspections_api import valid_answers

API = "/api/v1/inspections"


def submitted(field, index: int, *, far: bool = False, answers: dict | None = None, caption: str = "照片") -> dict:
    """A submitted inspection of the ``index``-th house of 甲组 with four photos; ``far``: opened and
    submitted 4.5 km away, one photo taken there and one without EXIF GPS. ``field`` may be a live server's."""
    who = "i1"
    house = field.world["houses"]["甲组"][index]
    h = field.get(who, f"{API}/houses/{field.world['draw']}/{house}").json()
    here = {"lon": h["lon"] + (0.05 if far else 0.0001), "lat": h["lat"]}
    body = {"draw_id": h["draw_id"], "house_id": h["house_id"], "version": 0,
            "answers": answers or valid_answers(h["registry"]), "opened": here}  # fmt: skip
    client = uuid.uuid4()
    made = field.client.put(f"{API}/by-client/{client}", json=body, headers=field.auth(who))
    assert made.status_code == 201, made.text
    spots = [(h["lon"], h["lat"])] * 4
    if far:
        spots = [(h["lon"], h["lat"]), (here["lon"], here["lat"]), (None, None), (h["lon"], h["lat"])]
    for i, (lon, lat) in enumerate(spots):
        r = field.post(who, f"{API}/{made.json()['id']}/photos", data={"client_id": str(uuid.uuid4()),
                       "caption": f"{caption}{i + 1}"}, files={"file": ("p.jpg", jpeg_with_exif(lon, lat), "image/jpeg")})  # fmt: skip
        assert r.status_code == 201, r.text
    sent = field.client.put(f"{API}/by-client/{client}", json={**body, "version": 1, "submit": True,
                            "submitted": here}, headers=field.auth(who))  # fmt: skip
    assert sent.status_code == 200, sent.text
    return sent.json()


def test_the_list_carries_the_queues_flags_and_result(field):
    near = submitted(field, 0)
    far = submitted(field, 1, far=True)
    items = {i["id"]: i for i in field.get("lead", API).json()}
    a, b = items[near["id"]], items[far["id"]]
    assert a["unit_name"] == "城关区" and a["team_name"] == "甲组" and a["address"]
    assert a["flags"] == [] and a["far"] is False and a["photos"] == 4 and a["photos_far"] == 0
    assert a["result_class"] == "confirmed" and a["result_label"] == RESULT_LABELS["confirmed"]
    assert a["result_colour"].startswith("#")
    codes = {f["code"]: f for f in b["flags"]}
    assert set(codes) == {"opened_far", "submitted_far", "photos_far", "photos_without_gps"}
    assert b["far"] is True and b["photos_far"] == 1 and b["photos_without_gps"] == 1
    assert b["photos_without_time"] == 0  # the test camera always writes its clock
    assert 4000 < b["submitted_distance_m"] < 5000 and "米" in codes["submitted_far"]["label"]
    assert codes["photos_far"]["kind"] == "photo" and codes["opened_far"]["kind"] == "position"
    one = field.get("lead", f"{API}/{far['id']}").json()
    assert abs(one["submitted_position"]["lon"] - one["opened_position"]["lon"]) < 1e-9
    assert field.get("lead", API, params={"status": "approved"}).json() == []


def test_serious_findings_are_flagged_and_classed(field):
    house = field.world["houses"]["甲组"][2]
    reg = field.get("i1", f"{API}/houses/{field.world['draw']}/{house}").json()["registry"]
    answers = valid_answers(reg) | {"hazard_confirmed": False, "hazard_observed": "serious",
                                    "hazard_note": "墙体开裂", "address_accurate": False,
                                    "address_observed": "另一地址"}  # fmt: skip
    answers |= {"collapse_risk": True, "control_measures": ["stop_use", "evacuate"], "control_note": "已撤离"}
    made = submitted(field, 2, answers=answers)
    item = next(i for i in field.get("lead", API).json() if i["id"] == made["id"])
    codes = {f["code"]: f["label"] for f in item["flags"] if f["kind"] == "finding"}
    assert {"collapse_risk", "hazard_wrong", "record_wrong"} <= set(codes)
    assert codes["collapse_risk"] == "倒塌风险" and codes["record_wrong"] == "排查信息 1 项有误"
    assert item["result_class"] == "collapse_controlled"
    draft_house = field.world["houses"]["甲组"][3]
    h = field.get("i1", f"{API}/houses/{field.world['draw']}/{draft_house}").json()
    body = {"draw_id": h["draw_id"], "house_id": h["house_id"], "version": 0, "answers": {}}
    draft = field.client.put(f"{API}/by-client/{uuid.uuid4()}", json=body, headers=field.auth("i1")).json()
    line = next(i for i in field.get("lead", API).json() if i["id"] == draft["id"])
    assert line["result_class"] is None and line["flags"] == [] and line["status_label"] == "草稿"
