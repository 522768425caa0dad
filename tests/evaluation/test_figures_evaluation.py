"""The review score and the satisfaction of every unit and city in the key figures: the unit's are those of
service.evaluation.review.summary and service.evaluation.survey.summary, computed again here by hand; a
city's review score is the plain mean of its units' totals, its satisfaction the mean weighted by n."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.evaluation.report_world import review_and_survey

URL = "/api/v1/evaluation/figures"


def _more(fu, year: int) -> float:
    """红古区: its first item scored 0 instead, and one more resident answering 很满意 (5) to every item.
    Returns its review total by hand."""
    from service.evaluation.survey.definitions import definition_for

    d = definition_for(year)
    with fu.engine.begin() as conn:
        conn.execute(text(
            "UPDATE review_score SET score = 0 WHERE unit_code = '620111' AND item_id = "
            "(SELECT s.item_id FROM review_score AS s JOIN review_item AS i ON i.id = s.item_id "
            "WHERE s.unit_code = '620111' ORDER BY i.position LIMIT 1)"))  # fmt: skip
        conn.execute(text(
            "INSERT INTO survey_response (year, definition_year, respondent_group, unit_code, city_code, channel, "
            "entered_by_account_id, ratings, paper_ref) VALUES (:y, :dy, 'resident', '620111', '620100', 'paper', "
            ":a, CAST(:r AS jsonb), '纸质问卷5')"),
            {"y": year, "dy": d["year"], "a": fu.world["accounts"]["lead"]["id"],
             "r": json.dumps({i["key"]: 5 for i in d["groups"]["resident"]["items"]})})  # fmt: skip
        rows = conn.execute(text(
            "SELECT i.weight, s.score FROM review_score AS s JOIN review_item AS i ON i.id = s.item_id "
            "WHERE s.unit_code = '620111'")).all()  # fmt: skip
    return sum(float(w) * float(s) for w, s in rows) / sum(float(w) for w, _ in rows)


def test_units_carry_their_review_total_and_satisfaction_and_cities_combine_them(fu):
    lz = review_and_survey(fu, "620102")
    review_and_survey(fu, "620111")
    hand = sum(w * s for _, w, s in lz["review"]) / sum(w for _, w, _ in lz["review"])
    honggu = _more(fu, lz["year"])
    got = fu.get("prov", URL, params={"level": "all"}).json()
    units = {u["unit_code"]: u for u in got["units"]}
    assert units["620102"]["review_total"] == pytest.approx(hand)
    assert units["620111"]["review_total"] == pytest.approx(honggu) and honggu < hand
    assert units["620402"]["review_total"] is None and units["620402"]["satisfaction_index"] is None
    # 城关区: two residents, every item 满意 (80) and 不太满意 (30): S = 55, 满意率 1/2, n = 2
    assert units["620102"]["satisfaction_index"] == pytest.approx(55.0)
    assert units["620102"]["satisfied_rate"] == pytest.approx(0.5) and units["620102"]["satisfaction_n"] == 2
    low, high = units["620102"]["satisfaction_ci"]
    assert low < 55 < high
    # 红古区: and one 很满意 (100): S = 70, 满意率 2/3, n = 3
    assert units["620111"]["satisfaction_index"] == pytest.approx(70.0)
    assert (
        units["620111"]["satisfied_rate"] == pytest.approx(2 / 3) and units["620111"]["satisfaction_n"] == 3
    )
    city = {c["city_code"]: c for c in got["cities"]}["620100"]
    assert city["review_total"] == pytest.approx((hand + honggu) / 2)
    assert city["satisfaction_index"] == pytest.approx(
        (55 * 2 + 70 * 3) / 5
    )  # weighted by n, not (55 + 70) / 2
    assert city["satisfied_rate"] == pytest.approx((0.5 * 2 + 2 / 3 * 3) / 5) and city["satisfaction_n"] == 5
    # the same figures reach the map, and a county office sees only its own
    geo = {f["id"]: f["properties"] for f in fu.get("leader", URL + ".geojson").json()["features"]}
    assert geo["620111"]["review_total"] == pytest.approx(honggu)
    assert geo["620111"]["satisfaction_index"] == pytest.approx(70.0)
    mine = fu.get("county", URL, params={"level": "all"}).json()
    assert [u["unit_code"] for u in mine["units"]] == ["620102"]
    assert (
        mine["cities"][0]["satisfaction_index"] == pytest.approx(55.0)
        and mine["cities"][0]["partial"] is True
    )
