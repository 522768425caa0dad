"""geo/satisfaction.py against values computed by hand (no database): item means, the index S = Σ λj·Sj, the
满意率, the t-interval of S and the Wilson interval of the rate; and the definitions as data."""

from __future__ import annotations

import math

import pytest

from geo import satisfaction as G
from service.evaluation.survey.definitions import definition_for, weights

# Two items, weights 3 and 1 (λ = 0.75, 0.25); three respondents:
#   A: a=5 (100), b=3 (60) → c = 0.75·100 + 0.25·60 = 90,  r = 0.75 (a satisfied)
#   B: a=4 (80),  b=4 (80) → c = 80,                      r = 1
#   C: a=2 (30),  b=1 (0)  → c = 22.5,                    r = 0
# Sa = (100 + 80 + 30)/3 = 70, Sb = (60 + 80 + 0)/3 = 46.667; S = 0.75·70 + 0.25·46.667 = 64.1667
# pa = 2/3, pb = 1/3; 满意率 = 0.75·2/3 + 0.25·1/3 = 0.58333 = mean(0.75, 1, 0)
RATINGS = [{"a": 5, "b": 3}, {"a": 4, "b": 4}, {"a": 2, "b": 1}]
WEIGHTS = {"a": 3, "b": 1}


def test_item_means_and_index_by_hand():
    items = G.item_means(RATINGS, WEIGHTS)
    assert [(i.key, i.weight, i.n) for i in items] == [("a", 0.75, 3), ("b", 0.25, 3)]
    assert items[0].mean == pytest.approx(70) and items[1].mean == pytest.approx(140 / 3)
    assert items[0].satisfied_rate == pytest.approx(2 / 3) and items[1].satisfied_rate == pytest.approx(1 / 3)
    assert items[0].counts == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    assert G.index_of(items) == pytest.approx(64.1666667)


def test_respondents_score_and_intervals_by_hand():
    people = [G.respondent(r, WEIGHTS) for r in RATINGS]
    assert [(p.index, p.satisfied) for p in people] == [(90, 0.75), (80, 1), (22.5, 0)]
    s = G.score(people)
    assert s.n == 3
    assert s.index == pytest.approx(64.1666667)  # equals Σ λj·Sj above
    assert s.satisfied_rate == pytest.approx(0.5833333)
    # t-interval: mean 64.1667, sd = sqrt(((25.8333)² + (15.8333)² + (41.6667)²)/2) = 36.4292, se = 21.0324,
    # t(0.975, 2) = 4.302653 → half-width 90.495: [−26.33, 154.66] cut to [0, 100]
    sd = math.sqrt((25.8333333**2 + 15.8333333**2 + 41.6666667**2) / 2)
    assert sd == pytest.approx(36.4292, abs=1e-4)
    assert s.index_ci == (0.0, 100.0)
    # Wilson, p = 0.58333, n = 3, z = 1.959964: centre = (p + z²/6)/(1 + z²/3) = 0.53654,
    # half = z/(1 + z²/3)·sqrt(p(1−p)/3 + z²/36) = 0.37238 → [0.1642, 0.9089]
    lo, hi = s.satisfied_ci
    assert lo == pytest.approx(0.16417, abs=1e-4) and hi == pytest.approx(0.90892, abs=1e-4)


def test_t_interval_by_hand_uncut():
    # 70, 80, 90, 100: mean 85, sd = 12.9099, se = 6.45497, t(0.975, 3) = 3.182446 → ±20.5426
    lo, hi = G.t_interval([70, 80, 90, 100])
    assert lo == pytest.approx(64.4574, abs=1e-3) and hi == pytest.approx(100.0)
    lo, hi = G.t_interval([60, 70, 80, 90], high=100)  # mean 75 ± 20.5426
    assert lo == pytest.approx(54.4574, abs=1e-3) and hi == pytest.approx(95.5426, abs=1e-3)
    assert G.t_interval([80]) is None
    assert G.t_interval([80, 80]) == (80.0, 80.0)


def test_wilson_textbook_values():
    # 8 of 10: centre (0.8 + 0.19208)/(1.38415) = 0.71675, half = 0.26023 → [0.4902, 0.9433]
    lo, hi = G.wilson(0.8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = G.wilson(1.0, 5)  # all satisfied: the interval stays below 1 on the left
    assert lo == pytest.approx(0.5655, abs=1e-4) and hi == pytest.approx(1.0)
    assert G.wilson(0.5, 0) is None


def test_no_respondents_and_bad_input():
    s = G.score([])
    assert (s.index, s.index_ci, s.satisfied_rate, s.satisfied_ci, s.n) == (None, None, None, None, 0)
    with pytest.raises(ValueError):
        G.respondent({"a": 5}, WEIGHTS)  # b unrated
    with pytest.raises(ValueError):
        G.normalise({"a": 0, "b": 1})
    assert G.index_of(G.item_means([], WEIGHTS)) is None


def test_the_scale_is_the_notices():
    assert G.LEVEL_SCORES == {5: 100, 4: 80, 3: 60, 2: 30, 1: 0}
    d = definition_for(2024)
    assert G.scale_scores(d["scale"]) == G.LEVEL_SCORES
    assert [s["label"] for s in d["scale"]] == ["很满意", "满意", "基本满意", "不太满意", "不满意"]


def test_definitions_have_the_four_parts_for_three_groups():
    d = definition_for(2026)  # a later year uses the newest definition not after it
    assert d["year"] == 2024 and list(d["parts"].values()) == ["基本信息", "满意度", "需求", "开放性问题"]
    for group in ("official", "staff", "resident"):
        g = d["groups"][group]
        assert g["basic"] and g["items"] and g["needs"] and g["open"]
        assert sum(G.normalise(weights(d, group)).values()) == pytest.approx(1)


def test_open_answers_grouped_by_theme():
    themes = [("资金与补助", ["资金", "补助"]), ("宣传与培训", ["宣传"])]
    got = G.group_open(["希望增加补助", "  ", "多宣传", "资金不到位也要宣传", "路不好走"], themes)
    assert got == [("资金与补助", ["希望增加补助", "资金不到位也要宣传"]), ("宣传与培训", ["多宣传"]),
                   ("其他", ["路不好走"])]  # fmt: skip
