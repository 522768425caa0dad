"""Field-work API: firms, teams, bases, assignment, route plans, a day's route and its exports.

Who may call what is declared per route (``Permit``); what a caller reaches is checked per firm and team
(``service.fieldwork.firms``): the provincial office everything, a firm's leaders their firm, an inspector
their own team, a leader the firms working in their area. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from sqlalchemy import select

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.db import SessionDep
from service.core.errors import InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.core.settings import SettingsDep
from service.core.uploads import saved_upload
from service.fieldwork import assignment as assign
from service.fieldwork import exports
from service.fieldwork import firms as F
from service.fieldwork.models import FieldFirm, TravelMatrixFile
from service.fieldwork.planning import TZ, plan_team
from service.fieldwork.schemas import (
    AssignIn,
    AssignmentOut,
    AssignmentPatch,
    AssignResult,
    BaseIn,
    BaseOut,
    DayOut,
    FirmOut,
    FirmOverviewOut,
    Id,
    MatrixOut,
    MeOut,
    PlanIn,
    RoutePlanOut,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from service.fieldwork.travel import import_matrix
from service.fieldwork.views import current_plan, firm_overview, plan_days, plan_out

router = APIRouter(prefix="/api/v1/field", tags=["field work"])
SQL = SqlFiles("service.fieldwork")
Reader = Permit(Permission.FIELD_READ)
Manager = Permit(Permission.FIELD_MANAGE)
Visitor = Permit(Permission.FIELD_VISIT)
Day = Annotated[dt.date, Query(description="The day (YYYY-MM-DD, Asia/Shanghai)")]


def _team_out(session, team) -> TeamOut:
    firm = session.get(FieldFirm, team.firm_id)
    return F.teams_out(session, [team], F.current_draw(session, firm.plan_id))[0]


@router.get("/me", summary="The caller's team and its route days", response_model=MeOut)
def me(principal: Reader, session: SessionDep) -> MeOut:
    """An inspector's team (others: none) and the days of its current plan."""
    caller = F.field_caller(session, principal)
    today = dt.datetime.now(TZ).date()
    if caller.team_id is None:
        return MeOut(team=None, plan_id=None, days=[], today=today)
    team = F.get_team(session, caller, caller.team_id)
    try:
        plan = current_plan(session, team)
    except NotFound:
        return MeOut(team=_team_out(session, team), plan_id=None, days=[], today=today)
    days = list(session.execute(SQL.one("plan_dates"), {"plan_id": plan.id}).scalars())
    return MeOut(team=_team_out(session, team), plan_id=plan.id, days=days, today=today)


@router.get("/firms", summary="Firms the caller may see", response_model=list[FirmOut])
def firms(principal: Reader, session: SessionDep) -> list[FirmOut]:
    """Every firm (a plan's group) in the caller's reach, newest plan first."""
    caller = F.field_caller(session, principal)
    return [F.firm_out(session, f, caller) for f in F.visible_firms(session, caller)]


@router.get("/firms/{firm_id}", summary="One firm with its teams", response_model=FirmOut)
def firm(principal: Reader, session: SessionDep, firm_id: Id) -> FirmOut:
    """A firm, its units, deadline and teams."""
    caller = F.field_caller(session, principal)
    return F.firm_out(session, F.get_firm(session, caller, firm_id), caller)


@router.get("/firms/{firm_id}/overview", summary="The firm's days, progress and what is unscheduled",
            response_model=FirmOverviewOut)  # fmt: skip
def overview(principal: Reader, session: SessionDep, firm_id: Id) -> FirmOverviewOut:
    """Every team's days (houses, hours, distance, line), progress against the deadline, unscheduled houses."""
    caller = F.field_caller(session, principal)
    return firm_overview(session, F.get_firm(session, caller, firm_id), caller)


@router.post("/firms/{firm_id}/teams", summary="Create a team", status_code=201, response_model=TeamOut)
def create_team(principal: Manager, session: SessionDep, firm_id: Id, body: TeamIn) -> TeamOut:
    """A new team of the firm with its vehicles and inspectors (inspector accounts of the firm)."""
    firm_row = F.get_firm(session, F.field_caller(session, principal), firm_id, manage=True)
    team = F.create_team(session, firm_row, body)
    record(session, principal.actor, "field_team_create", "field_team", team.id,
           detail={"firm_id": firm_id, "name": body.name, "vehicles": body.vehicles, "members": body.members})  # fmt: skip
    session.commit()
    return _team_out(session, team)


@router.get("/teams/{team_id}", summary="One team", response_model=TeamOut)
def team(principal: Reader, session: SessionDep, team_id: Id) -> TeamOut:
    """A team with its members, bases and load (an inspector: only their own team)."""
    return _team_out(session, F.get_team(session, F.field_caller(session, principal), team_id))


@router.patch("/teams/{team_id}", summary="Change a team", response_model=TeamOut)
def patch_team(principal: Manager, session: SessionDep, team_id: Id, body: TeamPatch) -> TeamOut:
    """Rename, change vehicles or members; a stale ``version`` is a 409 conflict."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id, manage=True)
    changed = F.patch_team(session, team_row, body)
    record(session, principal.actor, "field_team_change", "field_team", team_id, detail=changed)
    session.commit()
    return _team_out(session, team_row)


@router.delete("/teams/{team_id}", summary="Remove a team without houses", status_code=204)
def delete_team(principal: Manager, session: SessionDep, team_id: Id) -> Response:
    """Remove a team; one that still has houses is refused (409)."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id, manage=True)
    name = team_row.name
    F.delete_team(session, team_row)
    record(session, principal.actor, "field_team_delete", "field_team", team_id, detail={"name": name})
    session.commit()
    return Response(status_code=204)


@router.post("/teams/{team_id}/bases", summary="Add a base for a period", status_code=201, response_model=BaseOut)
def add_base(principal: Manager, session: SessionDep, team_id: Id, body: BaseIn) -> BaseOut:
    """Where the team starts and ends its days between two dates; GCJ-02 input is converted."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id, manage=True)
    base = F.add_base(session, team_row, body)
    record(session, principal.actor, "field_base_add", "field_base", base.id,
           detail={"team_id": team_id, **body.model_dump(mode="json")})  # fmt: skip
    session.commit()
    return next(b for b in _team_out(session, team_row).bases if b.id == base.id)


@router.delete("/teams/{team_id}/bases/{base_id}", summary="Remove a base", status_code=204)
def delete_base(principal: Manager, session: SessionDep, team_id: Id, base_id: Id) -> Response:
    """Remove one of the team's bases."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id, manage=True)
    F.delete_base(session, team_row, base_id)
    record(session, principal.actor, "field_base_delete", "field_base", base_id, detail={"team_id": team_id})
    session.commit()
    return Response(status_code=204)


@router.post("/firms/{firm_id}/assign", summary="Assign the firm's drawn houses to its teams",
             response_model=AssignResult)  # fmt: skip
def auto_assign(principal: Manager, session: SessionDep, firm_id: Id, body: AssignIn) -> AssignResult:
    """Balanced by travel time and count, a unit kept with one team unless ``split_units``."""
    firm_row = F.get_firm(session, F.field_caller(session, principal), firm_id, manage=True)
    result = assign.auto_assign(session, firm_row, body, principal.actor)
    session.commit()
    return result


@router.get("/firms/{firm_id}/assignments", summary="The firm's assignments", response_model=list[AssignmentOut])
def assignments(
    principal: Reader, session: SessionDep, firm_id: Id,
    draw_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> list[AssignmentOut]:  # fmt: skip
    """Which team visits which house (an inspector: only their team's houses)."""
    caller = F.field_caller(session, principal)
    firm_row = F.get_firm(session, caller, firm_id)
    draw = assign.firm_draw(session, firm_row, draw_id)
    teams = [caller.team_id or 0] if caller.role == "inspector" else None
    return assign.assignments(session, firm_row, draw, teams)


def _assignment_for(session, principal, draw_id: int, house_id: int, manage: bool):
    row = assign.get_assignment(session, draw_id, house_id, lock=True)
    team_row = F.get_team(session, F.field_caller(session, principal), row.team_id, manage=manage)
    return row, session.get(FieldFirm, team_row.firm_id)


@router.patch("/assignments/{draw_id}/{house_id}", summary="Change one house's assignment",
              response_model=AssignmentOut)  # fmt: skip
def patch_assignment(
    principal: Manager, session: SessionDep, draw_id: Id, house_id: Id, body: AssignmentPatch
) -> AssignmentOut:
    """Move a house to another team, or set its service time or the owner's appointment (409 if stale)."""
    row, firm_row = _assignment_for(session, principal, draw_id, house_id, manage=True)
    assign.patch_assignment(session, firm_row, row, body, principal.actor)
    session.commit()
    return next(a for a in assign.assignments(session, firm_row, draw_id, [row.team_id]) if a.house_id == house_id)


@router.post("/assignments/{draw_id}/{house_id}/visited", summary="Mark a house visited",
             response_model=AssignmentOut)  # fmt: skip
def visited(principal: Visitor, session: SessionDep, draw_id: Id, house_id: Id) -> AssignmentOut:
    """The team has been to the house; re-plans keep it done."""
    row, firm_row = _assignment_for(session, principal, draw_id, house_id, manage=False)
    assign.mark_visited(session, row, principal.actor)
    session.commit()
    return next(a for a in assign.assignments(session, firm_row, draw_id, [row.team_id]) if a.house_id == house_id)


@router.post("/teams/{team_id}/plan", summary="Plan (or re-plan) the team's routes", status_code=201,
             response_model=RoutePlanOut)  # fmt: skip
def plan(principal: Manager, session: SessionDep, settings: SettingsDep, team_id: Id, body: PlanIn) -> RoutePlanOut:
    """Multi-day routes with working hours, lunch, service times, priorities and appointments (VROOM)."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id, manage=True)
    plan_team(session, team_row, body, principal.actor, settings.field)
    session.commit()
    return plan_out(session, current_plan(session, team_row))


@router.get("/teams/{team_id}/plan", summary="The team's current plan", response_model=RoutePlanOut)
def get_plan(principal: Reader, session: SessionDep, team_id: Id) -> RoutePlanOut:
    """Every day of the current plan with its stops, and what could not be scheduled."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id)
    return plan_out(session, current_plan(session, team_row))


@router.get("/teams/{team_id}/days", summary="One day of the team's route", response_model=list[DayOut])
def day(principal: Reader, session: SessionDep, team_id: Id, day: Day) -> list[DayOut]:
    """The day's route of each vehicle: ordered stops with records, priorities, arrivals and links."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id)
    return plan_days(session, current_plan(session, team_row), day)


def one_day(session, principal, team_id: int, day: dt.date, vehicle: int):
    """A team's day route of one vehicle, with the team and firm, if the caller may see it."""
    team_row = F.get_team(session, F.field_caller(session, principal), team_id)
    plan_row = current_plan(session, team_row)
    days = [d for d in plan_days(session, plan_row, day) if d.vehicle == vehicle]
    if not days:
        raise NotFound(f"检查组“{team_row.name}”在 {day} 没有路线。", f"Team {team_id} has no route on {day}.")
    firm_row = session.get(FieldFirm, team_row.firm_id)
    return team_row, firm_row, days[0]


def day_export(session, principal, team_id: int, day: dt.date, vehicle: int, fmt: str) -> tuple[bytes, str]:
    """A day's route of one vehicle as ``fmt`` (GPX, KML or the offline HTML map), with its file name."""
    team_row, firm_row, day_out = one_day(session, principal, team_id, day, vehicle)
    body = exports.render_day(fmt, day_out, team_row.name, firm_row.name)
    body = body if isinstance(body, bytes) else body.encode("utf-8")
    return body, exports.export_filename(team_row.id, day, fmt, vehicle or None)


@router.get("/teams/{team_id}/days/export", summary="A day's route as GPX, KML or an offline HTML map",
            response_class=Response,
            responses={200: {"content": {m: {} for m in exports.CONTENT_TYPES.values()}}})  # fmt: skip
def export_day(
    principal: Reader, session: SessionDep, team_id: Id, day: Day,
    format: Annotated[Literal["gpx", "kml", "html"], Query()] = "gpx",
    vehicle: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:  # fmt: skip
    """GPX 1.1 and KML 2.2 for navigation apps and GIS; a self-contained HTML map for places without signal."""
    body, name = day_export(session, principal, team_id, day, vehicle, format)
    return Response(body, media_type=exports.CONTENT_TYPES[format],
                    headers={"Content-Disposition": exports.content_disposition(name)})  # fmt: skip


@router.post("/firms/{firm_id}/matrices", summary="Upload a travel-time matrix (CSV)", status_code=201,
             response_model=MatrixOut)  # fmt: skip
def upload_matrix(
    principal: Manager, session: SessionDep, settings: SettingsDep, firm_id: Id,
    file: Annotated[UploadFile, File(description="CSV: from,to,duration_s[,distance_m]")],
    name: Annotated[str, Form(min_length=1, max_length=100)],
) -> MatrixOut:  # fmt: skip
    """A matrix the firm measured (keys: survey codes and BASE:<base name>); choose it with provider file."""
    firm_row = F.get_firm(session, F.field_caller(session, principal), firm_id, manage=True)
    with saved_upload(file, settings.security, unzip=False) as path:
        data = path.read_bytes()
    if not data:
        raise InvalidInput("上传的文件为空。", "The file is empty.")
    matrix = import_matrix(session, firm_row, name, data, principal.actor)
    session.commit()
    return MatrixOut.model_validate(matrix, from_attributes=True)


@router.get("/firms/{firm_id}/matrices", summary="The firm's supplied matrices", response_model=list[MatrixOut])
def matrices(principal: Reader, session: SessionDep, firm_id: Id) -> list[MatrixOut]:
    """Matrices uploaded for the firm, newest first."""
    firm_row = F.get_firm(session, F.field_caller(session, principal), firm_id)
    rows = session.scalars(select(TravelMatrixFile).where(TravelMatrixFile.firm_id == firm_row.id)
                           .order_by(TravelMatrixFile.id.desc()))  # fmt: skip
    return [MatrixOut.model_validate(m, from_attributes=True) for m in rows]
