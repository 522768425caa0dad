"""The page's rules (web/inspection-rules.js, in real headless Chromium) agree with the server's
(geo.inspection_form) on the same cases: the same problems (field, code, message), relevance and values."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from geo import inspection_form as inf
from tests.geo.test_inspection_form import ANSWERS, BY_NAME, FORM, MISSED, REGISTRY, answers, registry

WEB = Path(__file__).resolve().parents[2] / "web"
ORIGIN = "http://spotcheck.test"

HAND_CASES = [
    ("valid", ANSWERS, REGISTRY, None),
    ("valid, photos held by the server", answers(photos=...), REGISTRY, 4),
    ("nothing answered", {}, REGISTRY, None),
    ("nothing answered, no registry", {}, {}, 0),
    ("answers not an object", ["x"], REGISTRY, None),
    ("answers null", None, REGISTRY, None),
    ("registry not an object", ANSWERS, "x", None),
    ("nulls everywhere", {k: None for k in ANSWERS}, REGISTRY, None),
    ("booleans as strings", answers(hazard_confirmed="false", platform_updated="是"), REGISTRY, None),
    ("numbers as booleans", answers(people_count=True, collapse_risk=0), REGISTRY, None),
    ("integral float counts as integer", answers(people_count=6.0, floors_accurate=False, floors_observed=3.0), REGISTRY, None),
    ("fractional integer", answers(floors_accurate=False, floors_observed=2.5), REGISTRY, None),
    ("same as registry", answers(floor_area_m2_accurate=False, floor_area_m2_observed=320.5), REGISTRY, None),
    ("blank text", answers(address_accurate=False, address_observed=" \u3000\t"), REGISTRY, None),
    ("astral characters counted once", answers(remarks="😀" * 1000), REGISTRY, None),
    ("astral characters too long", answers(remarks="😀" * 1001), REGISTRY, None),
    ("unknown fields sorted", answers(zeta=1, alpha=2, **{"1": 3, "中文": 4}), REGISTRY, None),
    ("unknown choice and duplicates", answers(rectification_measures_observed=["fine", "fine", "fine"]), REGISTRY, None),
    ("choice of the wrong standard", answers(appraisal_standard="GB50292-2015", appraisal_grade="D"), REGISTRY, None),
    ("bad dates", answers(appraisal_report_date="2024-2-1"), REGISTRY, None),
    ("leap day", answers(appraisal_report_date="2024-02-29"), REGISTRY, None),
    ("date out of range", answers(appraisal_report_date="1989-12-31"), REGISTRY, None),
    ("paper rectification", answers(rectification_observed="pending"), REGISTRY, None),
    ("paper rectification flagged, no note", answers(rectification_observed="pending", paper_rectification=True), REGISTRY, None),
    ("platform lags", answers(rectification_observed="done"), registry(rectification_status="in_progress"), None),
    ("collapse risk, no measures", answers(collapse_risk=True), registry(hazard_grade="collapse_risk"), None),
    ("collapse risk, occupants", answers(collapse_risk=True, control_measures=["stop_use"]),
     registry(hazard_grade="collapse_risk"), 2),
    ("collapse risk, none found", answers(collapse_risk=True, control_measures=["evacuate"], hazard_confirmed=False,
                                          hazard_observed="none_found", hazard_note="墙体开裂"), REGISTRY, None),
    ("hazard same as registry", answers(hazard_confirmed=False, hazard_observed="serious", hazard_note="x"), REGISTRY, None),
    ("demolished", answers(occupancy="demolished", collapse_risk=True), REGISTRY, None),
    ("missed houses", answers(missed_houses_found=True, missed_houses=[MISSED, {**MISSED, "use_class": "non_commercial"}]),
     REGISTRY, None),
    ("missed houses, bad items", answers(missed_houses_found=True, missed_houses=[
        "x", None, {}, {**MISSED, "point": {"lon": 103.8}, "floors": "3", "colour": 1},
        {**MISSED, "point": {"lon": 90, "lat": 36}, "business_type": "bank", "address": "路" * 201},
    ]), REGISTRY, None),
    ("missed houses, empty list", answers(missed_houses_found=True, missed_houses=[]), REGISTRY, None),
    ("missed houses, too many", answers(missed_houses_found=True, missed_houses=[MISSED] * 21), REGISTRY, None),
    ("missed houses not a list", answers(missed_houses_found=True, missed_houses={"point": None}), REGISTRY, None),
    ("photos with blank ids", answers(photos=["p1", " ", 3]), REGISTRY, None),
    ("photos fewer than the serious minimum", answers(photos=["a", "b"]), REGISTRY, 3),
    ("photos too many", answers(photos=[f"p{i}" for i in range(31)]), REGISTRY, None),
    ("commercial house found", answers(use_class_accurate=False, use_class_observed="mixed"),
     registry(use_class="non_commercial", business_type=None), None),
    ("registry with gaps", answers(), registry(address=None, floors=None, floor_area_m2=None, initial_determination=None), None),
]  # fmt: skip

POOL = [
    None, True, False, 0, -1, 2.5, 7, 1e6, 10**20, "", "  ", "done", "pending", "serious", "none_found", "evacuate",
    "JGJ125-2016", "GB50292-2015", "Asu", "D", "2024-02-29", "2023-02-29", "commercial", "vacant", "demolished", [],
    ["evacuate"], ["stop_use", "stop_use"], ["p1"], ["p1", "p2", "p3", "p4", "p5"], {"lon": 103, "lat": 36},
    {"lon": "103", "lat": 36}, [MISSED], [MISSED, "x"], [{**MISSED, "floors": 0, "extra": 1}], "路" * 201,
    "😀" * 201, {"x": 1},
]  # fmt: skip
REGISTRY_POOL = {
    "rectification_status": ["done", "pending", "in_progress", None, 3], "hazard_grade": ["general", "collapse_risk", None],
    "initial_determination": ["serious", "some", "none_found", None], "business_type": [None, "retail"],
    "use_class": ["commercial", "non_commercial", None], "floors": [None, 4, "4"], "address": [None, "", "某路1号"],
}  # fmt: skip


def random_cases(n: int) -> list:
    rng = random.Random(11)
    fields = [*BY_NAME, "missed_houses_found", "junk"]
    cases = []
    for i in range(n):
        given = copy.deepcopy(ANSWERS)
        if rng.random() < 0.4:
            given.update(missed_houses_found=True, missed_houses=[copy.deepcopy(MISSED)])
        for _ in range(rng.randint(1, 5)):
            value = copy.deepcopy(rng.choice(POOL))
            if rng.random() < 0.2 and given.get("missed_houses"):
                given["missed_houses"][0][rng.choice([*MISSED, "x"])] = value
            elif rng.random() < 0.1:
                given.pop(rng.choice(list(given)), None)
            else:
                given[rng.choice(fields)] = value
        reg = dict(REGISTRY)
        for key in rng.sample(sorted(REGISTRY_POOL), rng.randint(0, 3)):
            reg[key] = rng.choice(REGISTRY_POOL[key])
        cases.append((f"random {i}", given, reg, rng.choice([None, None, 0, 1, 3, 5])))
    return cases


CASES = HAND_CASES + random_cases(200)

CONDITIONS = [
    {"eq": ["$a", 1]}, {"eq": ["$a", True]}, {"eq": ["$b", [1, "x"]]}, {"ne": ["$c.d", None]}, {"in": ["$a", [1, 2]]},
    {"in": ["x", "$b"]}, {"gt": ["$a", 0]}, {"lte": ["$e", 1]}, {"gte": [{"count": "$b"}, 2]}, {"count": "$photos"},
    {"count": "$nope"}, {"empty": "$f"}, {"empty": "$g"}, {"not": {"empty": "$registry.x"}},
    {"and": [{"eq": ["$a", 1]}, {"or": []}]}, {"or": [{"and": []}, "$a"]}, {"not": "$a"}, "$c", "$registry.y.z",
    {"eq": ["$c.e", [None]]}, {"eq": [1, 1.0]}, {"eq": [{"eq": [1, 1]}, True]}, {"eq": ["$item.k", 5]},
]  # fmt: skip
COND_ANSWERS = {
    "a": 1,
    "b": [1, "x"],
    "c": {"d": 2, "e": [None]},
    "e": "1",
    "f": " \u3000",
    "g": [],
    "photos": ["p"],
}
COND_REGISTRY = {"x": "", "y": {"z": [3]}}
PATHS = ["hazard_observed", "paper_rectification", "paper_rectification_note", "people_count", "control_measures",
         "missed_houses", "missed_houses[0].business_type", "missed_houses[1].point", "missed_houses[0].nope", "nope",
         "business_type_observed", "appraisal_grade", "collapse_risk"]  # fmt: skip


@pytest.fixture(scope="module")
def rules_page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def serve(route):
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/":
            route.fulfill(body="<!doctype html><title>rules</title>", content_type="text/html; charset=utf-8")
        elif path == "/inspection-rules.js":
            route.fulfill(
                path=str(WEB / "inspection-rules.js"), content_type="text/javascript; charset=utf-8"
            )
        else:
            route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(ORIGIN + "/")
    page.errors = errors
    yield page
    context.close()


def run_js(page, body: str, payload) -> object:
    """Run ``body`` with ``m`` (the module) and ``data`` (``payload`` through JSON) in the page."""
    script = f"async (text) => {{ const m = await import('/inspection-rules.js'); const data = JSON.parse(text); {body} }}"
    return page.evaluate(script, json.dumps(payload, ensure_ascii=False))


def test_problems_are_identical_in_python_and_the_browser(rules_page):
    text = json.dumps([[a, r, n] for _, a, r, n in CASES], ensure_ascii=False)
    cases = json.loads(text)  # both sides read the same JSON
    expected = [[[p.field, p.code, p.message] for p in inf.validate(FORM, a, r, n)] for a, r, n in cases]
    got = run_js(
        rules_page,
        "return data.cases.map(([a, r, n]) => m.validate(data.form, a, r, n).map((p) => [p.field, p.code, p.message]));",
        {"form": FORM, "cases": cases},
    )
    assert len(CASES) >= 25 and sum(map(bool, expected)) > 150
    codes = {p[1] for problems in expected for p in problems}
    assert codes == set(inf.CODES)  # every kind of problem is compared
    for (label, *_), want, have in zip(CASES, expected, got, strict=True):
        assert have == want, label
    assert rules_page.errors == []


def test_relevance_is_identical_in_python_and_the_browser(rules_page):
    cases = json.loads(json.dumps([[a, r] for _, a, r, _ in CASES[:60]], ensure_ascii=False))
    expected = [[inf.is_relevant(FORM, p, a, r) for p in PATHS] for a, r in cases]
    got = run_js(
        rules_page,
        "return data.cases.map(([a, r]) => data.paths.map((p) => m.isRelevant(data.form, p, a, r)));",
        {"form": FORM, "cases": cases, "paths": PATHS},
    )
    assert got == expected
    assert any(row[PATHS.index("missed_houses[0].business_type")] for row in expected)


def test_conditions_evaluate_identically(rules_page):
    counts = {"photos": 7}
    expected = [inf.evaluate(c, COND_ANSWERS, COND_REGISTRY, counts, {"k": 5}) for c in CONDITIONS]
    got = run_js(
        rules_page,
        "return data.conds.map((c) => m.evaluate(c, data.answers, data.registry, data.counts, {k: 5}));",
        {"conds": CONDITIONS, "answers": COND_ANSWERS, "registry": COND_REGISTRY, "counts": counts},
    )
    assert got == expected
    assert expected[:4] == [True, False, True, True] and expected[9] == 7 and expected[20] is True
