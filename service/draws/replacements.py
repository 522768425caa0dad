"""Replacements: a drawn house that cannot be visited hands its place to the next house the design allows.

Each replacement is an event of the draw (who, when, why, a note) and follows the unit's replacement list
in order (``geo.draw.next_replacement``). A house already visited (its inspection submitted) is not
replaced; a replacement in use can itself be replaced. The draw's row is locked first, so replacements of
one draw are made one at a time."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import draw as algo
from service.accounts.scope import EVERYTHING, Scope
from service.audit.trail import Actor
from service.core.errors import Conflict, InvalidInput
from service.draws.models import DrawUnit
from service.draws.service import REPLACEMENT_REASONS, SQL, add_event, locked_draw


def _unit_draw(session: Session, draw_id: int, unit_code: str) -> algo.UnitDraw:
    """A unit's draw rebuilt from its recorded rows (for the replacement rule)."""
    rows = pd.DataFrame(
        session.execute(
            SQL.one("unit_houses"),
            {"d": draw_id, "u": unit_code},
        ).all(),
        columns=["house_id", "township_code", "commercial", "stratum", "inclusion_probability", "role", "position"],
    )  # fmt: skip
    unit = session.get(DrawUnit, (draw_id, unit_code))
    # What the replacement rule reads of the allocation: how many commercial houses the frame had.
    allocation = pd.DataFrame(
        session.execute(
            SQL.one("unit_frame_allocation"),
            {"d": draw_id, "u": unit_code},
        ).all(),
        columns=["commercial", "frame_count"],
    )  # fmt: skip
    sample = rows[rows.role == "sample"].rename(columns={"position": "draw_order"}).drop(columns="role")
    replacements = rows[rows.role == "replacement"].rename(columns={"position": "rank"}).drop(columns="role")
    return algo.UnitDraw(
        unit_code=unit_code, sample=sample.reset_index(drop=True), replacements=replacements.reset_index(drop=True),
        allocation=allocation, requested=unit.houses_requested, commercial_min=unit.commercial_min,
        commercial_drawn=unit.commercial_drawn or 0, shortfalls=list(unit.shortfalls or []),
    )  # fmt: skip


def _survey_code(session: Session, draw_id: int, house_id: int) -> str:
    """A drawn or replacement house's survey code as recorded with the draw."""
    code = session.execute(text("SELECT survey_code FROM draw_house_record WHERE draw_id = :d AND house_id = :h"),
                           {"d": draw_id, "h": house_id}).scalar()  # fmt: skip
    return code or str(house_id)


@dataclass(frozen=True)
class Replacement:
    """A replacement taken: the two houses by id and survey code, and the field team it went to."""

    house_id: int
    survey_code: str
    replacement_house_id: int
    replacement_survey_code: str
    team_id: int | None


def use_replacement(
    session: Session, draw_id: int, house_id: int, reason: str, actor: Actor, note: str | None = None,
    scope: Scope = EVERYTHING,
) -> Replacement:
    """Replace a drawn house that cannot be visited by the next one the design allows; log who, when, why.

    Replacements of one draw are made one at a time, each seeing those made before it. A replaced house
    assigned to a field team hands its place to the replacement, and the team's current route plan is
    re-planned (``service.fieldwork.assignment.follow_replacement``)."""
    draw = locked_draw(session, draw_id)
    if draw.status not in ("houses_drawn", "published"):
        raise InvalidInput("该抽样尚未抽取房屋。", f"Draw {draw_id} has no houses yet.")
    if reason not in REPLACEMENT_REASONS:
        raise InvalidInput(
            f"替换原因须为：{'、'.join(f'{k}（{v}）' for k, v in REPLACEMENT_REASONS.items())}。",
            f"The reason must be one of {list(REPLACEMENT_REASONS)}.",
        )
    unit = session.execute(SQL.one("replacement_house"), {"d": draw_id, "h": house_id}).one_or_none()
    if unit is not None:
        scope.require_unit(unit.unit_code)  # before anything names the house
    used = _used(session, draw_id)
    in_sample = unit is not None and unit.role == "sample"
    in_use = house_id in used.values()  # a replacement already in use can itself be replaced
    if not (in_sample or in_use):
        raise InvalidInput(
            f"房屋 {unit.survey_code if unit else house_id} 不在抽样 {draw_id} 的样本中，不能替换。",
            f"House {house_id} is not among the houses of draw {draw_id} in use.",
        )
    if house_id in used:
        raise Conflict(
            f"房屋 {unit.survey_code} 已被替换为 {_survey_code(session, draw_id, used[house_id])}（可能刚由他人替换），"
            "不能再次替换。",
            f"House {house_id} was replaced by {used[house_id]}.",
        )
    if unit.inspected:
        raise Conflict(
            f"房屋 {unit.survey_code} 已入户检查并提交，不能替换。",
            f"House {house_id} has an inspection ({unit.inspected}); a visited house is not replaced.",
        )
    unit_code = unit.unit_code
    replacement = algo.next_replacement(_unit_draw(session, draw_id, unit_code), house_id, set(used.values()))
    if replacement is None:
        raise InvalidInput(
            f"单元 {unit_code} 的备选名单已用完，请报省专班处理。",
            f"The replacement list of unit {unit_code} is exhausted; refer to the provincial office.",
        )
    replacement = int(replacement)
    add_event(session, draw_id, "replacement_used", actor, house_id=house_id, replacement_house_id=replacement,
              reason=reason, note=note, detail={"unit_code": unit_code})  # fmt: skip
    session.flush()
    from service.fieldwork.assignment import follow_replacement  # field work builds on draws, not the reverse

    team_id = follow_replacement(session, draw_id, house_id, replacement, actor)  # same team, and a re-plan
    return Replacement(house_id=house_id, survey_code=unit.survey_code, replacement_house_id=replacement,
                       replacement_survey_code=_survey_code(session, draw_id, replacement), team_id=team_id)


def _used(session: Session, draw_id: int) -> dict[int, int]:
    """Replaced house -> its replacement, from the event log."""
    return dict(
        session.execute(SQL.one("replacements_used"), {"d": draw_id}).all()
    )  # fmt: skip
