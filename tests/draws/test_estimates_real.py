"""The draw's estimates from its inspection results (service/draws/estimates.py) on the field-work world:
approved inspections made in a fixture from real answers (geo.inspection_form.summary), checked by hand
for one unit; submitted ones pending unless asked for; a partial scope; simulated numbers only on the
synthetic demo frame without results, and said so."""

# ruff: noqa: F811  (the field-work fixtures are imported by name and then requested as arguments)

from __future__ import annotations

import datetime as dt
import math
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import inspection_form as forms
from service.inspections.models import Inspection, InspectionReview
from tests.fieldwork.conftest import field, field_server, field_template, field_url  # noqa: F401 (fixtures)
from tests.inspections.test_inspections_api import valid_answers

API = "/api/v1/inspections"
SUBMITTED = dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 December in Beijing


def _answers(reg: dict, i: int) -> dict:
    """Varied findings: a wrong address every third house, a corrected determination every fourth, two
    missed houses every fifth, 数字整治 on every second house the platform says is rectified."""
    answers = valid_answers(reg)
    if i % 3 == 0:
        answers |= {"address_accurate": False, "address_observed": f"核查所见地址{i}号"}
    if i % 4 == 0:
        other = "serious" if reg["initial_determination"] != "serious" else "general"
        answers |= {"hazard_confirmed": False, "hazard_observed": other, "hazard_note": "现场复核"}
    if i % 5 == 0:
        point = {"lon": reg["lon"] + 0.001, "lat": reg["lat"]}
        item = {
            "point": point,
            "address": "相邻院落",
            "use_class": "residential",
            "floors": 2,
            "hazard_seen": False,
        }
        answers |= {"missed_houses_found": True, "missed_houses": [item, item]}
    if reg["rectification_status"] == "done" and i % 2 == 0:
        answers |= {
            "paper_rectification": True,
            "paper_rectification_note": "未见加固",
            "rectification_observed": "pending",
        }
    return answers


def _estimate(body: dict, indicator: str, level: str, code: str) -> dict:
    (row,) = [r for r in body["estimates"][indicator][level] if r["code"] == code]
    return row


@pytest.fixture
def inspected(field):
    """Every house of both teams inspected; all approved but the last house of 甲组 (submitted)."""
    w = field.world
    form = forms.load_form()
    rows = []
    at = SUBMITTED
    with Session(field.engine) as session:
        for team, who in (("甲组", "i1"), ("乙组", "i2")):
            for i, house in enumerate(w["houses"][team]):
                reg = field.get(who, f"{API}/houses/{w['draw']}/{house}").json()["registry"]
                answers = _answers(reg, i)
                last = team == "甲组" and i == len(w["houses"][team]) - 1
                row = Inspection(client_id=uuid.uuid4(), draw_id=w["draw"], house_id=house, team_id=w["teams"][team],
                                 unit_code=reg["unit_code"], form_version="v1", answers=answers,
                                 summary=forms.summary(form, answers, reg), status="submitted" if last else "approved",
                                 synthetic=True, version=3, created_by_account_id=w["accounts"][who]["id"],
                                 updated_by_account_id=w["accounts"]["lead"]["id"], submitted_at=at,
                                 updated_at=at + dt.timedelta(hours=1))  # fmt: skip
                session.add(row)
                session.flush()
                session.add(InspectionReview(inspection_id=row.id, action="submit", version=2, at=at,
                                             account_id=w["accounts"][who]["id"]))  # fmt: skip
                if not last:
                    session.add(InspectionReview(inspection_id=row.id, action="approve", version=3, at=row.updated_at,
                                                 account_id=w["accounts"]["lead"]["id"]))  # fmt: skip
                rows.append(row)
                at += dt.timedelta(minutes=7)
        session.commit()
        design = {
            r.house_id: (r.unit_code, r.inclusion_probability, r.rectification_status)
            for r in session.execute(text(
                "SELECT dh.house_id, dh.unit_code, dh.inclusion_probability, rec.rectification_status "
                "FROM draw_house dh JOIN draw_house_record rec USING (draw_id, house_id) "
                "WHERE dh.draw_id = :d AND dh.role = 'sample'"), {"d": w["draw"]})
        }  # fmt: skip
        out = [(r.house_id, r.unit_code, r.status, r.summary) for r in rows]
        ids = {r.house_id: r.id for r in rows}
    return {"inspections": out, "design": design, "ids": ids}


def _hand(inspected, unit: str, key: str, statuses=("approved",), domain=None) -> tuple[int, float]:
    """n and the Hájek estimate sum(y / pi) / sum(1 / pi) over the unit's houses with a result."""
    design = inspected["design"]
    ys = [(s[key], design[h][1]) for h, u, st, s in inspected["inspections"]
          if u == unit and st in statuses and s[key] is not None and (domain is None or design[h][2] == domain)]  # fmt: skip
    return len(ys), sum(float(y) / p for y, p in ys) / sum(1 / p for _, p in ys)


def test_estimates_from_approved_inspections(field, inspected):
    draw = field.world["draw"]
    r = field.get("prov", f"/api/v1/draws/{draw}/estimates")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "inspections" and body["simulated"] is False and body["simulated_share"] is None
    jia, yi = (len(field.world["houses"][t]) for t in ("甲组", "乙组"))
    drawn = sum(1 for u, _, _ in inspected["design"].values() if u == "620102")
    assert body["counts"] == {"drawn": len(inspected["design"]), "approved": jia + yi - 1, "pending_review": 1,
                              "in_progress": 0, "used": jia + yi - 1}  # fmt: skip
    assert "待审核" in body["note"] and "include_submitted" in body["note"] and "合成演示数据" in body["note"]
    assert [i["key"] for i in body["indicators"]] == ["record_accurate", "hazard_correct", "paper_rectification",
                                                      "missed_houses"]  # fmt: skip
    for key in ("record_accurate", "hazard_correct", "missed_houses"):
        e = _estimate(body, key, "unit", "620102")
        n, value = _hand(inspected, "620102", key)
        assert (e["n"], e["drawn"]) == (n, drawn) and e["estimate"] == pytest.approx(value), key
        assert e["ci_low"] <= e["estimate"] <= e["ci_high"] and e["se"] >= 0 and e["df"] >= 1
        assert e["name"] == "城关区" and e["level"] == "unit"
    accurate = _estimate(body, "record_accurate", "unit", "620102")
    assert 0 < accurate["estimate"] < 1 and accurate["scale"] == "logit" and accurate["se"] > 0
    missed = _estimate(body, "missed_houses", "unit", "620102")
    assert missed["kind"] == "mean" and missed["scale"] == "identity" and missed["estimate"] > 0
    assert missed["ci_low"] >= 0 and "identity" in missed["method"]
    # 数字整治: only among the houses recorded as rectified at the draw; drawn counts that domain too.
    paper = body["estimates"]["paper_rectification"]["unit"]
    assert paper and any(e["estimate"] > 0 for e in paper)
    for e in paper:
        n, value = _hand(inspected, e["code"], "paper_rectification", domain="done")
        assert e["n"] == n and e["estimate"] == pytest.approx(value)
        assert e["drawn"] == sum(
            1 for u, _, s in inspected["design"].values() if u == e["code"] and s == "done"
        )
    # City and province lines: the inspected units only (620402 has no result), names beside codes.
    (prov,) = body["estimates"]["record_accurate"]["province"]
    assert prov["code"] == "620000" and prov["name"] == "全省" and prov["n"] == sum(
        e["n"] for e in body["estimates"]["record_accurate"]["unit"])  # fmt: skip
    assert prov["drawn"] == len(inspected["design"])
    assert {e["code"] for e in body["estimates"]["record_accurate"]["unit"]} == {"620102", "620111"}
    assert [c["name"] for c in body["estimates"]["record_accurate"]["city"]] == ["兰州市"]


def test_submitted_inspections_are_counted_only_when_asked(field, inspected):
    draw = field.world["draw"]
    body = field.get("prov", f"/api/v1/draws/{draw}/estimates", params={"include_submitted": "true"}).json()
    assert body["include_submitted"] is True and body["counts"]["used"] == body["counts"]["drawn"] - sum(
        1 for u, _, _ in inspected["design"].values() if u == "620402")  # fmt: skip
    e = _estimate(body, "record_accurate", "unit", "620102")
    n, value = _hand(inspected, "620102", "record_accurate", statuses=("approved", "submitted"))
    assert e["n"] == n and e["estimate"] == pytest.approx(value)
    assert (
        body["synthetic"] is True and body["note"] == "检查结果来自合成演示数据（非真实房屋）。"
    )  # nothing pending


def test_a_partial_scope_estimates_over_its_own_units(field, inspected):
    # 第二组's firm covers 620402, where nothing is inspected yet: empty estimates, never simulated.
    body = field.get("other", f"/api/v1/draws/{field.world['draw']}/estimates").json()
    assert body["source"] == "inspections" and body["counts"]["approved"] == 0 and body["counts"]["drawn"] > 0
    assert all(rows == [] for levels in body["estimates"].values() for rows in levels.values())
    assert body["note"].startswith("尚无审核通过的入户检查结果")
    lead = field.get("lead", f"/api/v1/draws/{field.world['draw']}/estimates").json()
    (total,) = lead["estimates"]["record_accurate"]["province"]
    assert total["name"].startswith("合计") and "620402" not in {
        e["code"] for e in lead["estimates"]["record_accurate"]["unit"]
    }


def test_simulated_only_on_the_synthetic_frame_without_results(field):
    draw = field.world["draw"]
    body = field.get("prov", f"/api/v1/draws/{draw}/estimates", params={"simulated_share": 0.7}).json()
    assert body["source"] == "simulated" and body["simulated"] is True and body["simulated_share"] == 0.7
    assert body["note"].startswith("模拟结果（合成演示数据）")
    (prov,) = body["estimates"]["record_accurate"]["province"]
    assert prov["n"] == body["counts"]["drawn"] and 0.5 < prov["estimate"] < 0.9
    assert body["estimates"]["missed_houses"]["province"][0]["kind"] == "mean"
    # The same draw on real data (the record says not synthetic) and no results: no numbers, only the note.
    # A published draw's record is frozen by a trigger: lifted for the test.
    with field.engine.begin() as conn:
        conn.execute(text("ALTER TABLE draw_house_record DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE draw_house_record SET synthetic = false WHERE draw_id = :d"), {"d": draw})
        conn.execute(text("ALTER TABLE draw_house_record ENABLE TRIGGER USER"))
    real = field.get("prov", f"/api/v1/draws/{draw}/estimates").json()
    assert real["source"] == "inspections" and real["simulated"] is False
    assert all(rows == [] for levels in real["estimates"].values() for rows in levels.values())
    assert "模拟" not in real["note"] and real["note"].startswith("尚无审核通过的入户检查结果")
    assert real["counts"]["used"] == 0 and math.isclose(real["counts"]["drawn"], body["counts"]["drawn"])
