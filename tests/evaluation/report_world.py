"""The reports' world on the follow-up world (tests/followup/conftest.py): approved inspections in the three
drawn units (城关区 620102 and 红古区 620111 of 兰州, 白银区 620402) with notices, one of them overdue and one
closed. The tests compute what the report must say from the tables, independently of the service."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text

from tests.followup.conftest import COLLAPSE, SERIOUS

GOOD = {"record_accurate": True, "record_mismatches": [], "hazard_correct": True, "hazard_determination": "general",
        "rectification_observed": "done", "paper_rectification": False, "missed_houses": 1, "collapse_risk": False,
        "platform_updated": True}  # fmt: skip


def report_findings(fu) -> dict:
    """Approved inspections (good, serious, at risk of collapse) and notices; the inspection ids per unit."""
    h, by = fu.world["houses"], fu.world["baiyin"]
    got = {
        "620102": [fu.approved(h["甲组"][0], SERIOUS), fu.approved(h["甲组"][1], GOOD), fu.approved(h["甲组"][2], COLLAPSE),
                   fu.approved(h["甲组"][3], GOOD)],
        "620111": [fu.approved(h["乙组"][0], SERIOUS), fu.approved(h["乙组"][1], GOOD)],
        "620402": [fu.approved(by[0], SERIOUS), fu.approved(by[1], GOOD)],
    }  # fmt: skip
    notices = [fu.issue("city", got["620102"][0]), fu.issue("city", got["620102"][2]),
               fu.issue("city", got["620111"][0]), fu.issue("city_by", got["620402"][0])]  # fmt: skip
    assert all(r.status_code in (200, 201) for r in notices), [r.text[:300] for r in notices]
    ids = [r.json()["id"] for r in notices]
    with fu.engine.begin() as conn:
        past = dt.date.today() - dt.timedelta(days=40)
        conn.execute(text("UPDATE notice SET deadline = :d, issued_on = :i WHERE id = :n"),
                     {"d": past + dt.timedelta(days=10), "i": past, "n": ids[0]})  # fmt: skip
        conn.execute(
            text("UPDATE notice SET status = 'closed', closed_at = now() WHERE id = :n"), {"n": ids[2]}
        )
    return got


REVIEW_SCORES = [92.0, 85.0, 70.0, 55.0, 88.0, 76.0, 64.0, 90.0, 81.0, 73.0]  # by item position, cycled


def review_and_survey(fu, unit: str = "620102") -> dict:
    """Every checklist item of ``unit`` scored (REVIEW_SCORES by position, with a comment), and two resident
    answers, every item 满意 (4) in one and 不太满意 (2) in the other. Returns the year's items and scores."""
    from sqlalchemy.orm import Session

    from service.audit.trail import Actor
    from service.evaluation.review.models import ReviewItem
    from service.evaluation.review.service import ensure_checklist
    from service.evaluation.survey.definitions import definition_for

    w = fu.world
    firm = w["accounts"]["lead"]["id"]
    with Session(fu.engine) as session:
        year = session.execute(text("SELECT p.year FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id "
                                    "WHERE d.id = :d"), {"d": w["draw"]}).scalar_one()  # fmt: skip
        checklist = ensure_checklist(session, Actor(firm, "测试"), year)
        items = (
            session.query(ReviewItem).filter_by(checklist_id=checklist.id).order_by(ReviewItem.position).all()
        )
        scored = [
            (it.title, float(it.weight), REVIEW_SCORES[i % len(REVIEW_SCORES)]) for i, it in enumerate(items)
        ]
        for it, (_, _, score) in zip(items, scored, strict=True):
            session.execute(text("INSERT INTO review_score (item_id, unit_code, score, comment, scored_by_account_id) "
                                 "VALUES (:i, :u, :s, :c, :a)"),
                            {"i": it.id, "u": unit, "s": score, "c": f"评分意见{it.position}", "a": firm})  # fmt: skip
        session.commit()
    group = definition_for(year)["groups"]["resident"]
    with fu.engine.begin() as conn:
        city = conn.execute(
            text("SELECT city_code FROM sampling_unit WHERE code = :u"), {"u": unit}
        ).scalar_one()
        for level in (4, 2):
            conn.execute(text(
                "INSERT INTO survey_response (year, definition_year, respondent_group, unit_code, city_code, channel, "
                "entered_by_account_id, ratings, paper_ref) VALUES (:y, :dy, 'resident', :u, :c, 'paper', :a, "
                "CAST(:r AS jsonb), :p)"),
                {"y": year, "dy": definition_for(year)["year"], "u": unit, "c": city, "a": firm,
                 "r": json.dumps({i["key"]: level for i in group["items"]}), "p": f"纸质问卷{level}"})  # fmt: skip
    return {"year": year, "review": scored}
