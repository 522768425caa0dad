"""The demo's spot check itself: the notice's plan for the demo year, its draw published, the appendix's four
firms with their reviewers, teams of inspectors, bases and the automatic assignment; after the
inspections, route plans for the days left. Everything goes through the service's own functions.

**The demo's clock.** "Today" is the day the demo is built (Asia/Shanghai); the deadline is December 15 of
that year (the notice's date); field work started two to six weeks before today (``demo_clock``).
Inspections lie between the start and yesterday.

**Accounts.** One firm account (the reviewer) per group and one inspector per team, with usernames
``demo-g1-firm``, ``demo-g1-t1``, … and no password: nobody can log in as them until the administrator
gives one out with ``spotcheck users reset-password demo-g1-firm`` (printed once, changed at the first
login), as for any account. The draw's log names ``demo-province``, a provincial account that is disabled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.gansu import PROVINCE_CODE
from service.accounts.models import Account
from service.accounts.roles import Role
from service.audit.trail import Actor
from service.core.errors import InvalidInput
from service.core.queries import SqlFiles
from service.core.settings import FieldSettings
from service.draws.plans import create_plan, preset
from service.draws.service import publish, run_county_draw, run_house_draws
from service.fieldwork import firms as F
from service.fieldwork.assignment import auto_assign
from service.fieldwork.models import FieldFirm, FieldTeam
from service.fieldwork.planning import TZ, plan_team
from service.fieldwork.schemas import AssignIn, BaseIn, PlanIn, TeamIn

SQL = SqlFiles("service.demo")
NUMERALS = "一二三四五六七八九十"
ACTOR = Actor(None, "演示数据生成（spotcheck serve，合成）")
USER_PREFIX = "demo-"
PACE = 0.58  # the share of the time to the deadline gone by today (about what the inspections reach)
DRAWER = "demo-province"
# Not an Argon2 hash: verify_password refuses every password for it (an account without a password).
NO_PASSWORD = "!demo-account: no password until the administrator resets it"


@dataclass
class DemoContext:
    """What the steps share: the demo's clock, its plan and draw, firms, teams and their accounts."""

    seed: int
    today: dt.date
    start: dt.date
    deadline: dt.date
    plan_id: int | None = None
    draw_id: int | None = None
    firms: dict[str, int] = field(default_factory=dict)  # group -> firm id
    reviewers: dict[int, int] = field(default_factory=dict)  # firm id -> firm account id
    inspectors: dict[int, int] = field(default_factory=dict)  # team id -> inspector account id
    counts: dict[str, int] = field(default_factory=dict)


def demo_clock(today: dt.date) -> tuple[dt.date, dt.date]:
    """(start of field work, deadline) for a demo built on ``today``: the deadline is December 15; field work
    started so that by today about ``PACE`` of the way is behind it (two to six weeks ago), so that some
    firms are on track and some behind (December 3: November 16)."""
    deadline = dt.date(today.year, 12, 15)
    left = (deadline - today).days
    worked = 30 if left < 0 else min(45, max(14, round(PACE / (1 - PACE) * left)))
    return today - dt.timedelta(days=worked), deadline


def new_context(seed: int, today: dt.date | None = None) -> DemoContext:
    """The context of a demo built today (Asia/Shanghai) or on a given day."""
    today = today or dt.datetime.now(TZ).date()
    start, deadline = demo_clock(today)
    return DemoContext(seed=seed, today=today, start=start, deadline=deadline)


def _account(session: Session, username: str, name: str, organisation: str, role: Role, plan_id: int | None = None,
             group: str | None = None, scope_code: str | None = None, active: bool = True) -> int:
    """A demo account (reused when it exists) without a password: nobody can log in as it until the
    administrator gives it one (``spotcheck users reset-password``). Made directly rather than through
    ``accounts.create_account``, whose Argon2 hash of a password nobody would know costs a quarter second."""
    existing = session.scalar(select(Account.id).where(Account.username == username))
    if existing is not None:
        return int(existing)
    account = Account(username=username, name=name, organisation=organisation, role=role.value, scope_code=scope_code,
                      scope_plan_id=plan_id, scope_group=group, password_hash=NO_PASSWORD, must_change_password=True,
                      active=active)  # fmt: skip
    session.add(account)
    session.flush()
    return account.id


def _drawer(session: Session) -> int:
    """The provincial account the demo draw's log names: ``demo-province``, disabled (nobody logs in as it)."""
    return _account(session, DRAWER, "演示抽样（合成）", "甘肃省自建房安全专项整治工作专班（演示）", Role.PROVINCE,
                    scope_code=PROVINCE_CODE, active=False)  # fmt: skip


def draw_and_teams(session: Session, ctx: DemoContext) -> str:
    """The plan (the notice's appendix for the demo year), its draw published, firms, teams, bases, assignment."""
    spec = preset("gansu-2024").model_copy(update={
        "name": f"{ctx.today.year}年全省自建房安全专项整治工作抽查评估（演示，合成数据）",
        "year": ctx.today.year, "deadline": ctx.deadline,
        "source_document": "演示方案：按《关于组织开展全省自建房安全专项整治工作抽查评估的通知》附件分组，房屋为合成数据",
    })  # fmt: skip
    plan = create_plan(session, spec, source="demo:synthetic")
    ctx.plan_id = plan.id
    drawer = Actor(_drawer(session), "演示抽样（合成）")
    ctx.draw_id = run_county_draw(session, plan.id, f"合成演示 种子 {ctx.seed}", drawer).id
    run_house_draws(session, ctx.draw_id, drawer)
    publish(session, ctx.draw_id, drawer)
    centres = {r.unit_code: (r.lon, r.lat) for r in session.execute(SQL.one("demo_unit_centres"), {"draw_id": ctx.draw_id})}
    firms = list(session.scalars(select(FieldFirm).where(FieldFirm.plan_id == plan.id).order_by(FieldFirm.id)))
    teams = 0
    for g, firm in enumerate(firms, start=1):
        ctx.firms[firm.group_name] = firm.id
        ctx.reviewers[firm.id] = _account(session, f"{USER_PREFIX}g{g}-firm", f"{firm.group_name}审核员（演示）",
                                          firm.name, Role.FIRM, plan.id, firm.group_name)  # fmt: skip
        units = sorted(u for u in F.firm_units(session, firm.id) if u in centres)
        n = 3 if len(units) >= 10 else 2
        for k in range(n):
            name = f"{firm.group_name}{NUMERALS[k]}队"
            username = f"{USER_PREFIX}g{g}-t{k + 1}"
            inspector = _account(session, username, f"{name}检查员（演示）", firm.name, Role.INSPECTOR, plan.id,
                                 firm.group_name)  # fmt: skip
            team = F.create_team(session, firm, TeamIn(name=name, members=[username]))
            lon, lat = centres[units[k * len(units) // n]]
            F.add_base(session, team, BaseIn(name=f"{name}驻地", lon=lon, lat=lat, valid_from=ctx.start,
                                             valid_to=max(ctx.deadline, ctx.today + dt.timedelta(days=15))))  # fmt: skip
            ctx.inspectors[team.id] = inspector
            teams += 1
        auto_assign(session, firm, AssignIn(draw_id=ctx.draw_id), ACTOR)
    ctx.counts.update(firms=len(firms), teams=teams)
    return f"draw {ctx.draw_id} published, {len(firms)} firms, {teams} teams"


def route_plans(session: Session, ctx: DemoContext) -> str:
    """Each team's plan for its houses not yet visited, from today over the days left (at least five)."""
    last = max(ctx.today + dt.timedelta(days=4), min(ctx.deadline, ctx.today + dt.timedelta(days=9)))
    body = PlanIn(first_day=ctx.today, last_day=last, provider="geodesic",
                  now=dt.datetime.combine(ctx.today, dt.time(), TZ))  # fmt: skip
    planned, unplanned = 0, 0
    for team in session.scalars(select(FieldTeam).where(FieldTeam.id.in_(ctx.inspectors)).order_by(FieldTeam.id)):
        actor = Actor(ctx.reviewers[team.firm_id], "演示审核员（合成）")
        try:
            with session.begin_nested():  # a refused plan leaves nothing behind
                plan_team(session, team, body, actor, FieldSettings())
            planned += 1
        except InvalidInput:  # every house visited, or none fits the days (a small frame): the team has no plan
            unplanned += 1
    ctx.counts["plans"] = planned
    return f"{planned} route plans" + (f" ({unplanned} teams without one)" if unplanned else "")
