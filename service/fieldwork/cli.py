"""``spotcheck field …``: firms, teams and bases, assignment, route plans, showing and exporting routes.

Every command acts as the account named by ``--by`` (checked like a request of that account: its role's
permission and its reach over firms and teams) and writes what it does to the audit trail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Permission, Role
from service.accounts.scope import resolve_scope
from service.audit.trail import record
from service.core.settings import Settings

SubParsers = argparse._SubParsersAction


def principal_for(session: Session, username: str, permission: Permission) -> Principal:
    """The account named by ``--by`` as a caller, refused if its role lacks the permission."""
    from service.accounts import service as accounts
    from service.accounts.cli import actor_for

    actor_for(session, username, permission)  # refuses a missing, disabled or unauthorised account
    a = accounts.get_account(session, username)
    role = Role(a.role)
    scope = resolve_scope(session, role, a.scope_code, a.scope_plan_id, a.scope_group, account_id=a.id)
    return Principal(a.id, a.username, a.name, a.organisation, role, scope, via="cli", request_id="cli")


def _run(settings: Settings, username: str, permission: Permission, work: Callable) -> int:
    from service.core.cli import session_for

    with session_for(settings) as session:
        principal = principal_for(session, username, permission)
        out = work(session, principal)
        session.commit()
    if out is not None:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


def _dump(model) -> dict:
    return model.model_dump(mode="json")


def _cmd_firms(args, settings) -> int:
    from service.fieldwork import firms as F

    def work(session, principal):
        caller = F.field_caller(session, principal)
        return [_dump(F.firm_out(session, f, caller)) for f in F.visible_firms(session, caller)]

    return _run(settings, args.by, Permission.FIELD_READ, work)


def _cmd_team_add(args, settings) -> int:
    from service.fieldwork import firms as F
    from service.fieldwork.schemas import TeamIn

    def work(session, principal):
        firm = F.get_firm(session, F.field_caller(session, principal), args.firm, manage=True)
        body = TeamIn(name=args.name, vehicles=args.vehicles, members=args.member or [])
        team = F.create_team(session, firm, body)
        record(session, principal.actor, "field_team_create", "field_team", team.id,
               detail={"firm_id": firm.id, **body.model_dump()})  # fmt: skip
        return _dump(F.teams_out(session, [team], F.current_draw(session, firm.plan_id))[0])

    return _run(settings, args.by, Permission.FIELD_MANAGE, work)


def _cmd_base_add(args, settings) -> int:
    from service.fieldwork import firms as F
    from service.fieldwork.schemas import BaseIn

    def work(session, principal):
        team = F.get_team(session, F.field_caller(session, principal), args.team, manage=True)
        body = BaseIn(name=args.name, lon=args.lon, lat=args.lat, crs=args.crs, valid_from=args.valid_from,
                      valid_to=args.valid_to)  # fmt: skip
        base = F.add_base(session, team, body)
        record(session, principal.actor, "field_base_add", "field_base", base.id,
               detail={"team_id": team.id, **body.model_dump(mode="json")})  # fmt: skip
        return {"base_id": base.id, "team_id": team.id, "name": body.name}

    return _run(settings, args.by, Permission.FIELD_MANAGE, work)


def _cmd_assign(args, settings) -> int:
    from service.fieldwork import assignment as assign
    from service.fieldwork import firms as F
    from service.fieldwork.schemas import AssignIn

    def work(session, principal):
        firm = F.get_firm(session, F.field_caller(session, principal), args.firm, manage=True)
        draw_id = args.draw or assign.firm_draw(session, firm)
        result = assign.auto_assign(session, firm, AssignIn(draw_id=draw_id, split_units=args.split), principal.actor)
        return {"draw_id": result.draw_id, "teams": result.teams, "units": result.units}

    return _run(settings, args.by, Permission.FIELD_MANAGE, work)


def _cmd_plan(args, settings) -> int:
    from service.fieldwork import firms as F
    from service.fieldwork.planning import plan_team
    from service.fieldwork.schemas import PlanIn
    from service.fieldwork.views import current_plan, plan_out

    def work(session, principal):
        team = F.get_team(session, F.field_caller(session, principal), args.team, manage=True)
        body = PlanIn(first_day=args.first_day, last_day=args.last_day, day_start=args.day_start,
                      day_end=args.day_end, rest_days=args.rest_day or [], provider=args.provider,
                      matrix_id=args.matrix)  # fmt: skip
        plan_team(session, team, body, principal.actor, settings.field)
        out = plan_out(session, current_plan(session, team))
        return {"plan_id": out.id, "provider": out.provider_label, "summary": out.summary,
                "days": [{"day": d.day, "vehicle": d.vehicle, "houses": d.houses, "minutes": d.duration_minutes,
                          "km": d.distance_km} for d in out.days],
                "unscheduled": [_dump(u) for u in out.unscheduled]}  # fmt: skip

    return _run(settings, args.by, Permission.FIELD_MANAGE, work)


def _cmd_show(args, settings) -> int:
    from service.fieldwork import firms as F
    from service.fieldwork.views import current_plan, firm_overview, plan_out

    def work(session, principal):
        caller = F.field_caller(session, principal)
        if args.team:
            team = F.get_team(session, caller, args.team)
            return _dump(plan_out(session, current_plan(session, team), args.day))
        out = firm_overview(session, F.get_firm(session, caller, args.firm), caller)
        for d in out.days:
            d.line = None  # the table, not the map
        return _dump(out)

    return _run(settings, args.by, Permission.FIELD_READ, work)


def _cmd_export(args, settings) -> int:
    from service.fieldwork.routes import day_export

    def work(session, principal):
        body, _ = day_export(session, principal, args.team, args.day, args.vehicle, args.format)
        Path(args.out).write_bytes(body)
        print(f"{args.format} of team {args.team} on {args.day} written to {args.out}")

    return _run(settings, args.by, Permission.FIELD_READ, work)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def add_commands(sub: SubParsers, add: Callable) -> None:
    """Register ``field``."""
    field = sub.add_parser("field", help="Field work: firms, teams, bases, assignment, route plans, exports.")
    fs = field.add_subparsers(dest="field_command", metavar="ACTION", required=True)
    by = {"required": True, "help": "username of the account that acts"}
    p = add(fs, "firms", _cmd_firms, "List the firms (a plan's groups) with their teams.")
    p.add_argument("--by", **by)
    p = add(fs, "team", _cmd_team_add, "Create a team of a firm with its vehicles and inspectors.")
    p.add_argument("--firm", type=int, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--vehicles", type=int, default=1)
    p.add_argument("--member", action="append", help="an inspector's username (repeat)")
    p.add_argument("--by", **by)
    p = add(fs, "base", _cmd_base_add, "Add a team's base for a period (lon/lat, EPSG:4490 unless --crs).")
    p.add_argument("--team", type=int, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--lon", type=float, required=True)
    p.add_argument("--lat", type=float, required=True)
    p.add_argument("--crs", choices=["EPSG:4490", "EPSG:4326", "GCJ-02"], default="EPSG:4490")
    p.add_argument("--from", dest="valid_from", type=_date, required=True)
    p.add_argument("--to", dest="valid_to", type=_date, required=True)
    p.add_argument("--by", **by)
    p = add(fs, "assign", _cmd_assign, "Assign a firm's drawn houses to its teams (balanced, units kept whole).")
    p.add_argument("--firm", type=int, required=True)
    p.add_argument("--draw", type=int, help="a published draw (default: the plan's newest)")
    p.add_argument("--split", action="store_true", help="allow a unit to be split across teams")
    p.add_argument("--by", **by)
    p = add(fs, "plan", _cmd_plan, "Plan (or re-plan) a team's routes between two dates.")
    p.add_argument("--team", type=int, required=True)
    p.add_argument("--from", dest="first_day", type=_date, required=True)
    p.add_argument("--to", dest="last_day", type=_date, required=True)
    p.add_argument("--day-start", type=_time, default=dt.time(8, 30))
    p.add_argument("--day-end", type=_time, default=dt.time(17, 30))
    p.add_argument("--rest-day", type=_date, action="append", help="a day not worked (repeat)")
    p.add_argument("--provider", choices=["auto", "road", "geodesic", "file"])
    p.add_argument("--matrix", type=int, help="a supplied matrix id (with --provider file)")
    p.add_argument("--by", **by)
    p = add(fs, "show", _cmd_show, "Show a firm's overview (--firm) or a team's current plan (--team).")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--firm", type=int)
    target.add_argument("--team", type=int)
    p.add_argument("--day", type=_date, help="only this day (with --team)")
    p.add_argument("--by", **by)
    p = add(fs, "export", _cmd_export, "Write a team's day as GPX, KML or an offline HTML map.")
    p.add_argument("--team", type=int, required=True)
    p.add_argument("--day", type=_date, required=True)
    p.add_argument("--vehicle", type=int, default=0)
    p.add_argument("--format", choices=["gpx", "kml", "html"], default="gpx")
    p.add_argument("--out", required=True)
    p.add_argument("--by", **by)
