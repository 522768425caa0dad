"""A field-work world on the demo frame, built once per session and cloned for each test.

A small plan of three units in two groups (第一组: 城关区 620102 and 红古区 620111; 第二组: 白银区 620402),
its draw published; accounts of the firm leaders, the inspectors and the provincial office; two teams of
第一组 with a base each, the houses assigned automatically and a five-day plan from today (Asia/Shanghai)
made with the road network of the synthetic demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.conftest import _new_database, _serve, _template, _test_client
from tests.factories import make_account, point_in

UNITS = {"第一组": ["620102", "620111"], "第二组": ["620402"]}
PLAN_DAYS = 5
# name: (role, group); every account's password is tests.factories.PASSWORD
ACCOUNTS = {
    "prov": ("province", None),
    "lead": ("firm", "第一组"),  # the leader of 第一组's firm
    "other": ("firm", "第二组"),
    "i1": ("inspector", "第一组"),  # 甲组
    "i2": ("inspector", "第一组"),  # 乙组
    "i3": ("inspector", "第一组"),  # in no team yet
    "o1": ("inspector", "第二组"),
}


def _gansu_today() -> dt.date:
    from service.fieldwork.planning import TZ

    return dt.datetime.now(TZ).date()


FIRST_DAY = _gansu_today()  # read once: a session that runs past midnight keeps one "today"


def today() -> dt.date:
    """The first day of the world's plans: today in Gansu when the test session started."""
    return FIRST_DAY


def plan_body(first: dt.date | None = None, days: int = PLAN_DAYS, **more) -> dict:
    """A plan request from ``first`` (today) over ``days`` days, planned from that day's midnight."""
    first = first or today()
    return {"first_day": first.isoformat(), "last_day": (first + dt.timedelta(days=days - 1)).isoformat(),
            "now": f"{first.isoformat()}T00:00:00+08:00", **more}  # fmt: skip


def _build(engine) -> dict:
    from service.audit.trail import Actor
    from service.core.settings import FieldSettings
    from service.draws.plans import Group, PlanSpec, create_plan
    from service.draws.service import publish, run_county_draw, run_house_draws
    from service.fieldwork import firms as F
    from service.fieldwork.assignment import auto_assign
    from service.fieldwork.models import FieldFirm
    from service.fieldwork.planning import plan_team
    from service.fieldwork.schemas import AssignIn, BaseIn, PlanIn, TeamIn

    start = today()
    spec = PlanSpec(
        name="入户核查测试方案", year=start.year, deadline=start + dt.timedelta(days=13),
        fixed_units=[u for units in UNITS.values() for u in units],
        groups=[Group(name=g, firm=f"{g}检测公司", units=u) for g, u in UNITS.items()],
    )  # fmt: skip
    with Session(engine) as session:
        plan = create_plan(session, spec, source="tests")
        session.commit()
        plan_id = plan.id
    accounts = {
        name: make_account(engine, name, role, plan_id=plan_id if group else None, group=group).__dict__
        for name, (role, group) in ACCOUNTS.items()
    }  # fmt: skip
    actor = Actor(accounts["prov"]["id"], "测试prov")
    with Session(engine) as session:
        draw = run_county_draw(session, plan_id, "入户核查测试", actor).id
        run_house_draws(session, draw, actor)
        publish(session, draw, actor)
        firms = {f.group_name: f for f in session.query(FieldFirm).filter_by(plan_id=plan_id)}
        first = firms["第一组"]
        teams = {}
        for name, member, unit in (("甲组", "i1", "620102"), ("乙组", "i2", "620111")):
            team = F.create_team(session, first, TeamIn(name=name, members=[member]))
            lon, lat = point_in(session, unit)
            F.add_base(session, team, BaseIn(name=f"{name}驻地", lon=lon, lat=lat, valid_from=start,
                                             valid_to=start + dt.timedelta(days=30)))  # fmt: skip
            teams[name] = team.id
        auto_assign(session, first, AssignIn(draw_id=draw), actor)
        for team_id in teams.values():
            plan_team(session, session.get(F.FieldTeam, team_id), PlanIn.model_validate(plan_body()), actor,
                      FieldSettings())  # fmt: skip
        session.commit()
        houses = {
            name: list(session.execute(text(
                "SELECT house_id FROM field_assignment WHERE team_id = :t ORDER BY house_id"), {"t": t}).scalars())
            for name, t in teams.items()
        }  # fmt: skip
        firm_ids = {g: f.id for g, f in firms.items()}
    return {"plan": plan_id, "draw": draw, "firms": firm_ids, "teams": teams, "houses": houses,
            "accounts": accounts, "first_day": start}  # fmt: skip


@pytest.fixture(scope="session")
def field_template(pg_server, demo_template):
    yield from _template(pg_server, f"{demo_template[0]}_field", demo_template[0], _build)


@dataclass
class Field:
    """One test's copy of the field world: an API client sending no credentials, the engine, the world."""

    client: object
    engine: object
    world: dict

    def auth(self, name: str) -> dict:
        """Headers that authenticate as account ``name`` of ``ACCOUNTS``."""
        return {"Authorization": f"Bearer {self.world['accounts'][name]['token']}"}

    def get(self, name: str, path: str, **kw):
        return self.client.get(path, headers=self.auth(name), **kw)

    def post(self, name: str, path: str, **kw):
        return self.client.post(path, headers=self.auth(name), **kw)

    def patch(self, name: str, path: str, **kw):
        return self.client.patch(path, headers=self.auth(name), **kw)

    def delete(self, name: str, path: str, **kw):
        return self.client.delete(path, headers=self.auth(name), **kw)


@pytest.fixture
def field_url(pg_server, field_template):
    yield from _new_database(pg_server, field_template[0])


@pytest.fixture
def field(field_url, field_template):
    engine = create_engine(field_url)
    for client in _test_client(field_url, as_admin=False):
        yield Field(client, engine, field_template[1])
    engine.dispose()


@pytest.fixture
def field_server(field_url, field_template):
    """The app on a loopback port on a copy of the field world: ``(base_url, world)``."""
    for base in _serve(field_url):
        yield base, field_template[1]
