"""Response bodies of the document review, read from the tables (scoped by ``summary``)."""

from __future__ import annotations

from statistics import mean

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.core.queries import SqlFiles
from service.evaluation.review import service as S
from service.evaluation.review import summary as M
from service.evaluation.review.models import ReviewChecklist, ReviewEvidence, ReviewItem
from service.evaluation.review.schemas import (
    ChecklistOut,
    ComparisonOut,
    EvidenceOut,
    ItemOut,
    LineOut,
    UnitLine,
    UnitReviewOut,
    UnitSummaryOut,
    YearsOut,
)

SQL = SqlFiles("service.evaluation.review")


def years_out(session: Session) -> YearsOut:
    """The years offered, and the default."""
    return YearsOut(years=M.years(session), default=M.default_year(session))


def checklist_out(session: Session, c: ReviewChecklist) -> ChecklistOut:
    """A checklist with its items."""
    return ChecklistOut(
        year=c.year, title=c.title, source=c.source, version=c.version, updated_at=c.updated_at,
        items=[ItemOut(key=i.key, position=i.position, title=i.title, guidance=i.guidance, weight=float(i.weight))
               for i in S.items(session, c)],
    )  # fmt: skip


def comparison_out(session: Session, principal: Principal, year: int) -> ComparisonOut:
    """Every county of the year in scope, highest total first (unscored last), with each item's mean."""
    checklist = S.ensure_checklist(session, principal.actor, year)
    scores = M.review_scores(session, principal, year)
    ranked = sorted(scores.values(), key=lambda s: (s.total is None, -(s.total or 0), s.unit_code))
    units = [
        UnitSummaryOut(unit_code=s.unit_code, unit_name=s.unit_name, city_name=s.city_name, total=s.total,
                       scored=s.scored, items=s.items, synthetic=s.synthetic,
                       lines=[UnitLine(**line.__dict__) for line in s.lines])
        for s in ranked
    ]  # fmt: skip
    means: dict[str, float | None] = {}
    for item in S.items(session, checklist):
        values = [x.score for s in ranked for x in s.lines if x.key == item.key and x.score is not None]
        means[item.key] = round(mean(values), 2) if values else None
    return ComparisonOut(year=year, checklist=checklist_out(session, checklist), units=units, item_means=means,
                         synthetic=any(s.synthetic for s in ranked))  # fmt: skip


def evidence_out(session: Session, row: ReviewEvidence) -> EvidenceOut:
    """One stored evidence file (without its content)."""
    params = {"checklist_id": session.get(ReviewItem, row.item_id).checklist_id, "unit_code": row.unit_code}
    found = next(
        r for r in session.execute(SQL.one("review_evidence"), params).mappings() if r["id"] == row.id
    )
    return EvidenceOut(**found)


def unit_out(session: Session, principal: Principal, year: int, unit_code: str) -> UnitReviewOut:
    """One county's review with every item's score, version and evidence files."""
    unit = S.reviewed_unit(session, principal, year, unit_code)
    checklist = S.ensure_checklist(session, principal.actor, year)
    rows = M.lines(session, checklist.id, [unit_code])[unit_code]
    params = {"checklist_id": checklist.id, "unit_code": unit_code}
    files: dict[str, list[EvidenceOut]] = {}
    for r in session.execute(SQL.one("review_evidence"), params).mappings():
        files.setdefault(r["item_key"], []).append(EvidenceOut(**r))
    s = M.as_score(unit, rows)
    lines = [
        LineOut(key=r["key"], title=r["title"], guidance=r["guidance"], weight=float(r["weight"]),
                score=None if r["score"] is None else float(r["score"]), comment=r["comment"], version=r["version"],
                scored_by=r["scored_by"], scored_at=r["scored_at"], synthetic=bool(r["synthetic"]),
                evidence=files.get(r["key"], []))
        for r in rows
    ]  # fmt: skip
    return UnitReviewOut(year=year, unit_code=unit_code, unit_name=s.unit_name, city_name=s.city_name,
                         total=s.total, scored=s.scored, items=s.items, synthetic=s.synthetic,
                         checklist_version=checklist.version, lines=lines)  # fmt: skip
