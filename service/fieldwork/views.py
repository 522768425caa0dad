"""What the field-work pages and exports read: a plan with its days and stops, a day's route, a firm's
overview. Coordinates are EPSG:4490; navigation links carry GCJ-02 or BD-09 as each app needs."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import HazardGrade, UseClass
from geo.navlinks import nav_links
from geo.visits import PRIORITY_LABELS
from service.accounts.models import person_label
from service.accounts.roles import Role
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.fieldwork.firms import FieldCaller, current_draw, firm_out
from service.fieldwork.models import FieldFirm, FieldTeam, RoutePlan
from service.fieldwork.planning import TZ, provider_label
from service.fieldwork.schemas import (
    DayOut,
    DaySummaryOut,
    FirmOverviewOut,
    NavLinks,
    RoutePlanOut,
    StopOut,
    UnscheduledOut,
)

SQL = SqlFiles("service.fieldwork")


def _label(enum, code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return enum(code).label
    except ValueError:
        return code


def current_plan(session: Session, team: FieldTeam) -> RoutePlan:
    """The team's current plan (404 when it has none)."""
    plan_id = session.scalar(text("SELECT id FROM field_route_plan WHERE team_id = :t AND current"), {"t": team.id})
    if plan_id is None:
        raise NotFound(f"检查组“{team.name}”还没有路线规划。", f"Team {team.id} has no route plan.")
    return session.get(RoutePlan, plan_id)


def _stop(r) -> StopOut:
    service_minutes = round((r.departure - r.service_start).total_seconds() / 60)
    return StopOut(
        seq=r.seq, house_id=r.house_id, survey_code=r.survey_code, township_name=r.township_name,
        village=r.village, address=r.address, use_class=r.use_class, use_class_label=_label(UseClass, r.use_class),
        floors=r.floors, hazard_grade=r.hazard_grade, hazard_label=_label(HazardGrade, r.hazard_grade),
        rectification_status=r.rectification_status, priority=r.priority, priority_label=PRIORITY_LABELS[r.priority],
        arrival=r.arrival.astimezone(TZ), service_start=r.service_start.astimezone(TZ),
        departure=r.departure.astimezone(TZ), service_minutes=service_minutes,
        travel_minutes=round(r.travel_s / 60), distance_m=r.distance_m,
        appointment_start=r.appointment_start, appointment_end=r.appointment_end, visited=r.visited_at is not None,
        lon=r.lon, lat=r.lat, links=NavLinks(**nav_links(r.lon, r.lat, r.address or r.survey_code)),
        synthetic=r.synthetic,
    )  # fmt: skip


def _day(r, stops: list[StopOut]) -> DayOut:
    return DayOut(
        day=r.day, vehicle=r.vehicle, base_name=r.base_name, base_lon=r.base_lon, base_lat=r.base_lat,
        start_at=r.start_at.astimezone(TZ), end_at=r.end_at.astimezone(TZ),
        break_start=r.break_start.astimezone(TZ) if r.break_start else None,
        break_end=r.break_end.astimezone(TZ) if r.break_end else None,
        houses=r.houses, duration_minutes=round(r.duration_s / 60), travel_minutes=round(r.travel_s / 60),
        distance_km=round(r.distance_m / 1000, 1), line=json.loads(r.line) if r.line else None, stops=stops,
    )  # fmt: skip


def plan_days(session: Session, plan: RoutePlan, day: dt.date | None = None) -> list[DayOut]:
    """The plan's days (or one day's vehicles) with their stops."""
    stops: dict[tuple, list[StopOut]] = {}
    for r in session.execute(SQL.one("plan_stops"), {"plan_id": plan.id, "day": day}):
        stops.setdefault((r.day, r.vehicle), []).append(_stop(r))
    rows = session.execute(SQL.one("plan_days"), {"plans": [plan.id], "day": day})
    return [_day(r, stops.get((r.day, r.vehicle), [])) for r in rows]


def _unscheduled(session: Session, draw_id: int, entries: list[dict]) -> list[UnscheduledOut]:
    codes = dict(
        session.execute(SQL.one("unscheduled_houses"), {"draw_id": draw_id, "houses": [e["house_id"] for e in entries]}).all()
    )  # fmt: skip
    return [
        UnscheduledOut(house_id=e["house_id"], survey_code=codes.get(e["house_id"], ""), reason=e["reason"],
                       reason_label=e["label"])  # fmt: skip
        for e in entries
    ]


def plan_out(session: Session, plan: RoutePlan, day: dt.date | None = None) -> RoutePlanOut:
    """A plan as the API returns it."""
    team = session.get(FieldTeam, plan.team_id)
    firm = session.get(FieldFirm, team.firm_id)
    days = plan_days(session, plan, day)
    by = session.execute(text("SELECT name, username FROM account WHERE id = :a"), {"a": plan.created_by_account_id}).one()
    return RoutePlanOut(
        id=plan.id, team_id=team.id, team_name=team.name, firm_name=firm.name, draw_id=plan.draw_id,
        first_day=plan.first_day, last_day=plan.last_day, provider=plan.provider,
        provider_label=provider_label(plan.provider), provider_note=plan.summary.get("provider_note", ""),
        created_at=plan.created_at, created_by=person_label(by.name, by.username), summary=plan.summary, days=days,
        unscheduled=_unscheduled(session, plan.draw_id, plan.unscheduled),
        synthetic=any(s.synthetic for d in days for s in d.stops),
    )  # fmt: skip


def firm_overview(session: Session, firm: FieldFirm, caller: FieldCaller) -> FirmOverviewOut:
    """Every team's days, progress against the deadline, and what is not scheduled (an inspector: of their
    own team only)."""
    out = firm_out(session, firm, caller)
    draw_id = current_draw(session, firm.plan_id)
    today = dt.datetime.now(TZ).date()
    days_left = (out.deadline - today).days if out.deadline else None
    if draw_id is None:
        return FirmOverviewOut(firm=out, draw_id=None, deadline=out.deadline, days_left=days_left, houses_assigned=0,
                               houses_planned=0, houses_visited=0, houses_left=0, days=[], unscheduled=[],
                               synthetic=False)  # fmt: skip
    team = (caller.team_id or 0) if caller.role is Role.INSPECTOR else None  # an inspector: their team only
    where = {"firm_id": firm.id, "draw_id": draw_id, "team": team}
    progress = session.execute(SQL.one("firm_progress"), where).one()
    plans = list(session.execute(SQL.one("current_plans"), where))
    team_names = {p.id: (p.team_id, p.team_name) for p in plans}
    days = [
        DaySummaryOut(
            team_id=team_names[r.plan_id][0], team_name=team_names[r.plan_id][1], day=r.day, vehicle=r.vehicle,
            houses=r.houses, duration_minutes=round(r.duration_s / 60), distance_km=round(r.distance_m / 1000, 1),
            line=json.loads(r.line) if r.line else None,
        )
        for r in session.execute(SQL.one("plan_days"), {"plans": list(team_names), "day": None})
    ]  # fmt: skip
    unscheduled = [u for p in plans for u in _unscheduled(session, draw_id, p.unscheduled)]
    synthetic = bool(session.scalar(SQL.one("firm_synthetic"), {"f": firm.id, "d": draw_id, "team": team}))
    return FirmOverviewOut(
        firm=out, draw_id=draw_id, deadline=out.deadline, days_left=days_left, houses_assigned=progress.assigned,
        houses_planned=progress.planned, houses_visited=progress.visited,
        houses_left=progress.assigned - progress.visited, days=days, unscheduled=unscheduled, synthetic=synthetic,
    )  # fmt: skip

