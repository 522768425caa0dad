"""The world every route of the matrix (test_route_matrix.py) is tried in: a plan, three draws in three
states, accounts of every role in and out of the scope of UNIT, a field team of 第一组 holding UNIT's drawn
houses with a base and a three-day route plan; and the rows some examples make for one call each."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.audit.trail import Actor
from tests.accounts.matrix_followup import build_followup
from tests.accounts.matrix_planner import build_planner
from tests.accounts.matrix_reports import build_reports
from tests.accounts.matrix_review import build_review
from tests.accounts.matrix_survey import build_survey
from tests.factories import make_account, point_in
from tests.fieldwork.conftest import FIRST_DAY as TODAY
from tests.filemakers import jpeg_with_exif

counter = itertools.count()


UNIT = "620102"  # 城关区: group 1 of the 2024 plan, city 兰州

# name: (role, scope_code, group, in scope of UNIT)
PRINCIPALS = {
    "province": ("province", None, None, True),
    "city_in": ("city", "620100", None, True),
    "city_out": ("city", "621200", None, False),
    "county_in": ("county", UNIT, None, True),
    "county_out": ("county", "620103", None, False),
    "firm_in": ("firm", None, "第一组", True),
    "firm_out": ("firm", None, "第二组", False),
    "inspector_in": ("inspector", None, "第一组", True),
    "inspector_out": ("inspector", None, "第二组", False),
    "leader_in": ("leader", "620000", None, True),
    "leader_out": ("leader", "621200", None, False),
}


def build_world(engine) -> dict:
    from service.draws.plans import create_plan, preset
    from service.draws.service import publish, run_county_draw, run_house_draws

    actor = Actor(make_account(engine, "matrix-drawer", "province").id, "矩阵测试")
    with Session(engine) as session:
        plan = create_plan(session, preset("gansu-2024"), source="preset:gansu-2024")
        draws = [run_county_draw(session, plan.id, f"矩阵 {i}", actor).id for i in range(3)]
        run_house_draws(session, draws[0], actor)
        publish(session, draws[0], actor)
        run_house_draws(session, draws[2], actor)
        session.execute(text(
            "INSERT INTO import_batch (kind, filename, file_sha256, format, rows, inserted, updated) "
            "VALUES ('houses', 'x.csv', repeat('0', 64), 'csv', 0, 0, 0)"))  # fmt: skip
        session.commit()
        plan_id = plan.id
    with engine.connect() as conn:
        houses = conn.execute(text(
            "SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'sample' "
            "ORDER BY position"), {"d": draws[0], "u": UNIT}).scalars().all()  # fmt: skip
        house = conn.execute(text("SELECT survey_code, ST_X(geom), ST_Y(geom) FROM house WHERE id = :h"),
                             {"h": houses[0]}).one()  # fmt: skip
        site = conn.execute(text("SELECT id FROM sensitive_site WHERE county_code = :u ORDER BY id LIMIT 1"),
                            {"u": UNIT}).scalar()  # fmt: skip
        batch = conn.execute(text("SELECT max(id) FROM import_batch")).scalar()
        network = conn.execute(text("SELECT max(id) FROM road_network")).scalar()  # the demo's synthetic one
    accounts = {}
    for name, (role, code, group, _) in PRINCIPALS.items():
        made = make_account(engine, name.replace("_", "-"), role, scope_code=code,
                            plan_id=plan_id if group else None, group=group)  # fmt: skip
        accounts[name] = made.__dict__
    spare = make_account(engine, "spare", "county", scope_code=UNIT).__dict__
    firm, team = _team_of(engine, plan_id, "第一组", accounts["inspector_in"]["id"], draws[0], houses)
    _plan_team(engine, team, actor)
    inspection, photo = _inspection_of(engine, draws[0], houses[0], team, accounts["inspector_in"]["id"])
    followup = build_followup(engine, draws[0], UNIT, team, accounts["province"]["id"])
    followup |= build_review(engine, draws[0], UNIT, accounts["province"]["id"])
    followup |= build_reports(engine, UNIT, accounts["province"]["id"])
    followup |= build_survey(engine, UNIT, accounts["province"]["id"])
    followup |= build_planner(engine, plan_id, accounts["province"]["id"])
    return {**followup, "unit": UNIT, "inspection": inspection, "photo": photo, "firm": firm, "team": team, "plan": plan_id, "published": draws[0], "units_drawn": draws[1], "houses_drawn": draws[2],
            "houses": houses, "survey_code": house[0], "lon": house[1], "lat": house[2], "site": site,
            "batch": batch, "network": network, "accounts": accounts, "spare": spare}  # fmt: skip


def _team_of(engine, plan_id: int, group: str, account_id: int, draw_id: int, houses: list[int]) -> tuple[int, int]:
    """A team of the group's firm holding ``account_id`` (an inspector) and these drawn houses (of UNIT): an
    inspector's scope is its team's houses. Returns (firm id, team id)."""
    with engine.begin() as conn:
        firm = conn.execute(text(
            "INSERT INTO field_firm (plan_id, group_name, name) VALUES (:p, :g, :g) "
            "ON CONFLICT (plan_id, group_name) DO UPDATE SET group_name = EXCLUDED.group_name RETURNING id"),
            {"p": plan_id, "g": group}).scalar_one()  # fmt: skip
        team = conn.execute(text("INSERT INTO field_team (firm_id, name) VALUES (:f, '矩阵组') RETURNING id"),
                            {"f": firm}).scalar_one()  # fmt: skip
        conn.execute(text("INSERT INTO field_team_member (team_id, account_id) VALUES (:t, :a)"),
                     {"t": team, "a": account_id})  # fmt: skip
        for house in houses:
            conn.execute(text(
                "INSERT INTO field_assignment (draw_id, house_id, team_id, unit_code, source) "
                "VALUES (:d, :h, :t, :u, 'auto')"), {"d": draw_id, "h": house, "t": team, "u": UNIT})  # fmt: skip
    return firm, team


def _plan_team(engine, team_id: int, actor: Actor) -> None:
    """A base in UNIT from today and a three-day route plan for the team."""
    from service.core.settings import FieldSettings
    from service.fieldwork.firms import add_base
    from service.fieldwork.models import FieldTeam
    from service.fieldwork.planning import plan_team
    from service.fieldwork.schemas import BaseIn, PlanIn

    with Session(engine) as session:
        team = session.get(FieldTeam, team_id)
        lon, lat = point_in(session, UNIT)
        add_base(session, team, BaseIn(name="矩阵驻地", lon=lon, lat=lat, valid_from=TODAY,
                                       valid_to=TODAY + dt.timedelta(days=30)))  # fmt: skip
        plan_team(session, team, PlanIn.model_validate(plan_body()), actor, FieldSettings())
        session.commit()


def plan_body() -> dict:
    return {"first_day": str(TODAY), "last_day": str(TODAY + dt.timedelta(days=2)), "now": f"{TODAY}T00:00:00+08:00"}


def new_team(w) -> int:
    """An empty team of the world's firm, made for one call."""
    with w["db"].begin() as conn:
        return conn.execute(text("INSERT INTO field_team (firm_id, name) VALUES (:f, :n) RETURNING id"),
                            {"f": w["firm"], "n": f"空组{next(counter)}"}).scalar_one()  # fmt: skip


def new_base(w) -> int:
    """A base of the world's team in a period of its own, made for one call."""
    start = TODAY + dt.timedelta(days=100 + 3 * next(counter))
    with w["db"].begin() as conn:
        return conn.execute(text(
            "INSERT INTO field_base (team_id, name, geom, valid_from, valid_to) "
            "VALUES (:t, :n, ST_SetSRID(ST_MakePoint(:x, :y), 4490), :a, :a) RETURNING id"),
            {"t": w["team"], "n": f"驻地{start}", "x": w["lon"], "y": w["lat"], "a": start}).scalar_one()  # fmt: skip


def version_of(w, table: str) -> int:
    key = {"field_team": "id = :t", "field_assignment": "draw_id = :d AND house_id = :h",
           "inspection": "draw_id = :d AND house_id = :h"}[table]
    with w["db"].connect() as conn:
        return conn.execute(text(f"SELECT version FROM {table} WHERE {key}"),
                            {"t": w["team"], "d": w["published"], "h": w["houses"][0]}).scalar_one()  # fmt: skip


INSPECTION_CLIENT = "00000000-0000-4000-8000-000000000001"


def _inspection_of(engine, draw_id: int, house_id: int, team_id: int, account_id: int) -> tuple[int, int]:
    """A draft inspection of the house by the team, with one photo. Returns (inspection id, photo id)."""

    with engine.begin() as conn:
        inspection = conn.execute(text(
            "INSERT INTO inspection (client_id, draw_id, house_id, team_id, unit_code, form_version, "
            "created_by_account_id, updated_by_account_id) VALUES (:c, :d, :h, :t, :u, 'v1', :a, :a) RETURNING id"),
            {"c": INSPECTION_CLIENT, "d": draw_id, "h": house_id, "t": team_id, "u": UNIT, "a": account_id},
        ).scalar_one()  # fmt: skip
        photo = conn.execute(text(
            "INSERT INTO inspection_photo (client_id, inspection_id, content, content_type, sha256, size_bytes, "
            "width, height, uploaded_by_account_id) VALUES (gen_random_uuid(), :i, :b, 'image/jpeg', "
            "repeat('0', 64), 10, 64, 48, :a) RETURNING id"), {"i": inspection, "b": jpeg_with_exif(), "a": account_id},
        ).scalar_one()  # fmt: skip
    return inspection, photo


def submitted_version(w) -> int:
    """Set the world's inspection to submitted (for a review example) and return its version."""
    with w["db"].begin() as conn:
        return conn.execute(text("UPDATE inspection SET status = 'submitted' WHERE id = :i RETURNING version"),
                            {"i": w["inspection"]}).scalar_one()  # fmt: skip
