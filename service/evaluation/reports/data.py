"""The facts a report states, read from the service's own tables within the caller's scope: the draw, its
units and sampled houses with their result class, the estimates with intervals (service/draws/estimates.py),
the notices by state (service/followup), the document review scores and the questionnaire results (the
evaluation's review and survey parts, through their contracts ``review_scores`` and ``survey_results``).

The per-unit estimates and the synthetic flag come from the dashboard's ``figures.unit_figures`` so that the
report and the dashboard agree (simulated estimates, shown on the draws page before any result, are never
reported); the provincial line from ``estimates`` itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from geo.inspection_results import RESULT_CLASSES, controlled, result_class
from service.accounts.deps import Principal
from service.core.errors import Forbidden, NotFound
from service.core.queries import SqlFiles
from service.draws.estimates import EMPTY_NOTE, estimates
from service.evaluation.figures import ESTIMATED, unit_figures

SQL = SqlFiles("service.evaluation.reports")
NOT_INSPECTED = "not_inspected"


def today() -> dt.date:
    """The date in Gansu (Asia/Shanghai), for the overdue rule."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass
class Unit:
    """A drawn unit with the state of its sample and its notices."""

    code: str
    name: str
    city_code: str
    city_name: str
    group: str | None
    firm: str | None
    reason: str
    requested: int | None
    frame_size: int | None
    drawn: int
    approved: int
    submitted: int
    in_progress: int
    townships: int
    teams: int
    synthetic: bool
    notices: dict = field(default_factory=dict)
    results: Counter = field(default_factory=Counter)
    estimates: dict = field(default_factory=dict)  # indicator key -> the estimate row of the unit
    review: object | None = None  # a ReviewScore
    survey: object | None = None  # a SurveyResult


@dataclass
class Facts:
    """Everything one report (a county's or the province's) is drafted and laid out from."""

    draw_id: int
    year: int
    plan_name: str
    units: list[Unit]
    houses: list[dict]
    province: dict  # indicator key -> the estimate row of the scope's total
    estimate_note: str | None
    simulated: bool
    synthetic: bool
    today: dt.date
    shapes: list[dict] = field(default_factory=list)  # code, name, level, geometry (GeoJSON dict)


def _row(e) -> dict:
    """A figures ``Estimate`` as the estimate row the tables read (estimate, ci_low, ci_high, n, drawn)."""
    low, high = e.ci if e.ci else (None, None)
    return {"estimate": e.value, "ci_low": low, "ci_high": high, "n": e.n, "drawn": e.drawn}


def report_draw(session: Session, year: int | None) -> dict:
    """The newest published draw (of ``year``): id, year, plan_name, published_at; 404 without one."""
    row = session.execute(SQL.one("report_draw"), {"year": year}).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"{year}年尚无已发布的抽样结果，不能生成评估报告。"
            if year
            else "尚无已发布的抽样结果，不能生成评估报告。",
            "No published draw to report on.",
        )
    return dict(row)


def _optional(name: str, func: str):
    """A function of another part of the evaluation, or None while that part is not in the tree."""
    import importlib

    try:
        return getattr(importlib.import_module(name), func)
    except (ImportError, AttributeError):
        return None


def facts(session: Session, principal: Principal, year: int | None = None, unit: str | None = None) -> Facts:
    """The facts of the county report of ``unit`` or, without it, of the provincial summary (all drawn
    units of the scope). 404 for a unit not drawn, 403 for one outside the scope."""
    if unit is not None:
        principal.scope.require_unit(unit)
    draw = report_draw(session, year)
    scope = principal.scope.params()
    params = {"draw_id": draw["id"], "unit": unit, **scope}
    units = [
        Unit(code=r.unit_code, name=r.unit_name, city_code=r.city_code, city_name=r.city_name or "",
             group=r.group_name, firm=r.firm, reason=r.reason, requested=r.houses_requested,
             frame_size=r.frame_size, drawn=r.drawn, approved=r.approved, submitted=r.submitted,
             in_progress=r.in_progress, townships=r.townships, teams=r.teams, synthetic=bool(r.synthetic))
        for r in session.execute(SQL.one("report_units"), params)
    ]  # fmt: skip
    if unit is not None and not units:
        raise NotFound(
            f"单元 {unit} 未被 {draw['year']} 年抽中，没有县区评估报告。", f"Unit {unit} not drawn."
        )
    by_code = {u.code: u for u in units}
    houses = []
    for r in session.execute(SQL.one("report_houses"), params).mappings():
        h = dict(r)
        summary = h["summary"] if h["status"] == "approved" and isinstance(h["summary"], dict) else None
        h["result"] = (
            result_class(summary, controlled(h["form_measures"], ["x"] if h["recorded_control"] else []))
            if summary else NOT_INSPECTED
        )  # fmt: skip
        houses.append(h)
        if h["unit_code"] in by_code and summary:
            by_code[h["unit_code"]].results[h["result"]] += 1
    for r in session.execute(SQL.one("report_notices"), {"draw_id": draw["id"], "today": today(), **scope}):
        if r.unit_code in by_code:
            by_code[r.unit_code].notices = dict(r._mapping)
    figures = {fu.unit_code: fu for fu in unit_figures(session, principal, draw["year"])}
    for code, u in by_code.items():
        fu = figures.get(code)
        if fu is not None:
            u.estimates = {key: _row(getattr(fu, name)) for name, key in ESTIMATED.items()}
            u.synthetic = u.synthetic or fu.synthetic
    province, note, simulated = {}, None, False
    if unit is None:
        est = estimates(session, draw["id"], scope=principal.scope)
        simulated = bool(est["simulated"])
        note = EMPTY_NOTE if simulated else est["note"]
        if not simulated:
            province = {
                key: (levels["province"][0] if levels["province"] else {})
                for key, levels in est["estimates"].items()
            }
    elif not any(u.estimates.get("record_accurate", {}).get("estimate") is not None for u in units):
        note = EMPTY_NOTE
    _evaluation(session, principal, draw["year"], by_code)
    synthetic = (
        any(u.synthetic for u in units) or simulated
        or any(h["synthetic"] for h in houses)
        or any(u.notices.get("synthetic") for u in units)
        or any(getattr(u.review, "synthetic", False) or getattr(u.survey, "synthetic", False) for u in units)
    )  # fmt: skip
    return Facts(
        draw_id=draw["id"], year=draw["year"], plan_name=draw["plan_name"] or "", units=units, houses=houses,
        province=province, estimate_note=note, simulated=simulated, synthetic=synthetic,
        today=today(), shapes=_shapes(session, principal, unit),
    )  # fmt: skip


def _evaluation(session: Session, principal: Principal, year: int, by_code: dict[str, Unit]) -> None:
    """The review scores and the questionnaire results of the units, where those parts are in the tree."""
    review_scores = _optional("service.evaluation.review.summary", "review_scores")
    survey_results = _optional("service.evaluation.survey.summary", "survey_results")
    reviews = review_scores(session, principal, year) if review_scores else {}
    surveys = survey_results(session, principal, year) if survey_results else {}
    for code, u in by_code.items():
        u.review, u.survey = reviews.get(code), surveys.get(code)


def _shapes(session: Session, principal: Principal, unit: str | None) -> list[dict]:
    if unit is not None:
        rows = session.execute(SQL.one("report_unit_shape"), {"unit": unit, **principal.scope.params()})
    elif principal.scope.everything:
        rows = session.execute(SQL.one("report_province_shape"), principal.scope.params())
    else:
        return []
    return [
        {"code": r.code, "name": r.name, "level": r.level, "geometry": json.loads(r.geojson)} for r in rows
    ]


def require_province(principal: Principal) -> None:
    """The provincial summary covers every drawn unit: only a caller who sees the whole province gets it."""
    if not principal.scope.everything:
        raise Forbidden(
            "全省汇总报告仅限可查看全省数据的账户。", "The provincial report needs a province-wide scope."
        )


RESULT_ORDER = [*RESULT_CLASSES, NOT_INSPECTED]
RESULT_NAMES = {**{k: v[0] for k, v in RESULT_CLASSES.items()}, NOT_INSPECTED: "未检查或未审核"}
