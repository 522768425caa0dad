"""A team's multi-day route plan: build the planner's input from the database, solve, store.

Every day between the two dates (minus rest days) is a working day from ``day_start`` to ``day_end`` in
Asia/Shanghai, with a lunch break inside its window; each of the team's vehicles drives one route a day
from the base of that day's working period and back. Houses already visited stay done and are not
planned again; a plan made today starts from the moment it is made (the day's remaining time). The
newest plan is current; older plans stay as history. ``geo.routing`` solves with VROOM.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import routing
from geo.travel import PROVIDER_LABELS
from service.audit.trail import Actor, record
from service.core.errors import InvalidInput, SpotcheckError
from service.core.queries import SqlFiles
from service.core.settings import FieldSettings
from service.fieldwork.assignment import HouseInUse, firm_draw, houses_in_use
from service.fieldwork.firms import base_on, teams_out
from service.fieldwork.models import FieldFirm, FieldTeam, RouteDay, RoutePlan, RouteStop
from service.fieldwork.schemas import BaseOut, PlanIn
from service.fieldwork.travel import Place, travel_matrix

SQL = SqlFiles("service.fieldwork")
TZ = ZoneInfo("Asia/Shanghai")
MIN_DAY = dt.timedelta(minutes=30)  # a day with less working time left than this is not planned


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TZ)


def _ceil_minute(t: dt.datetime) -> dt.datetime:
    t = t.astimezone(TZ)
    return t if t.second == 0 and t.microsecond == 0 else t.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def working_days(body: PlanIn, bases: list[BaseOut], now: dt.datetime) -> list[tuple[dt.date, dt.datetime, dt.datetime, BaseOut, tuple | None]]:
    """(day, start, end, base, lunch) of each day still workable; refuses days without a base."""
    rest = set(body.rest_days)
    days, no_base = [], []
    day = body.first_day
    while day <= body.last_day:
        start, end = _at(day, body.day_start), _at(day, body.day_end)
        start = max(start, _ceil_minute(now))
        if day not in rest and end - start >= MIN_DAY:
            base = base_on(bases, day)
            if base is None:
                no_base.append(day)
            else:
                lunch = None
                if body.lunch_start and body.lunch_end and body.lunch_minutes:
                    ws, we = max(_at(day, body.lunch_start), start), min(_at(day, body.lunch_end), end)
                    if we > ws:
                        lunch = (ws, we, min(body.lunch_minutes * 60, int((we - ws).total_seconds())))
                days.append((day, start, end, base, lunch))
        day += dt.timedelta(days=1)
    if no_base:
        shown = "、".join(f"{d:%m月%d日}" for d in no_base[:10])
        raise InvalidInput(f"以下日期没有驻地，请先为检查组设置驻地：{shown}。", f"No base on {no_base[:10]}.")
    if not days:
        raise InvalidInput(
            f"{body.first_day}至{body.last_day}之间没有剩余的工作时间可以安排（已过去或为休息日）。",
            "No working time is left between the dates.",
        )
    return days


def plan_team(session: Session, team: FieldTeam, body: PlanIn, actor: Actor, settings: FieldSettings) -> int:
    """Plan the team's pending houses over the days; store the plan as current; return its id."""
    firm = session.get(FieldFirm, team.firm_id)
    draw_id = firm_draw(session, firm)
    session.execute(text("SELECT id FROM field_team WHERE id = :t FOR UPDATE"), {"t": team.id})
    rows = list(session.execute(SQL.one("assignments"), {"draw_id": draw_id, "teams": [team.id]}))
    if not rows:
        raise InvalidInput(f"检查组“{team.name}”还没有分配房屋。", f"Team {team.id} has no houses.")
    houses = houses_in_use(session, draw_id, sorted({r.unit_code for r in rows}))
    pending = [r for r in rows if r.visited_at is None and r.house_id in houses]
    done = [r.house_id for r in rows if r.visited_at is not None]
    if not pending:
        raise InvalidInput(f"检查组“{team.name}”的房屋都已入户，无需规划。", "Every house has been visited.")
    now = (body.now or dt.datetime.now(TZ)).astimezone(TZ)
    bases = teams_out(session, [team], draw_id)[0].bases
    days = working_days(body, bases, now)

    base_index: dict[int, int] = {}
    places: list[Place] = []
    for _, _, _, base, _ in days:
        if base.id not in base_index:
            base_index[base.id] = len(places)
            places.append(Place(f"BASE:{base.name}", base.lon, base.lat, None, False))
    visits = []
    for r in pending:
        h: HouseInUse = houses[r.house_id]
        window = (r.appointment_start, r.appointment_end) if r.appointment_start else None
        visits.append(routing.Visit(h.house_id, len(places), (r.service_minutes or h.default_minutes) * 60, h.priority, window))
        places.append(Place(h.survey_code, h.lon, h.lat, h.unit_code, h.urban))
    provider = body.provider or settings.matrix_provider
    matrix = travel_matrix(session, provider, places, [houses[r.house_id].unit_code for r in pending], firm, body.matrix_id)
    work = [
        routing.WorkDay(day, vehicle, base_index[base.id], start, end, lunch)
        for day, start, end, base, lunch in days for vehicle in range(team.vehicles)
    ]  # fmt: skip
    try:
        result = routing.plan_routes(visits, work, matrix, exploration=settings.exploration, threads=settings.solver_threads)
    except routing.PlanInfeasible as exc:
        raise InvalidInput(exc.message_zh, str(exc)) from exc
    if not result.days:
        reasons = "；".join(sorted({u.label for u in result.unscheduled}))
        raise InvalidInput(f"没有一户房屋能排进所给的日期和工作时间：{reasons}。请放宽日期或工作时间。",
                           "No house fits the days and hours.")  # fmt: skip
    return _store(session, team, draw_id, body, now, matrix, days, result, houses, done, actor)


def _line(session: Session, matrix, points: list[tuple[float, float]]) -> str:
    coords = points
    if matrix.provider == "road" and "network_id" in matrix.detail:
        from service.roads.matrix import road_lines

        legs = road_lines(session, int(matrix.detail["network_id"]), list(zip(points[:-1], points[1:], strict=True)))
        coords = [c for leg in legs for c in leg] or points
    return "SRID=4490;LINESTRING(" + ",".join(f"{x:.6f} {y:.6f}" for x, y in coords) + ")"


def _store(session, team, draw_id, body, now, matrix, days, result, houses, done, actor) -> int:
    session.execute(text("UPDATE field_route_plan SET current = false WHERE team_id = :t AND current"), {"t": team.id})
    bases = {day: base for day, _, _, base, _ in days}
    summary = dict(result.summary)
    summary.update(visited=len(done), provider_note=matrix.note, matrix=matrix.detail, made_at=now.isoformat())
    plan = RoutePlan(
        team_id=team.id, draw_id=draw_id, first_day=body.first_day, last_day=body.last_day,
        provider=matrix.provider, options=body.model_dump(mode="json", exclude={"now"}), summary=summary,
        unscheduled=[{"house_id": u.key, "reason": u.reason, "label": u.label} for u in result.unscheduled],
        created_by_account_id=actor.account_id,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    for d in result.days:
        base = bases[d.day]
        points = [(base.lon, base.lat)] + [(houses[s.key].lon, houses[s.key].lat) for s in d.stops] + [(base.lon, base.lat)]
        session.add(RouteDay(
            plan_id=plan.id, day=d.day, vehicle=d.vehicle, base_name=base.name,
            base_geom=f"SRID=4490;POINT({base.lon} {base.lat})", start_at=d.start, end_at=d.end,
            break_start=d.break_start, break_end=d.break_end, houses=len(d.stops), duration_s=d.duration_s,
            travel_s=d.travel_s, distance_m=d.distance_m, line=_line(session, matrix, points),
        ))  # fmt: skip
        session.add_all(
            RouteStop(
                plan_id=plan.id, house_id=s.key, day=d.day, vehicle=d.vehicle, seq=s.seq,
                priority=houses[s.key].priority, arrival=s.arrival, service_start=s.service_start,
                departure=s.departure, travel_s=s.travel_s, distance_m=s.distance_m,
            )
            for s in d.stops
        )  # fmt: skip
    record(session, actor, "field_plan", "field_route_plan", plan.id, detail={
        "team_id": team.id, "draw_id": draw_id, "days": [body.first_day.isoformat(), body.last_day.isoformat()],
        "provider": matrix.provider, "planned": sum(len(d.stops) for d in result.days),
        "unscheduled": len(result.unscheduled), "visited": len(done),
    })  # fmt: skip
    session.flush()
    return plan.id


def replan_after_change(
    session: Session, team_id: int, draw_id: int, actor: Actor, settings: FieldSettings | None = None
) -> int | None:
    """Re-plan a team's current plan from now with its options (after a replacement). A re-plan that cannot
    be made leaves the old plan and is recorded as failed in the audit trail."""
    plan = session.execute(
        text("SELECT id, first_day, last_day, options FROM field_route_plan WHERE team_id = :t AND current"),
        {"t": team_id},
    ).one_or_none()  # fmt: skip
    if plan is None:
        return None
    options = dict(plan.options)
    today = dt.datetime.now(TZ).date()
    options["first_day"] = max(plan.first_day, today).isoformat()
    options["last_day"] = max(plan.last_day, today).isoformat()
    team = session.get(FieldTeam, team_id)
    try:
        with session.begin_nested():
            return plan_team(session, team, PlanIn.model_validate(options), actor, settings or FieldSettings())
    except SpotcheckError as exc:
        record(session, actor, "field_plan", "field_team", team_id, outcome="failed",
               detail={"after": "replacement", "message": exc.message})  # fmt: skip
        return None


def provider_label(provider: str) -> str:
    """The provider's Chinese name."""
    return PROVIDER_LABELS.get(provider, provider)
