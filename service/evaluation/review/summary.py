"""What the other parts read of the document review: ``review_scores`` (per county: total and item scores),
and the pure formula of the total.

**Total** = Σ wᵢ·sᵢ / Σ wᵢ over the *scored* items only (a weighted mean, 0–100): an item not yet scored
neither counts as 0 nor lowers the total; ``scored``/``items`` say how complete the review is, and the total
is ``None`` while nothing is scored. Once every item is scored the denominator is 100 (the weights sum to
100), so the total is Σ wᵢ·sᵢ / 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.evaluation.review.service import ensure_checklist

SQL = SqlFiles("service.evaluation.review")


@dataclass(frozen=True)
class ReviewLine:
    """One item of one county."""

    key: str
    title: str
    weight: float
    score: float | None
    comment: str
    evidence: int


@dataclass(frozen=True)
class ReviewScore:
    """One county's document review."""

    unit_code: str
    unit_name: str
    total: float | None
    scored: int
    items: int
    synthetic: bool
    lines: list[ReviewLine] = field(default_factory=list)
    city_name: str | None = None


def weighted_total(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """The weighted mean of the scored items, from (weight, score or None) pairs; None when none is scored."""
    scored = [(w, s) for w, s in pairs if s is not None]
    weight = sum(w for w, _ in scored)
    if not scored or weight <= 0:
        return None
    return round(sum(w * s for w, s in scored) / weight, 2)


def default_year(session: Session) -> int | None:
    """The newest year with a published draw, else the newest loaded checklist's year."""
    rows = session.execute(SQL.one("review_years")).all()
    drawn = [r.year for r in rows if r.drawn]
    return (drawn or [r.year for r in rows] or [None])[0]


def years(session: Session) -> list[int]:
    """Every year with a published draw or a loaded checklist, newest first."""
    return [r.year for r in session.execute(SQL.one("review_years"))]


def units(session: Session, principal: Principal, year: int) -> list[dict]:
    """The counties reviewed in ``year`` within the caller's scope."""
    params = {**principal.scope.params(), "year": year, "unit_code": None}
    return [dict(r) for r in session.execute(SQL.one("review_units"), params).mappings()]


def lines(session: Session, checklist_id: int, unit_codes: list[str]) -> dict[str, list[dict]]:
    """Every item's row (score, comment, version, evidence count) per county."""
    out: dict[str, list[dict]] = {u: [] for u in unit_codes}
    if unit_codes:
        params = {"checklist_id": checklist_id, "units": unit_codes}
        for r in session.execute(SQL.one("review_lines"), params).mappings():
            out[r["unit_code"]].append(dict(r))
    return out


def as_score(unit: dict, rows: list[dict]) -> ReviewScore:
    """A county's ``ReviewScore`` from its rows of ``review_lines.sql``."""
    made = [ReviewLine(r["key"], r["title"], float(r["weight"]), None if r["score"] is None else float(r["score"]),
                       r["comment"], int(r["evidence"])) for r in rows]  # fmt: skip
    synthetic = any(bool(r["synthetic"]) or bool(r["evidence_synthetic"]) for r in rows)
    return ReviewScore(unit_code=unit["unit_code"], unit_name=unit["unit_name"],
                       total=weighted_total((x.weight, x.score) for x in made),
                       scored=sum(x.score is not None for x in made), items=len(made), synthetic=synthetic,
                       lines=made, city_name=unit.get("city_name"))  # fmt: skip


def review_scores(session: Session, principal: Principal, year: int | None = None) -> dict[str, ReviewScore]:
    """Every county reviewed in ``year`` (default: the newest drawn year) within the caller's scope, keyed by
    unit code: its total, the items scored, and every item's weight, score, comment and evidence count."""
    year = year or default_year(session)
    counties = units(session, principal, year) if year is not None else []
    if not counties:
        return {}
    try:
        checklist = ensure_checklist(session, principal.actor, year)
    except NotFound:  # no checklist applies to the year: nothing reviewed
        return {}
    by_unit = lines(session, checklist.id, [u["unit_code"] for u in counties])
    return {u["unit_code"]: as_score(u, by_unit[u["unit_code"]]) for u in counties}
