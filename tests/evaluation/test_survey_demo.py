"""The demo's questionnaire step (service/demo/evaluation_survey.py) on the follow-up world's draw: answers
of the three groups in every drawn county, every row labelled synthetic and shown so (the API's ``synthetic``,
the page's banner), the same answers again from the same seed, and a step of the demo's ``steps()``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from service.demo.build import steps
from service.demo.evaluation_survey import evaluation_survey
from service.demo.spotcheck import new_context
from tests.evaluation.conftest_survey import API
from tests.web.checks import assert_clean, logged_in_page

TODAY = dt.date(2026, 12, 3)
ANSWERS = ("SELECT unit_code, respondent_group, channel, ratings::text, basic::text, needs::text, open_answers::text, "
           "synthetic, submitted_at FROM survey_response ORDER BY 1, 2, 3, 4, 5, 6, 7, 9")  # fmt: skip


def _run(engine, draw_id: int) -> str:
    ctx = dataclasses.replace(new_context(20240601, TODAY), draw_id=draw_id)
    with Session(engine) as session:
        words = evaluation_survey(session, ctx)
        session.commit()
    return words


def test_the_demo_step_makes_synthetic_answers_of_every_group_reproducibly(fu):
    assert evaluation_survey in steps()
    words = _run(fu.engine, fu.world["draw"])
    assert "(synthetic)" in words and "3 counties" in words
    with fu.engine.connect() as conn:
        first = conn.execute(text(ANSWERS)).all()
        per = conn.execute(text(
            "SELECT unit_code, respondent_group, count(*), bool_and(synthetic) FROM survey_response "
            "GROUP BY 1, 2 ORDER BY 1, 2")).all()  # fmt: skip
        batches = conn.execute(text("SELECT count(*), bool_and(synthetic) FROM survey_batch")).one()
        conn.execute(text("DELETE FROM survey_response"))
        conn.execute(text("DELETE FROM survey_batch"))
        conn.commit()
    assert {(u, g) for u, g, _, _ in per} == {(u, g) for u in ("620102", "620111", "620402")
                                              for g in ("official", "resident", "staff")}  # fmt: skip
    assert all(flag for *_, flag in per) and all(n >= 3 for _, _, n, _ in per)
    assert tuple(batches) == (3, True)
    assert all(row.synthetic for row in first)
    _run(fu.engine, fu.world["draw"])
    with fu.engine.connect() as conn:
        assert conn.execute(text(ANSWERS)).all() == first  # the same seed, the same answers
    results = fu.get("prov", f"{API}/results", params={"year": 2026}).json()
    assert len(results) == 3 and all(u["synthetic"] for u in results)
    assert all(u["overall"]["n"] >= 10 and 0 < u["overall"]["index"] < 100 for u in results)
    assert all(u["overall"]["index_ci"] and u["overall"]["satisfied_ci"] for u in results)
    # the dashboard's figures (service/evaluation/figures.py) read the same results through survey_results
    units = fu.get("prov", "/api/v1/evaluation/figures", params={"level": "county"}).json()["units"]
    index = {u["unit_code"]: u["overall"]["index"] for u in results}
    assert {u["unit_code"]: u["satisfaction_index"] for u in units} == pytest.approx(index)
    assert all(u["synthetic"] and u["satisfaction_n"] >= 10 for u in units)


def test_the_page_labels_demo_answers_synthetic(browser, followup_server):
    base, world, fu = followup_server
    _run(fu.engine, world["draw"])
    with logged_in_page(
        browser, base, world["accounts"]["prov"], viewport={"width": 1280, "height": 900}
    ) as page:
        page.goto(f"{base}/evaluation/survey")
        page.wait_for_selector("body[data-state=ready]")
        page.wait_for_function("window.spotcheckSurvey.loads >= 1")
        banner = page.locator(".synthetic-banner")
        assert banner.is_visible() and "合成" in banner.inner_text()
        assert page.locator("#charts article.unit-card").count() == 3
        assert page.locator("#charts .synthetic-tag").count() == 3
        assert_clean(page, base)
