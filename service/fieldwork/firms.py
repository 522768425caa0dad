"""Firms, teams, members and bases, and who may see or manage which.

A firm is one group of a sampling plan. The provincial office sees and manages every firm; a firm's
accounts (role ``firm``: its leaders) manage their own firm; an inspector sees only their own team; a
leader sees the firms that work in their area. Teams carry a ``version``: a change made from a stale read
is a 409 conflict, never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from geo.gcj02 import gcj02_to_wgs84
from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.draws.models import SamplingPlan
from service.fieldwork.models import FieldBase, FieldFirm, FieldTeam, FieldTeamMember
from service.fieldwork.schemas import BaseIn, BaseOut, FirmOut, MemberOut, TeamIn, TeamOut, TeamPatch

SQL = SqlFiles("service.fieldwork")


def ensure_firms(session: Session, plan_id: int) -> None:
    """Make the plan's groups firms (idempotent); called when a plan is created."""
    session.execute(SQL.one("ensure_firms"), {"plan_id": plan_id})


@dataclass(frozen=True)
class FieldCaller:
    """A caller as field work sees them: the firm (plan, group) and team they belong to, if any."""

    principal: Principal
    plan_id: int | None
    group: str | None
    team_id: int | None

    @property
    def role(self) -> Role:
        """The caller's role."""
        return self.principal.role


def field_caller(session: Session, principal: Principal) -> FieldCaller:
    """The caller's plan, group and team (one query)."""
    row = session.execute(SQL.one("field_caller"), {"a": principal.account_id}).one_or_none()
    plan_id, group, team_id = row if row is not None else (None, None, None)
    return FieldCaller(principal, plan_id, group, team_id)


def _refuse(what: str) -> Forbidden:
    return Forbidden(f"您的账户不能{what}。", f"Your account may not {what}.")


def firm_units(session: Session, firm_id: int) -> list[str]:
    """The units of a firm's group (listed in the plan or given by its draws)."""
    return list(session.execute(SQL.one("firm_units"), {"firm_id": firm_id}).scalars())


def get_firm(session: Session, caller: FieldCaller, firm_id: int, manage: bool = False) -> FieldFirm:
    """A firm the caller may see (or manage); 404 if none, 403 if not the caller's."""
    firm = session.get(FieldFirm, firm_id)
    if firm is None:
        raise NotFound(f"未找到编号为 {firm_id} 的检查机构。", f"No firm has the id {firm_id}.")
    check_firm(session, caller, firm, manage)
    return firm


def check_firm(session: Session, caller: FieldCaller, firm: FieldFirm, manage: bool) -> None:
    """Refuse a firm outside the caller's reach."""
    role = caller.role
    if role is Role.PROVINCE:
        return
    own = (caller.plan_id, caller.group) == (firm.plan_id, firm.group_name)
    if role is Role.FIRM and own:
        return
    if manage:
        raise _refuse("管理该检查机构")
    if role is Role.INSPECTOR and own:
        return
    if role is Role.LEADER:
        scope = caller.principal.scope
        if scope.everything or set(firm_units(session, firm.id)) & scope.units:
            return
    raise _refuse("查看该检查机构")


def get_team(session: Session, caller: FieldCaller, team_id: int, manage: bool = False) -> FieldTeam:
    """A team the caller may see (an inspector: only their own) or manage."""
    team = session.get(FieldTeam, team_id)
    if team is None:
        raise NotFound(f"未找到编号为 {team_id} 的检查组。", f"No team has the id {team_id}.")
    if caller.role is Role.INSPECTOR and not manage and caller.team_id != team.id:
        raise _refuse("查看其他检查组")
    check_firm(session, caller, session.get(FieldFirm, team.firm_id), manage)
    return team


def visible_firms(session: Session, caller: FieldCaller) -> list[FieldFirm]:
    """The firms the caller may see, by plan and group."""
    query = select(FieldFirm).order_by(FieldFirm.plan_id.desc(), FieldFirm.group_name)
    if caller.role in (Role.FIRM, Role.INSPECTOR):
        query = query.where(FieldFirm.plan_id == caller.plan_id, FieldFirm.group_name == caller.group)
    firms = list(session.scalars(query))
    if caller.role is Role.LEADER and not caller.principal.scope.everything:
        firms = [f for f in firms if set(firm_units(session, f.id)) & caller.principal.scope.units]
    return firms


# Teams -----------------------------------------------------------------------------------------------


def _members(session: Session, firm: FieldFirm, usernames: list[str], team_id: int | None) -> list[int]:
    """Account ids of the named inspectors; each must be an active inspector of the firm, in no other team."""
    if len(set(usernames)) != len(usernames):
        raise InvalidInput("检查员名单中有重复的账户。", "The member list repeats an account.")
    ids = []
    for username in usernames:
        row = session.execute(SQL.one("member_candidate"), {"u": username}).one_or_none()
        if row is None:
            raise InvalidInput(f"账户 {username} 不存在。", f"No account is named {username}.")
        if row.role != Role.INSPECTOR or not row.active:
            raise InvalidInput(f"账户 {username} 不是有效的检查员账户。", f"{username} is not an active inspector.")
        if (row.scope_plan_id, row.scope_group) != (firm.plan_id, firm.group_name):
            raise InvalidInput(f"检查员 {username} 不属于本机构（{firm.name}）。", f"{username} is not of this firm.")
        if row.team_id is not None and row.team_id != team_id:
            raise Conflict(f"检查员 {username} 已在另一个检查组。", f"{username} is already in another team.")
        ids.append(row.id)
    return ids


def _set_members(session: Session, team: FieldTeam, account_ids: list[int]) -> None:
    session.execute(text("DELETE FROM field_team_member WHERE team_id = :t"), {"t": team.id})
    session.add_all(FieldTeamMember(team_id=team.id, account_id=a) for a in account_ids)


def _name_free(session: Session, firm_id: int, name: str, team_id: int | None) -> None:
    other = session.scalar(select(FieldTeam.id).where(FieldTeam.firm_id == firm_id, FieldTeam.name == name))
    if other is not None and other != team_id:
        raise Conflict(f"本机构已有名为“{name}”的检查组。", f"The firm already has a team named {name!r}.")


def create_team(session: Session, firm: FieldFirm, body: TeamIn) -> FieldTeam:
    """A new team of the firm, with its vehicles and inspectors."""
    _name_free(session, firm.id, body.name, None)
    members = _members(session, firm, body.members, None)
    team = FieldTeam(firm_id=firm.id, name=body.name, vehicles=body.vehicles)
    session.add(team)
    session.flush()
    _set_members(session, team, members)
    session.flush()
    return team


def patch_team(session: Session, team: FieldTeam, body: TeamPatch) -> dict:
    """Change a team's name, vehicles or members; refuses a stale version. Returns what changed."""
    session.refresh(team, with_for_update=True)
    if body.version != team.version:
        raise Conflict(
            f"检查组“{team.name}”已被他人修改（当前版本 {team.version}），请刷新后重试。",
            f"Team {team.id} changed since it was read (version {team.version}).",
        )
    changed: dict = {}
    firm = session.get(FieldFirm, team.firm_id)
    if body.name is not None and body.name != team.name:
        _name_free(session, firm.id, body.name, team.id)
        changed["name"] = [team.name, body.name]
        team.name = body.name
    if body.vehicles is not None and body.vehicles != team.vehicles:
        changed["vehicles"] = [team.vehicles, body.vehicles]
        team.vehicles = body.vehicles
    if body.members is not None:
        _set_members(session, team, _members(session, firm, body.members, team.id))
        changed["members"] = body.members
    team.version += 1
    session.flush()
    return changed


def delete_team(session: Session, team: FieldTeam) -> None:
    """Remove a team that has no assigned houses."""
    busy = session.scalar(text("SELECT count(*) FROM field_assignment WHERE team_id = :t"), {"t": team.id})
    if busy:
        raise Conflict(
            f"检查组“{team.name}”仍有 {busy} 户房屋，请先把房屋分配给其他组。",
            f"Team {team.id} still has {busy} assigned houses.",
        )
    session.delete(team)
    session.flush()


# Bases -----------------------------------------------------------------------------------------------


def add_base(session: Session, team: FieldTeam, body: BaseIn) -> FieldBase:
    """A base for a working period; GCJ-02 input is converted; periods of one team may not overlap."""
    lon, lat = body.lon, body.lat
    if body.crs == "GCJ-02":
        x, y = gcj02_to_wgs84(lon, lat)
        lon, lat = float(x), float(y)
    overlap = session.scalar(SQL.one("base_overlap"), {"t": team.id, "fr": body.valid_from, "to": body.valid_to})
    if overlap is not None:
        raise Conflict(
            f"驻地时段与“{overlap}”重叠，同一天只能有一个驻地。", "The period overlaps another base of the team."
        )
    base = FieldBase(
        team_id=team.id, name=body.name, geom=f"SRID=4490;POINT({lon} {lat})",
        valid_from=body.valid_from, valid_to=body.valid_to,
    )  # fmt: skip
    session.add(base)
    session.flush()
    return base


def delete_base(session: Session, team: FieldTeam, base_id: int) -> None:
    """Remove one of the team's bases."""
    base = session.get(FieldBase, base_id)
    if base is None or base.team_id != team.id:
        raise NotFound(f"该检查组没有编号为 {base_id} 的驻地。", f"Team {team.id} has no base {base_id}.")
    session.delete(base)
    session.flush()


def base_on(bases: list[BaseOut], day: dt.date) -> BaseOut | None:
    """The base whose period holds the day."""
    return next((b for b in bases if b.valid_from <= day <= b.valid_to), None)


# Views -----------------------------------------------------------------------------------------------


def current_draw(session: Session, plan_id: int) -> int | None:
    """The newest published draw of the plan: the one field work follows."""
    return session.execute(SQL.one("current_draw"), {"plan_id": plan_id}).scalar()


def teams_out(session: Session, teams: list[FieldTeam], draw_id: int | None) -> list[TeamOut]:
    """Teams with members, bases and loads (three queries for any number of teams)."""
    ids = [t.id for t in teams]
    members: dict[int, list[MemberOut]] = {i: [] for i in ids}
    for r in session.execute(SQL.one("team_members"), {"teams": ids}):
        members[r.team_id].append(MemberOut(account_id=r.account_id, username=r.username, name=r.name))
    bases: dict[int, list[BaseOut]] = {i: [] for i in ids}
    for r in session.execute(SQL.one("team_bases"), {"teams": ids}):
        bases[r.team_id].append(BaseOut(id=r.id, name=r.name, lon=r.lon, lat=r.lat,
                                        valid_from=r.valid_from, valid_to=r.valid_to))  # fmt: skip
    loads = {r.team_id: r for r in session.execute(SQL.one("team_loads"), {"teams": ids, "draw_id": draw_id or 0})}
    return [
        TeamOut(
            id=t.id, firm_id=t.firm_id, name=t.name, vehicles=t.vehicles, version=t.version,
            members=members[t.id], bases=bases[t.id],
            houses=loads[t.id].houses if t.id in loads else 0,
            units=list(loads[t.id].units) if t.id in loads else [],
        )
        for t in teams
    ]  # fmt: skip


def firm_teams(session: Session, firm_id: int) -> list[FieldTeam]:
    """The firm's teams by name."""
    return list(session.scalars(select(FieldTeam).where(FieldTeam.firm_id == firm_id).order_by(FieldTeam.name)))


def firm_out(session: Session, firm: FieldFirm, caller: FieldCaller | None = None) -> FirmOut:
    """A firm with its units, deadline and teams (an inspector sees only their own team)."""
    plan = session.get(SamplingPlan, firm.plan_id)
    teams = firm_teams(session, firm.id)
    if caller is not None and caller.role is Role.INSPECTOR:
        teams = [t for t in teams if t.id == caller.team_id]
    return FirmOut(
        id=firm.id, plan_id=firm.plan_id, group_name=firm.group_name, name=firm.name,
        units=firm_units(session, firm.id), deadline=plan.deadline if plan else None,
        teams=teams_out(session, teams, current_draw(session, firm.plan_id)),
    )  # fmt: skip
