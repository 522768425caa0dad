"""Every drawn unit's key figures of the evaluation, and the same per city: what the leaders' dashboard and
the reports show (docs/evaluation_dashboard.md).

**Which draw.** The newest published draw of a plan of ``year`` (default: the newest year with a published
draw). Every figure is of that draw's units in the caller's scope (``principal.scope``: a city leader or city
office its city's units, a county office its unit, a firm its group's units, the province everything).

**Per unit** (``UnitFigures``, ``sql/figures_units.sql``):

- ``drawn``: the unit's sampled houses; ``inspected``: inspections submitted or approved; ``approved``;
  ``collapse_risk``: inspected houses found at risk of collapse;
- ``accurate_share`` (排查信息准确率), ``hazard_correct_share`` (隐患判定准确率), ``paper_rectification_share``
  (数字整治比例, in the domain of the houses recorded 已整治 at the draw) and ``missed_per_house`` (户均漏排):
  the design-weighted estimates of ``service.draws.estimates`` on the approved inspections, each an
  ``Estimate`` (value, 95% interval, n with a result, drawn in its domain); ``value`` None when there is no
  result. The simulated estimates the draws page shows before any result are never used here;
- ``notices_issued`` (past draft), ``notices_open`` (issued, not closed), ``notices_overdue`` (open, deadline
  before today in Asia/Shanghai), ``notices_closed`` (已销号): the draw's rectification notices of the unit;
- ``review_total``: the weighted document review score 0–100 (``service.evaluation.review.summary``);
- ``satisfaction_index``, ``satisfied_rate`` (with ``satisfaction_ci``, ``satisfied_ci``, ``satisfaction_n``):
  the overall questionnaire results (``service.evaluation.survey.summary``);
- ``synthetic``: the unit's drawn records, inspections, notices, review or answers are synthetic.

**Per city** (``CityFigures``, the units of the city in scope): counts are the sums of its units'; the four
estimates are the design-weighted city estimates of ``service.draws.estimates`` (the Hájek ratio over the
city's drawn units with ``w = 1 / (pi_unit * pi_house)``, i.e. the units combined by their weights, not a
plain mean); ``review_total`` the plain mean of its scored units' totals (each county counts once);
``satisfaction_index`` and ``satisfied_rate`` the means of its units' values weighted by their respondents
``n`` (no interval at city level); ``partial`` when some of the city's drawn units are outside the scope.
``Figures.total`` combines every unit in scope the same way, with the province-level estimates (全省, or
合计（scope）for a part of the province).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from geo.gansu import PROVINCE_CODE
from service.accounts.deps import Principal
from service.core.queries import SqlFiles
from service.draws.coverage import SQL as DRAWS_SQL
from service.draws.estimates import estimates
from service.followup.service import today as gansu_today

SQL = SqlFiles("service.evaluation")
ESTIMATED = {"accurate_share": "record_accurate", "hazard_correct_share": "hazard_correct",
             "paper_rectification_share": "paper_rectification", "missed_per_house": "missed_houses"}  # fmt: skip
PAPER = "paper_rectification_share"


@dataclass(frozen=True)
class Estimate:
    """A design-weighted estimate: ``value`` (None without a result), its 95% interval, ``n`` houses with a
    result in its domain, ``drawn`` sampled houses in its domain."""

    value: float | None = None
    ci: tuple[float, float] | None = None
    n: int = 0
    drawn: int = 0


@dataclass(kw_only=True)
class KeyFigures:
    """The key figures a unit and a city both have (module docstring)."""

    city_code: str
    city_name: str
    drawn: int
    inspected: int
    approved: int
    accurate_share: Estimate
    hazard_correct_share: Estimate
    paper_rectification_share: Estimate
    missed_per_house: Estimate
    collapse_risk: int
    notices_issued: int
    notices_open: int
    notices_overdue: int
    notices_closed: int
    review_total: float | None = None
    satisfaction_index: float | None = None
    satisfied_rate: float | None = None
    satisfaction_n: int = 0
    synthetic: bool = False


@dataclass(kw_only=True)
class UnitFigures(KeyFigures):
    """One drawn county unit's key figures, with the intervals of its satisfaction figures."""

    unit_code: str
    unit_name: str
    group: str | None
    firm: str | None
    satisfaction_ci: tuple[float, float] | None = None
    satisfied_ci: tuple[float, float] | None = None


@dataclass(kw_only=True)
class CityFigures(KeyFigures):
    """One city's key figures over its drawn units in scope."""

    units: int
    partial: bool
    groups: list[str]
    firms: list[str]
    unit_codes: list[str] = field(default_factory=list)


@dataclass
class Figures:
    """The dashboard's whole answer: the draw and year, the units, the cities, whether synthetic."""

    draw_id: int | None
    year: int | None
    today: dt.date
    scope: str
    units: list[UnitFigures]
    cities: list[CityFigures]
    synthetic: bool
    note: str | None = None
    total: CityFigures | None = None


def _draw(session: Session, year: int | None) -> tuple[int | None, int | None]:
    row = session.execute(SQL.one("figures_draw"), {"year": year}).one_or_none()
    return (row.id, row.year) if row else (None, year)


def _estimate(row: dict | None, drawn: int) -> Estimate:
    """An estimate's row of service.draws.estimates; without one, no value and the domain's ``drawn``."""
    if not row or row.get("estimate") is None:
        return Estimate(n=int(row["n"]) if row else 0, drawn=int(row["drawn"]) if row else drawn)
    ci = (
        (row["ci_low"], row["ci_high"])
        if row.get("ci_low") is not None and row.get("ci_high") is not None
        else None
    )
    return Estimate(value=float(row["estimate"]), ci=ci, n=int(row["n"]), drawn=int(row["drawn"]))


def _estimates(session: Session, draw_id: int, principal: Principal) -> dict[str, dict[str, dict[str, dict]]]:
    """{level: {figure: {code: row}}} from service.draws.estimates (real results only, never simulated), and
    under "done" the sampled houses per unit recorded 已整治 at the draw (数字整治's domain, as it counts them)."""
    est = estimates(session, draw_id, scope=principal.scope)
    done: dict[str, int] = {}
    for r in session.execute(DRAWS_SQL.one("estimate_results"), {"d": draw_id}):
        done[r.unit_code] = done.get(r.unit_code, 0) + (r.recorded_rectification == "done")
    if est["simulated"]:
        return {"unit": {}, "city": {}, "province": {}, "done": done}
    return {level: {figure: {r["code"]: r for r in est["estimates"][key][level]} for figure, key in ESTIMATED.items()}
            for level in ("unit", "city", "province")} | {"done": done}  # fmt: skip


def _review(session: Session, principal: Principal, year: int | None) -> dict:
    from service.evaluation.review.summary import review_scores  # imported when called (the parts load apart)

    return review_scores(session, principal, year)


def _survey(session: Session, principal: Principal, year: int | None) -> dict:
    from service.evaluation.survey.summary import survey_results

    return survey_results(session, principal, year)


def _unit(row, est: dict, review, survey) -> UnitFigures:
    code = row.unit_code
    overall = getattr(survey, "overall", None)
    return UnitFigures(
        unit_code=code, unit_name=row.unit_name, city_code=row.city_code, city_name=row.city_name or row.city_code,
        group=row.group_name, firm=row.firm, drawn=row.drawn, inspected=row.inspected, approved=row.approved,
        **{figure: _estimate(est.get("unit", {}).get(figure, {}).get(code),
                             est.get("done", {}).get(code, 0) if figure == PAPER else row.drawn)
           for figure in ESTIMATED},
        collapse_risk=row.collapse_risk, notices_issued=row.issued, notices_open=row.open,
        notices_overdue=row.overdue, notices_closed=row.closed,
        review_total=getattr(review, "total", None),
        satisfaction_index=getattr(overall, "index", None), satisfied_rate=getattr(overall, "satisfied_rate", None),
        satisfaction_ci=_pair(getattr(overall, "index_ci", None)), satisfied_ci=_pair(getattr(overall, "satisfied_ci", None)),
        satisfaction_n=int(getattr(overall, "n", 0) or 0),
        synthetic=bool(row.synthetic or row.synthetic_inspections or row.synthetic_notices
                       or getattr(review, "synthetic", False) or getattr(survey, "synthetic", False)),
    )  # fmt: skip


def _pair(ci) -> tuple[float, float] | None:
    return None if ci is None else (float(ci[0]), float(ci[1]))


def _weighted(units: list[UnitFigures], attr: str) -> float | None:
    pairs = [
        (getattr(u, attr), u.satisfaction_n)
        for u in units
        if getattr(u, attr) is not None and u.satisfaction_n
    ]
    total = sum(n for _, n in pairs)
    return sum(v * n for v, n in pairs) / total if total else None


def _city(
    code: str,
    units: list[UnitFigures],
    est: dict,
    drawn_units: int,
    level: str = "city",
    name: str | None = None,
) -> CityFigures:
    reviewed = [u.review_total for u in units if u.review_total is not None]
    return CityFigures(
        city_code=code, city_name=name or units[0].city_name, units=len(units), partial=len(units) < drawn_units,
        groups=sorted({u.group for u in units if u.group}), firms=sorted({u.firm for u in units if u.firm}),
        **{k: sum(getattr(u, k) for u in units) for k in ("drawn", "inspected", "approved", "collapse_risk",
                                                           "notices_issued", "notices_open", "notices_overdue",
                                                           "notices_closed", "satisfaction_n")},
        **{figure: _estimate(est.get(level, {}).get(figure, {}).get(code),
                             sum(u.paper_rectification_share.drawn if figure == PAPER else u.drawn for u in units))
           for figure in ESTIMATED},
        review_total=sum(reviewed) / len(reviewed) if reviewed else None,
        satisfaction_index=_weighted(units, "satisfaction_index"), satisfied_rate=_weighted(units, "satisfied_rate"),
        synthetic=any(u.synthetic for u in units), unit_codes=[u.unit_code for u in units],
    )  # fmt: skip


def figures(
    session: Session, principal: Principal, year: int | None = None, on: dt.date | None = None
) -> Figures:
    """The units' and the cities' figures of the year's draw within the caller's scope (``on``: "today" for
    the overdue rule, default today in Asia/Shanghai)."""
    day = on or gansu_today()
    draw_id, year = _draw(session, year)
    if draw_id is None:
        note = f"{year} 年尚无已发布的抽样。" if year else "尚无已发布的抽样。"
        return Figures(None, year, day, principal.scope.label, [], [], False, note)
    rows = session.execute(
        SQL.one("figures_units"), {"d": draw_id, "today": day, **principal.scope.params()}
    ).all()
    est = _estimates(session, draw_id, principal) if rows else {}
    reviews, surveys = _review(session, principal, year), _survey(session, principal, year)
    units = [_unit(r, est, reviews.get(r.unit_code), surveys.get(r.unit_code)) for r in rows]
    per_city: dict[str, list[UnitFigures]] = {}
    for u in units:
        per_city.setdefault(u.city_code, []).append(u)
    drawn = dict(session.execute(SQL.one("figures_city_units"), {"d": draw_id}).all())
    cities = [_city(code, us, est, drawn.get(code, len(us))) for code, us in per_city.items()]
    synthetic = any(u.synthetic for u in units)
    note = "合成演示数据（非真实房屋、非真实评分与问卷）。" if synthetic else None
    scope = principal.scope
    total = _city(PROVINCE_CODE, units, est, sum(drawn.values()), "province",
                  "全省" if scope.everything else f"合计（{scope.label}）") if units else None  # fmt: skip
    return Figures(draw_id, year, day, scope.label, units, cities, synthetic, note, total)


def unit_figures(session: Session, principal: Principal, year: int | None = None,
                 on: dt.date | None = None) -> list[UnitFigures]:  # fmt: skip
    """One ``UnitFigures`` per drawn county unit of the year's draw in the caller's scope."""
    return figures(session, principal, year, on).units


def city_figures(session: Session, principal: Principal, year: int | None = None,
                 on: dt.date | None = None) -> list[CityFigures]:  # fmt: skip
    """One ``CityFigures`` per city with drawn units in the caller's scope (its units in scope combined)."""
    return figures(session, principal, year, on).cities
