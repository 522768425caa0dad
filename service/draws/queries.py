"""Reading draws for the API: a draw's record, the list of draws, one unit of a draw on the map.

Everything is limited to the caller's scope: a firm sees the draws holding its units and only those units;
an inspector (a team's scope) sees the draws with houses assigned to the team, and only those houses.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.accounts.scope import Scope
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.draws.models import Draw
from service.draws.seeds import seed_record
from service.draws.service import DRAW_STATUS, REPLACEMENT_REASONS, get_draw

SQL = SqlFiles("service.draws")
_HOUSES_OF_UNITS = text(
    "SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = ANY(CAST(:u AS text[]))"
)
_TEAM_IN_DRAW = text("SELECT EXISTS (SELECT 1 FROM field_assignment WHERE draw_id = :d AND team_id = :t)")
_TEAM_HOUSES = text("SELECT house_id FROM field_assignment WHERE draw_id = :d AND team_id = :t")


def visible_draw(session: Session, scope: Scope, draw_id: int) -> Draw:
    """A draw the scope reaches (one of its units is in scope; for a team, one of its houses is assigned to the
    team), else 404 (its existence is not revealed)."""
    draw = get_draw(session, draw_id)
    if scope.team_id is not None:
        assigned = session.execute(_TEAM_IN_DRAW, {"d": draw_id, "t": scope.team_id}).scalar()
        if not assigned:
            raise NotFound(f"未找到编号为 {draw_id} 的抽样。", f"No draw has the id {draw_id}.")
    elif not scope.everything:
        units = session.execute(
            text("SELECT unit_code FROM draw_unit WHERE draw_id = :d"), {"d": draw_id}
        ).scalars().all()  # fmt: skip
        if not any(scope.covers_unit(u) for u in units):
            raise NotFound(f"未找到编号为 {draw_id} 的抽样。", f"No draw has the id {draw_id}.")
    return draw


def summary(session: Session, scope: Scope, draw_id: int) -> dict:
    """A draw with its units (those in scope) and its event log."""
    draw = visible_draw(session, scope, draw_id)
    units = session.execute(SQL.one("draw_units"), {"d": draw_id, **scope.params()}).mappings().all()
    events = session.execute(SQL.one("draw_events"), {"d": draw_id}).mappings().all()  # fmt: skip
    if not scope.everything:  # events about houses outside the scope (a team's: not its own) are not shown
        if scope.team_id is None:
            rows = session.execute(_HOUSES_OF_UNITS, {"d": draw_id, "u": sorted(scope.units)})
        else:
            rows = session.execute(_TEAM_HOUSES, {"d": draw_id, "t": scope.team_id})
        mine = set(rows.scalars())
        events = [
            _scoped_event(dict(e), scope) for e in events if e["house_id"] is None or e["house_id"] in mine
        ]
    return {
        "id": draw.id, "plan_id": draw.plan_id, "seed": draw.seed, "algorithm_version": draw.algorithm_version,
        "status": draw.status, "status_label": DRAW_STATUS[draw.status], "frame_digest": draw.frame_digest,
        "frame_size": draw.frame_size, "result_digest": draw.result_digest, "created_by": draw.created_by,
        "created_at": draw.created_at, "published_at": draw.published_at, **seed_record(session, draw),
        "replacement_reasons": REPLACEMENT_REASONS,
        "units": [dict(u) for u in units], "events": [dict(e) for e in events],
    }  # fmt: skip


def _scoped_event(event: dict, scope: Scope) -> dict:
    """An event as a partial scope sees it: the unit list of a county draw holds only its own units."""
    detail = dict(event.get("detail") or {})
    if isinstance(detail.get("units"), list):
        detail["units"] = [u for u in detail["units"] if scope.covers_unit(u)]
    event["detail"] = detail
    return event


def draws_list(session: Session, scope: Scope) -> list[dict]:
    """Every draw the scope reaches, newest first."""
    return [dict(r) for r in session.execute(SQL.one("draws_list"), scope.params()).mappings()]


def draw_unit_map(session: Session, scope: Scope, draw_id: int, unit: str) -> dict:
    """A unit of a draw: frame houses with their roles, townships with their coverage (for a team, only the
    houses assigned to it)."""
    visible_draw(session, scope, draw_id)
    scope.require_unit(unit)
    found = session.execute(
        text("SELECT 1 FROM draw_unit WHERE draw_id = :d AND unit_code = :u"), {"d": draw_id, "u": unit}
    ).scalar()
    if not found:
        raise NotFound(f"抽样 {draw_id} 未抽中单元 {unit}。", f"Draw {draw_id} has no unit {unit}.")
    params = {"draw_id": draw_id, "unit": unit, **scope.params()}
    return json.loads(session.execute(SQL.one("draw_unit_map"), params).scalar_one())
