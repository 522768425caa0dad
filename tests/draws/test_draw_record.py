"""A draw's record holds at the database level: a published draw's rows stay in it, its plan is frozen and
its digest verified, its houses are exported as drawn, every event names an account, and concurrent steps
are one 200 and one 409 with exactly one event."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from service.audit.trail import Actor
from service.core.errors import Conflict
from service.draws.plans import PlanSpec, create_plan
from service.draws.replacements import use_replacement
from service.draws.service import publish, run_county_draw, run_house_draws, verify
from tests.conftest import app_url
from tests.core.test_service_role import house_csv, post_houses
from tests.factories import make_account

SEED = "2024-10-21 福利彩票双色球 2024123期"
SMALL = {
    "name": "城关区测试",
    "year": 2025,
    "fixed_units": ["620102"],
    "houses_per_unit": 5,
    "commercial_min": 2,
}
FROZEN = ("draw_unit", "draw_frame", "draw_house", "draw_house_record")


@pytest.fixture
def actor(demo_engine) -> Actor:
    return Actor(make_account(demo_engine, "drawer", "province").id, "测试抽样员（drawer）")


def small_draw(session, actor: Actor, published: bool) -> int:
    plan = create_plan(session, PlanSpec(**SMALL), source="test")
    draw = run_county_draw(session, plan.id, SEED, actor)
    run_house_draws(session, draw.id, actor)
    if published:
        publish(session, draw.id, actor)
    session.commit()
    return draw.id


def test_a_published_draws_rows_cannot_move_out_or_in(demo_engine, actor):
    with Session(demo_engine) as session:
        frozen, open_ = small_draw(session, actor, True), small_draw(session, actor, False)
    for table in FROZEN:
        for source, target in ((frozen, open_), (open_, frozen)):
            with pytest.raises(DBAPIError, match=f"draw {frozen} is published"), demo_engine.begin() as conn:
                conn.execute(
                    text(f"UPDATE {table} SET draw_id = :t WHERE draw_id = :s"), {"s": source, "t": target}
                )
        with pytest.raises(DBAPIError, match="published"), demo_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
    with demo_engine.begin() as conn:  # the unpublished draw's rows may still change
        conn.execute(text("UPDATE draw_house SET position = position WHERE draw_id = :d"), {"d": open_})


def test_the_plan_of_a_published_draw_is_frozen_and_verified(demo_engine, actor):
    with Session(demo_engine) as session:
        draw_id = small_draw(session, actor, True)
        plan_id = session.execute(text("SELECT plan_id FROM draw WHERE id = :d"), {"d": draw_id}).scalar_one()
        other = create_plan(session, PlanSpec(**SMALL), source="test").id
        run_county_draw(session, other, SEED, actor)
        session.commit()
        assert verify(session, draw_id, actor).checks["plan_digest"] is True
        session.commit()
    for statement in (
        "UPDATE sampling_plan SET name = 'x' WHERE id = :p",
        "DELETE FROM sampling_plan WHERE id = :p",
    ):
        with pytest.raises(DBAPIError, match="used by a published draw"), demo_engine.begin() as conn:
            conn.execute(text(statement), {"p": plan_id})
    with demo_engine.begin() as conn:  # a plan no published draw uses may still be edited
        conn.execute(text("UPDATE sampling_plan SET name = '改名' WHERE id = :p"), {"p": other})

    # The owner turns the trigger off and edits the plan's spec, then also its digest to match: DIFFERENT.
    with demo_engine.connect() as conn:
        spec = conn.execute(text("SELECT spec FROM sampling_plan WHERE id = :p"), {"p": plan_id}).scalar_one()
    edited = PlanSpec.model_validate(spec | {"name": "改过的方案"}).canonical()
    for digest in (None, hashlib.sha256(edited.encode()).hexdigest()):
        with demo_engine.begin() as conn:
            conn.execute(text("ALTER TABLE sampling_plan DISABLE TRIGGER sampling_plan_frozen"))
            conn.execute(
                text("UPDATE sampling_plan SET spec = CAST(:s AS jsonb), spec_sha256 = coalesce(:h, spec_sha256) "
                     "WHERE id = :p"), {"s": edited, "h": digest, "p": plan_id}
            )  # fmt: skip
            conn.execute(text("ALTER TABLE sampling_plan ENABLE TRIGGER sampling_plan_frozen"))
        with Session(demo_engine) as session:
            result = verify(session, draw_id, actor)
            session.commit()
        assert not result.identical and result.checks["plan_digest"] is False
        assert all(ok for name, ok in result.checks.items() if name != "plan_digest")


def test_every_new_draw_event_names_an_account(demo_engine, actor):
    with Session(demo_engine) as session:
        draw_id = small_draw(session, actor, False)
    with pytest.raises(IntegrityError, match="must name the account"), demo_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO draw_event (draw_id, kind, actor) VALUES (:d, 'verified', '某人')"),
            {"d": draw_id},
        )
    with demo_engine.connect() as conn:
        accounts = conn.execute(
            text("SELECT DISTINCT account_id FROM draw_event WHERE draw_id = :d"), {"d": draw_id}
        )
        assert accounts.scalars().all() == [actor.account_id]


def test_a_replacement_is_made_once_and_never_handed_out_twice(demo_engine, actor):
    with Session(demo_engine) as session:
        draw_id = small_draw(session, actor, True)
        house = session.execute(
            text(
                "SELECT house_id FROM draw_house WHERE draw_id = :d AND role = 'sample' ORDER BY position LIMIT 1"
            ),
            {"d": draw_id},
        ).scalar_one()
        use_replacement(session, draw_id, house, "locked", actor)
        session.commit()
    for column in ("house_id", "replacement_house_id"):  # the unique indexes behind the draw-row lock
        with pytest.raises(IntegrityError, match="ux_draw_event_replace"), demo_engine.begin() as conn:
            conn.execute(
                text("INSERT INTO draw_event (draw_id, kind, house_id, replacement_house_id, account_id) "
                     "SELECT draw_id, kind, house_id + CAST(:a AS int), replacement_house_id + CAST(:b AS int), "
                     "account_id FROM draw_event WHERE draw_id = :d AND kind = 'replacement_used'"),
                {"d": draw_id, "a": 0 if column == "house_id" else 10**9, "b": 0 if column != "house_id" else 10**9},
            )  # fmt: skip


def test_a_second_replacement_waits_for_the_first_and_sees_it(demo_engine, actor):
    """Two replacements in one stratum at once: the second waits on the draw row, then takes the next
    house of the list (without the lock both would take the same one)."""
    with Session(demo_engine) as session:
        draw_id = small_draw(session, actor, True)
        # Two samples of one stratum if there are (they share its replacements), else any two.
        first, second = session.execute(
            text("SELECT house_id FROM draw_house WHERE draw_id = :d AND role = 'sample' "
                 "ORDER BY count(*) OVER (PARTITION BY stratum) DESC, stratum, position LIMIT 2"), {"d": draw_id}
        ).scalars().all()  # fmt: skip
    a, b = Session(demo_engine), Session(demo_engine)
    try:
        mine = use_replacement(a, draw_id, first, "locked", actor)  # holds the lock until commit
        with ThreadPoolExecutor(1) as pool:
            other = pool.submit(use_replacement, b, draw_id, second, "refused", actor)
            _wait_until_blocked(demo_engine)
            assert not other.done()
            a.commit()
            theirs = other.result(timeout=60)
        b.commit()
        assert theirs.replacement_house_id != mine.replacement_house_id
        with pytest.raises(Conflict):  # the same house again
            use_replacement(b, draw_id, first, "refused", actor)
    finally:
        a.close()
        b.close()


def _wait_until_blocked(engine, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            ).scalar_one()  # fmt: skip
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second replacement never waited for the draw's lock")


@contextmanager
def api_as(url, username: str):
    """A TestClient of its own app (and engine) on ``url``, as a new provincial account."""
    from fastapi.testclient import TestClient

    from service.core.app import create_app
    from service.core.settings import DatabaseSettings, SecuritySettings, Settings

    owner = create_engine(url)
    account = make_account(owner, username, "province")
    owner.dispose()
    settings = Settings(
        db=DatabaseSettings(url=url.render_as_string(hide_password=False), app_url=app_url(url)),
        security=SecuritySettings(allowed_hosts=["testserver"]),
    )
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {account.token}"
        yield client


def test_concurrent_steps_through_the_api_are_one_200_and_one_409(demo_url, demo_engine):
    with api_as(demo_url, "one") as one, api_as(demo_url, "two") as two:
        plan = one.post("/api/v1/plans", json=SMALL).json()
        draw_id = one.post("/api/v1/draws", json={"plan_id": plan["id"], "seed": SEED}).json()["id"]

        def both(path: str, body: dict | None = None) -> list[int]:
            barrier = threading.Barrier(2)

            def call(client):
                barrier.wait()
                return client.post(path, json=body)

            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(call, (one, two)))
            for lost in (r for r in answers if r.status_code == 409):  # a Chinese message, not a 500
                assert lost.json()["code"] == "conflict" and any(
                    "\u4e00" <= c <= "\u9fff" for c in lost.json()["message"]
                )
            return sorted(r.status_code for r in answers)

        assert both(f"/api/v1/draws/{draw_id}/houses") == [200, 409]
        assert both(f"/api/v1/draws/{draw_id}/publish") == [200, 409]
        house = one.get(f"/api/v1/draws/{draw_id}/units/620102/map").json()["frame"]["features"]
        sample = next(f["properties"]["house_id"] for f in house if f["properties"]["role"] == "sample")
        assert both(f"/api/v1/draws/{draw_id}/replacements", {"house_id": sample, "reason": "locked"}) == [
            200,
            409,
        ]
    with demo_engine.connect() as conn:
        kinds = conn.execute(
            text("SELECT kind, count(*) FROM draw_event WHERE draw_id = :d GROUP BY kind"), {"d": draw_id}
        ).all()
    assert dict(kinds) == {"units_drawn": 1, "houses_drawn": 1, "published": 1, "replacement_used": 1}


def _csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_published_draw_is_exported_as_drawn_and_formulas_are_plain_text(client, engine):
    formula = '=HYPERLINK("http://x")'
    assert (
        post_houses(client, house_csv(engine, "620102", 8, rows={3: {"详细地址": formula}})).status_code
        == 200
    )
    plan = client.post("/api/v1/plans", json=SMALL | {"houses_per_unit": 8, "commercial_min": 0}).json()
    draw_id = client.post("/api/v1/draws", json={"plan_id": plan["id"], "seed": SEED}).json()["id"]
    assert client.post(f"/api/v1/draws/{draw_id}/houses").status_code == 200
    assert client.post(f"/api/v1/draws/{draw_id}/publish").status_code == 200
    export = client.get(f"/api/v1/draws/{draw_id}/export", params={"format": "csv"}).content
    unit_map = client.get(f"/api/v1/draws/{draw_id}/units/620102/map").json()

    rows = _csv_rows(export)
    assert len(rows) == 8 and {r["详细地址"] for r in rows} >= {"'" + formula, "测试路0号"}
    book = load_workbook(
        io.BytesIO(client.get(f"/api/v1/draws/{draw_id}/export", params={"format": "xlsx"}).content)
    )
    cells = [c for row in book["抽样房屋"].iter_rows() for c in row if c.value == "'" + formula]
    assert len(cells) == 1 and cells[0].data_type == "s"

    # A later import changes every house: address, grade, status, position.
    changes = {"详细地址": "新地址", "隐患等级": "一般安全隐患", "整治状态": "已整治"}
    assert post_houses(client, house_csv(engine, "620102", 8, shift=0.002, **changes)).json()["updated"] == 8
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM house WHERE address = '新地址'")).scalar_one() == 8

    assert client.get(f"/api/v1/draws/{draw_id}/export", params={"format": "csv"}).content == export
    assert client.get(f"/api/v1/draws/{draw_id}/units/620102/map").json() == unit_map
    drawn = {f["properties"]["address"] for f in unit_map["frame"]["features"]}
    assert "新地址" not in drawn and "测试路0号" in drawn
    geo = client.get(f"/api/v1/draws/{draw_id}/export", params={"format": "geojson"}).json()
    assert {f["properties"]["hazard_grade"] for f in geo["features"]} == {"collapse_risk"}
    verified = client.post(f"/api/v1/draws/{draw_id}/verify").json()
    assert verified["identical"] is True and verified["details"]["live_frame_unchanged"] is False
