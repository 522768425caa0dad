"""geo.synthetic_inspections: seeded, reproducible, every answer set valid, shares plausible."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from geo import inspection_form as forms
from geo.inspection_results import result_class
from geo.synthetic_inspections import generate_inspections

TODAY = dt.date(2026, 12, 3)
START = dt.date(2026, 11, 1)
GROUPS = ("第一组", "第二组", "第三组", "第四组")


def registries(n: int = 1200) -> list[dict]:
    """Registry records cycling through every combination that changes what the form asks."""
    combos = itertools.cycle(itertools.product(
        ("serious", "some", "none_found", None), ("collapse_risk", "general", None),
        ("pending", "in_progress", "done", None), ("pending", "in_progress", "done"),
        ("commercial", "mixed", "non_commercial"),
    ))  # fmt: skip
    out = []
    for i, (initial, grade, rect, appraisal, use) in zip(range(n), combos, strict=False):
        out.append({
            "house_id": i + 1, "survey_code": f"62010200{i:06d}", "lon": 103.8 + (i % 50) * 0.01,
            "lat": 36.0 + (i // 50) * 0.01, "group": GROUPS[i % 4], "village": "测试村",
            "address": None if i % 17 == 0 else f"测试路{i}号", "use_class": use,
            "business_type": "catering" if use != "non_commercial" and i % 3 else None,
            "area_type": "built_up" if i % 5 else None, "structure": ["masonry", "reinforced_concrete"][i % 2],
            "floors": [1, 2, 3, 7, 60][i % 5], "build_era": "1991_2000", "floor_area_m2": 120.5 + i,
            "alterations": ["rooftop_storey"] if i % 4 == 0 else [], "geohazards": [] if i % 6 else ["flood"],
            "initial_determination": initial, "hazard_grade": grade, "appraisal_status": appraisal,
            "appraisal_standard": "JGJ125-2016" if appraisal == "done" and i % 2 else None,
            "appraisal_grade": "C" if appraisal == "done" and i % 2 else None,
            "rectification_status": rect, "rectification_deadline": "2024-06-30",
            "measures": ["repair_strengthen"] if rect == "done" else [], "closed_out": False,
        })  # fmt: skip
    return out


@pytest.fixture(scope="module")
def generated():
    houses = registries()
    return houses, generate_inspections(houses, seed=20241021, today=TODAY, start=START)


def test_every_answer_set_passes_the_form_with_its_photos(generated):
    houses, inspections = generated
    form = forms.load_form("v1")
    by_id = {h["house_id"]: h for h in houses}
    for i in inspections:
        reg = by_id[i.house_id]
        problems = forms.validate(form, i.answers, reg, photo_count=len(i.photos))
        assert problems == [], (i.house_id, problems)
        assert forms.clean(form, i.answers, reg) == i.answers  # nothing irrelevant is answered
        assert i.summary == forms.summary(form, i.answers, reg)


def test_the_same_seed_gives_the_same_inspections_and_another_seed_others(generated):
    houses, inspections = generated
    again = generate_inspections(houses, seed=20241021, today=TODAY, start=START)
    assert again == inspections
    other = generate_inspections(houses, seed=1, today=TODAY, start=START)
    assert [i.house_id for i in other] != [i.house_id for i in inspections]
    # a house's inspection does not depend on the other houses
    alone = generate_inspections([h for h in houses if h["house_id"] == inspections[0].house_id], 20241021, TODAY, START)
    assert alone == [inspections[0]]


def test_shares_statuses_and_findings_are_plausible(generated):
    houses, inspections = generated
    assert 0.58 <= len(inspections) / len(houses) <= 0.72
    status = Counter(i.status for i in inspections)
    assert status["approved"] > status["submitted"] > status["returned"] > 0 and status["draft"] > 0
    summaries = [i.summary for i in inspections]
    wrong = sum(s["record_accurate"] is False for s in summaries) / len(summaries)
    assert 0.10 <= wrong <= 0.20
    assert sum(s["hazard_correct"] is True for s in summaries) / len(summaries) > 0.75
    done = [i for i in inspections if by(houses, i)["rectification_status"] == "done"]
    paper = sum(i.summary["paper_rectification"] for i in done) / len(done)
    assert 0.03 <= paper <= 0.12
    collapse = [i for i in inspections if i.summary["collapse_risk"]]
    assert collapse and all(i.answers["control_measures"] for i in collapse)
    assert all("evacuate" in i.answers["control_measures"] for i in collapse if i.answers.get("people_count"))
    assert any(s["missed_houses"] for s in summaries)
    classes = Counter(result_class(i.summary, bool(i.answers.get("control_measures"))) for i in inspections)
    assert {"confirmed", "record_wrong", "digital_only", "collapse_controlled"} <= set(classes)
    assert classes["confirmed"] > len(inspections) / 3  # a third of these registries say collapse risk


def test_times_and_positions_lie_before_today_and_near_the_house(generated):
    houses, inspections = generated
    end = dt.datetime.combine(TODAY, dt.time(9), generate_inspections.__globals__["TZ"])
    for i in inspections:
        h = by(houses, i)
        assert dt.date(2026, 11, 1) <= i.opened_at.date() < TODAY
        assert (i.submitted_at is None) == (i.status == "draft")
        assert i.submitted_at is None or i.opened_at < i.submitted_at < end
        assert i.reviewed_at is None or i.submitted_at < i.reviewed_at <= end
        assert (i.review_comment is not None) == (i.status == "returned")
        assert abs(i.opened_lon - h["lon"]) < 0.01 and abs(i.opened_lat - h["lat"]) < 0.01
        assert all(abs(p.lon - h["lon"]) < 0.001 and abs(p.lat - h["lat"]) < 0.001 for p in i.photos)
        assert i.answers["photos"] == [str(p.client_id) for p in i.photos]
    ids = [i.client_id for i in inspections] + [p.client_id for i in inspections for p in i.photos]
    assert len(set(ids)) == len(ids)


def test_field_work_must_have_started():
    with pytest.raises(ValueError):
        generate_inspections(registries(4), 1, TODAY, TODAY)


def by(houses, inspection):
    return next(h for h in houses if h["house_id"] == inspection.house_id)
