"""Hazard records with history.

A house has at most one open hazard record. A change of the hazard determination (the initial
determination or the hazard grade) closes the open record and opens the next one, linked by
``superseded_by``, so the history of what the platform said, and when, is never overwritten. Progress on
the same determination (appraisal, rectification, measures, close-out) updates the open record in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.enums import (
    APPRAISAL_GRADES,
    AppraisalStandard,
    AppraisalStatus,
    HazardGrade,
    InitialDetermination,
    Measure,
    RectificationStatus,
)
from service.core.errors import InvalidInput
from service.frame.models import HazardRecord

# The fields that make up a determination: a change here is a new record, not an edit.
DETERMINATION_FIELDS = ("initial_determination", "hazard_grade")


@dataclass(frozen=True)
class HazardState:
    """What the platform says about a house's hazard at one moment."""

    initial_determination: InitialDetermination
    hazard_grade: HazardGrade
    rectification_status: RectificationStatus = RectificationStatus.PENDING
    appraisal_status: AppraisalStatus | None = None
    appraisal_standard: AppraisalStandard | None = None
    appraisal_grade: str | None = None
    rectification_deadline: dt.date | None = None
    measures: tuple[Measure, ...] = field(default_factory=tuple)
    closed_out: bool = False
    closed_out_on: dt.date | None = None
    record_code: str | None = None

    def __post_init__(self) -> None:
        if (self.appraisal_standard is None) != (self.appraisal_grade is None):
            raise InvalidInput(
                "鉴定等级与鉴定标准须同时填写。",
                "An appraisal grade needs its standard, and a standard needs a grade.",
            )
        if self.appraisal_standard is not None:
            allowed = APPRAISAL_GRADES[self.appraisal_standard]
            if self.appraisal_grade not in allowed:
                raise InvalidInput(
                    f"鉴定等级“{self.appraisal_grade}”不属于{self.appraisal_standard.label}（可选：{'/'.join(allowed)}）。",
                    f"Appraisal grade {self.appraisal_grade!r} is not a grade of {self.appraisal_standard} "
                    f"({', '.join(allowed)}).",
                )
        if self.closed_out and self.rectification_status != RectificationStatus.DONE:
            raise InvalidInput(
                "只有已整治的隐患才能销号。",
                "Only a rectified hazard (rectification done) can be closed out.",
            )

    def columns(self) -> dict[str, object]:
        """Column values for a HazardRecord."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["measures"] = [m.value for m in self.measures]
        return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def open_record(session: Session, house_id: int) -> HazardRecord | None:
    """The house's open hazard record, locked for update."""
    return session.scalars(
        select(HazardRecord)
        .where(HazardRecord.house_id == house_id, HazardRecord.closed_on.is_(None))
        .with_for_update()
    ).one_or_none()


def record_hazard(
    session: Session, house_id: int, state: HazardState, on: dt.date, synthetic: bool = False
) -> HazardRecord:
    """Record ``state`` for a house as of ``on``: update the open record, or close it and open the next."""
    values = state.columns()
    current = open_record(session, house_id)
    if current is not None and all(getattr(current, f) == values[f] for f in DETERMINATION_FIELDS):
        for name, value in values.items():
            setattr(current, name, value)
        session.flush()
        return current
    if current is not None and on < current.opened_on:
        raise InvalidInput(
            f"新隐患记录日期 {on} 早于当前记录的开始日期 {current.opened_on}。",
            f"A new hazard record dated {on} cannot precede the open record opened on {current.opened_on}.",
        )
    new = HazardRecord(house_id=house_id, opened_on=on, synthetic=synthetic, **values)
    if current is not None:
        current.closed_on = on
        session.flush()  # free the one-open-record-per-house slot before the new record takes it
    session.add(new)
    session.flush()
    if current is not None:
        current.superseded_by = new.id
        session.flush()
    return new


def history(session: Session, house_id: int) -> list[HazardRecord]:
    """All hazard records of a house, oldest first."""
    return list(
        session.scalars(
            select(HazardRecord)
            .where(HazardRecord.house_id == house_id)
            .order_by(HazardRecord.opened_on, HazardRecord.id)
        )
    )
