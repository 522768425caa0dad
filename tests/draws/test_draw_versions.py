"""Draw algorithm versions on PostGIS: a draw made and published with version 1 still verifies IDENTICAL (re-run
with version 1) after version 2 became the default; a version 2 draw verifies too; an unknown version is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import draw as algo
from service.audit.trail import Actor
from service.core.errors import InvalidInput
from service.draws.coverage import coverage_report
from service.draws.plans import PlanSpec, create_plan
from service.draws.service import (
    draw_all_units,
    publish,
    run_county_draw,
    run_house_draws,
    stored_frame,
    verify,
)
from tests.factories import make_account

SEED = "2024-10-21 福利彩票双色球 2024123期 03 07 12 18 25 31 + 09"
V1, V2 = "spotcheck-draw/1", "spotcheck-draw/2"
SPEC = {"name": "版本测试", "year": 2025, "fixed_units": ["620102", "621122"], "houses_per_unit": 20,
        "commercial_min": 12}  # fmt: skip


@pytest.fixture
def session(demo_engine):
    with Session(demo_engine) as s:
        yield s


@pytest.fixture
def actor(demo_engine) -> Actor:
    return Actor(make_account(demo_engine, "versions", "province", name="版本").id, "版本（versions）")


def published_draw(session, actor: Actor, version: str | None) -> int:
    """A published draw; ``version`` set on the record before the houses are drawn (as older software did)."""
    plan = create_plan(session, PlanSpec(**SPEC), source="test")
    draw = run_county_draw(session, plan.id, SEED, actor)
    if version is not None:
        session.execute(text("UPDATE draw SET algorithm_version = :v WHERE id = :d"), {"v": version, "d": draw.id})
        session.expire(draw)
    run_house_draws(session, draw.id, actor)
    publish(session, draw.id, actor)
    session.commit()
    return draw.id


def recorded_samples(session, draw_id: int) -> dict[str, set[int]]:
    rows = session.execute(
        text("SELECT unit_code, house_id FROM draw_house WHERE draw_id = :d AND role = 'sample'"), {"d": draw_id}
    ).all()
    out: dict[str, set[int]] = {}
    for unit, house in rows:
        out.setdefault(unit, set()).add(int(house))
    return out


def test_a_version_1_draw_still_verifies_identical_after_version_2_became_the_default(session, actor):
    assert algo.ALGORITHM_VERSION == V2
    old = published_draw(session, actor, V1)
    new = published_draw(session, actor, None)
    versions = dict(session.execute(text("SELECT id, algorithm_version FROM draw WHERE id IN (:a, :b)"),
                                    {"a": old, "b": new}).all())  # fmt: skip
    assert versions == {old: V1, new: V2}
    for draw_id in (old, new):
        result = verify(session, draw_id, actor)
        assert result.identical, result.checks
        assert result.checks["algorithm_version"] and result.checks["houses"] and result.checks["result_digest"]
    session.commit()
    # The version 1 draw holds what version 1 draws from its frame, not what version 2 would.
    frame = stored_frame(session, old)
    requests = [(u, 20, 12) for u in SPEC["fixed_units"]]
    as_v1 = {u: set(r.sample["house_id"]) for u, r in draw_all_units(frame, requests, SEED, V1).items()}
    as_v2 = {u: set(r.sample["house_id"]) for u, r in draw_all_units(frame, requests, SEED, V2).items()}
    assert recorded_samples(session, old) == as_v1 != as_v2
    assert recorded_samples(session, new) == {
        u: set(r.sample["house_id"])
        for u, r in draw_all_units(stored_frame(session, new), requests, SEED, V2).items()
    }
    # The coverage report uses each draw's own design: the probabilities of v1 for the v1 draw.
    report = coverage_report(session, old, replicates=20)
    assert {u["unit_code"] for u in report["units"]} == set(SPEC["fixed_units"])


def test_an_unknown_version_is_refused_and_never_verifies(session, actor):
    plan = create_plan(session, PlanSpec(**SPEC), source="test")
    draw = run_county_draw(session, plan.id, SEED, actor)
    session.execute(text("UPDATE draw SET algorithm_version = 'spotcheck-draw/0' WHERE id = :d"), {"d": draw.id})
    session.expire(draw)
    with pytest.raises(InvalidInput, match="spotcheck-draw/0"):
        run_house_draws(session, draw.id, actor)
    result = verify(session, draw.id, actor)
    assert not result.identical and result.checks["algorithm_version"] is False
    with pytest.raises(ValueError, match="unknown draw algorithm version"):
        draw_all_units(stored_frame(session, draw.id), [("620102", 20, 12)], SEED, "spotcheck-draw/0")
