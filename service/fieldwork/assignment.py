"""Which team visits which drawn house: automatic assignment, changes by hand, replacements, visits.

A firm's houses are those of its group's units in the plan's current (newest published) draw, with every
replaced house swapped for its replacement. Automatic assignment (``geo.assign``) balances travel time and
count and keeps a unit with one team unless asked to split; the firm's leader then moves houses by hand.
A replacement lands in the replaced house's team and re-plans that team's route. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import assign as geo_assign
from geo.travel_estimate import URBAN_AREA_TYPES
from geo.visits import PRIORITY_LABELS, default_service_minutes, priority_of
from service.audit.trail import Actor, record
from service.core.errors import Conflict, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.draws.service import get_draw
from service.fieldwork.firms import current_draw, firm_teams, firm_units, teams_out
from service.fieldwork.models import FieldAssignment, FieldFirm, FieldTeam
from service.fieldwork.schemas import AssignIn, AssignmentOut, AssignmentPatch, AssignResult

SQL = SqlFiles("service.fieldwork")


@dataclass(frozen=True)
class HouseInUse:
    """A house of a draw to be visited, as route planning needs it."""

    house_id: int
    unit_code: str
    role: str
    survey_code: str
    township_name: str | None
    village: str | None
    address: str | None
    use_class: str
    hazard_grade: str | None
    rectification_status: str | None
    lon: float
    lat: float
    synthetic: bool
    floors: int | None
    area_type: str | None
    near_school: bool

    @property
    def priority(self) -> str:
        """Collapse risk first, then near a school, then the rest (geo.visits)."""
        return priority_of(self.hazard_grade, self.near_school)

    @property
    def default_minutes(self) -> int:
        """The default service time by use class and floors (geo.visits)."""
        return default_service_minutes(self.use_class, self.floors)

    @property
    def urban(self) -> bool:
        """In a built-up area (town streets: slower driving, shorter detours)."""
        return self.area_type in URBAN_AREA_TYPES


def houses_in_use(session: Session, draw_id: int, units: list[str]) -> dict[int, HouseInUse]:
    """The draw's houses to visit in these units, by house id."""
    rows = session.execute(SQL.one("houses_in_use"), {"draw_id": draw_id, "units": units}).mappings()
    return {r["house_id"]: HouseInUse(**r) for r in rows}


def firm_draw(session: Session, firm: FieldFirm, draw_id: int | None = None) -> int:
    """The draw the firm works on: the one given (it must be published and of the firm's plan) or the
    plan's newest published draw."""
    if draw_id is None:
        draw_id = current_draw(session, firm.plan_id)
        if draw_id is None:
            raise InvalidInput("该方案还没有已发布的抽样结果，不能分配房屋。", "The plan has no published draw.")
        return draw_id
    row = get_draw(session, draw_id)
    if row.plan_id != firm.plan_id:
        raise InvalidInput(f"抽样 {draw_id} 不属于本机构的方案。", f"Draw {draw_id} is of another plan.")
    if row.status != "published":
        raise InvalidInput(f"抽样 {draw_id} 尚未发布，不能分配房屋。", f"Draw {draw_id} is not published.")
    return draw_id


def _out(row, house: HouseInUse | None) -> AssignmentOut:
    default = house.default_minutes if house else 30
    return AssignmentOut(
        draw_id=row.draw_id, house_id=row.house_id, survey_code=house.survey_code if house else "",
        unit_code=row.unit_code, team_id=row.team_id, team_name=row.team_name, source=row.source,
        role=house.role if house else "", priority=(priority := house.priority if house else "normal"),
        priority_label=PRIORITY_LABELS[priority],
        service_minutes=row.service_minutes or default, service_minutes_default=default,
        appointment_start=row.appointment_start, appointment_end=row.appointment_end,
        visited_at=row.visited_at, version=row.version,
        lon=house.lon if house else 0.0, lat=house.lat if house else 0.0,
    )  # fmt: skip


def assignments(session: Session, firm: FieldFirm, draw_id: int, team_ids: list[int] | None = None) -> list[AssignmentOut]:
    """The firm's assignments in the draw (or only some teams')."""
    teams = team_ids if team_ids is not None else [t.id for t in firm_teams(session, firm.id)]
    houses = houses_in_use(session, draw_id, firm_units(session, firm.id))
    rows = session.execute(SQL.one("assignments"), {"draw_id": draw_id, "teams": teams})
    return [_out(r, houses.get(r.house_id)) for r in rows]


def auto_assign(session: Session, firm: FieldFirm, body: AssignIn, actor: Actor) -> AssignResult:
    """Assign the firm's houses of the draw to its teams; hand-made assignments stay when asked."""
    draw_id = firm_draw(session, firm, body.draw_id)
    teams = firm_teams(session, firm.id)
    if not teams:
        raise InvalidInput("本机构还没有检查组，请先建立检查组。", "The firm has no teams yet.")
    session.execute(text("SELECT id FROM field_team WHERE firm_id = :f FOR UPDATE"), {"f": firm.id})
    houses = houses_in_use(session, draw_id, firm_units(session, firm.id))
    if not houses:
        raise InvalidInput("该抽样中没有本机构县区的房屋。", "The draw holds no houses of the firm's units.")
    existing = {r.house_id: r for r in session.execute(SQL.one("assignments"),
                                                       {"draw_id": draw_id, "teams": [t.id for t in teams]})}  # fmt: skip
    fixed = {h: r.team_id for h, r in existing.items() if body.keep_manual and r.source == "manual" and h in houses}
    bases = {t.id: t.bases[0] for t in teams_out(session, teams, draw_id) if t.bases}
    chosen = geo_assign.assign_houses(
        [geo_assign.HouseLoad(h.house_id, h.unit_code, h.lon, h.lat, h.default_minutes * 60) for h in houses.values()],
        [geo_assign.TeamLoad(t.id, (bases[t.id].lon, bases[t.id].lat) if t.id in bases else None, t.vehicles)
         for t in teams],
        split_units=body.split_units, fixed=fixed,
    )  # fmt: skip
    moved = 0
    for house_id, team_id in sorted(chosen.items()):
        if house_id in fixed:
            continue
        before = existing.get(house_id)
        if before is None or before.team_id != team_id:
            moved += 1
            session.execute(SQL.one("upsert_assignment"), {"draw_id": draw_id, "house_id": house_id, "team_id": team_id,
                                                           "unit_code": houses[house_id].unit_code, "source": "auto"})  # fmt: skip
    stale = [h for h in existing if h not in houses]
    if stale:
        session.execute(text("DELETE FROM field_assignment WHERE draw_id = :d AND house_id = ANY(:h)"),
                        {"d": draw_id, "h": stale})  # fmt: skip
    names = {t.id: t.name for t in teams}
    per_team = {names[t]: sum(1 for v in chosen.values() if v == t) for t in names}
    units: dict[str, set[str]] = {}
    for house_id, team_id in chosen.items():
        units.setdefault(houses[house_id].unit_code, set()).add(names[team_id])
    record(session, actor, "field_assign", "field_firm", firm.id, detail={
        "draw_id": draw_id, "houses": len(chosen), "changed": moved, "kept_manual": len(fixed), "removed": len(stale),
        "split_units": body.split_units, "per_team": per_team,
    })  # fmt: skip
    session.flush()
    return AssignResult(
        draw_id=draw_id, firm_id=firm.id, teams=per_team,
        units={u: "+".join(sorted(n)) for u, n in sorted(units.items())},
        assignments=assignments(session, firm, draw_id),
    )  # fmt: skip


def get_assignment(session: Session, draw_id: int, house_id: int, lock: bool = False) -> FieldAssignment:
    """One assignment (locked for update when asked)."""
    row = session.get(FieldAssignment, (draw_id, house_id), with_for_update=lock)
    if row is None:
        raise NotFound(f"抽样 {draw_id} 中的房屋 {house_id} 尚未分配给检查组。",
                       f"House {house_id} of draw {draw_id} is not assigned.")  # fmt: skip
    return row


def patch_assignment(session: Session, firm: FieldFirm, row: FieldAssignment, body: AssignmentPatch, actor: Actor) -> dict:
    """Move a house to another team of the firm, or change its service time or appointment, by hand."""
    if body.version != row.version:
        raise Conflict(
            f"房屋 {row.house_id} 的分配已被他人修改（当前版本 {row.version}），请刷新后重试。",
            f"The assignment changed since it was read (version {row.version}).",
        )
    changed: dict = {}
    if body.team_id is not None and body.team_id != row.team_id:
        team = session.get(FieldTeam, body.team_id)
        if team is None or team.firm_id != firm.id:
            raise InvalidInput(f"检查组 {body.team_id} 不属于本机构。", f"Team {body.team_id} is not of the firm.")
        changed["team_id"] = [row.team_id, team.id]
        row.team_id, row.source = team.id, "manual"
    if body.service_minutes is not None and body.service_minutes != row.service_minutes:
        changed["service_minutes"] = [row.service_minutes, body.service_minutes]
        row.service_minutes = body.service_minutes
    if body.clear_appointment and row.appointment_start is not None:
        changed["appointment"] = [[row.appointment_start, row.appointment_end], None]
        row.appointment_start = row.appointment_end = None
    elif body.appointment_start is not None:
        changed["appointment"] = [[row.appointment_start, row.appointment_end], [body.appointment_start, body.appointment_end]]
        row.appointment_start, row.appointment_end = body.appointment_start, body.appointment_end
    if changed:
        row.version += 1
        row.updated_at = dt.datetime.now(dt.UTC)
        record(session, actor, "field_assignment_change", "field_assignment", f"{row.draw_id}/{row.house_id}",
               detail=changed)  # fmt: skip
    session.flush()
    return changed


def mark_visited(session: Session, row: FieldAssignment, actor: Actor, at: dt.datetime | None = None) -> None:
    """Record that the team has been to the house (the inspection form will set this on submission)."""
    if row.visited_at is not None:
        return
    row.visited_at = at or dt.datetime.now(dt.UTC)
    row.version += 1
    record(session, actor, "field_visited", "field_assignment", f"{row.draw_id}/{row.house_id}",
           detail={"visited_at": row.visited_at.isoformat()})  # fmt: skip
    session.flush()


def follow_replacement(session: Session, draw_id: int, old_house: int, new_house: int, actor: Actor) -> int | None:
    """After a replacement: the new house joins the replaced house's team (same service time, no
    appointment), the old assignment goes, and the team's current plan is re-planned. Returns the team id."""
    old = session.get(FieldAssignment, (draw_id, old_house), with_for_update=True)
    if old is None:
        return None
    team_id, unit_code = old.team_id, old.unit_code
    session.delete(old)
    session.flush()
    session.execute(SQL.one("upsert_assignment"), {"draw_id": draw_id, "house_id": new_house, "team_id": team_id,
                                                   "unit_code": unit_code, "source": "replacement"})  # fmt: skip
    record(session, actor, "field_assignment_replacement", "field_assignment", f"{draw_id}/{new_house}",
           detail={"replaced_house_id": old_house, "team_id": team_id})  # fmt: skip
    from service.fieldwork.planning import replan_after_change

    replan_after_change(session, team_id, draw_id, actor)
    return team_id
