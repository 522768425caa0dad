"""The questionnaire results per county (the contract the dashboard and the reports use):
``survey_results(session, principal, year)`` → ``{unit_code: SurveyResult}``, limited to the caller's scope.

Each county's result holds its overall score (every respondent of every group once), a score per group
(``official``, ``staff``, ``resident``), every item's mean per group and its open answers grouped by theme;
the formulas and intervals are ``geo.satisfaction``'s. A county is listed when it has at least one answer
in the year; ``synthetic`` is true when any of its answers is (the demo's).
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy.orm import Session

from geo import satisfaction as G
from service.accounts.deps import Principal
from service.evaluation.survey.definitions import GROUP_LABELS, GROUPS, definition_for, weights
from service.evaluation.survey.service import SQL, this_year


class Score(BaseModel):
    """S (0–100) with its t-interval and 满意率 (0–1) with its Wilson interval, over ``n`` respondents."""

    index: float | None
    index_ci: tuple[float, float] | None
    satisfied_rate: float | None
    satisfied_ci: tuple[float, float] | None
    n: int


class ItemScore(BaseModel):
    """One satisfaction item of one group: its weight λj (normalised), mean Sj and answers."""

    key: str
    title: str
    weight: float
    mean: float | None
    n: int
    group: str
    satisfied_rate: float | None = None
    counts: dict[int, int] = {}


class OpenGroup(BaseModel):
    """Open answers of one theme (资金与补助, 技术指导与鉴定, ... 其他)."""

    theme: str
    answers: list[str]


class SurveyResult(BaseModel):
    """One county's questionnaire results of a year."""

    unit_code: str
    unit_name: str
    year: int
    synthetic: bool
    overall: Score
    groups: dict[str, Score]
    items: list[ItemScore]
    open_answers: list[OpenGroup]
    channels: dict[str, int] = {}


def _score(s: G.Score) -> Score:
    return Score(index=s.index, index_ci=s.index_ci, satisfied_rate=s.satisfied_rate, satisfied_ci=s.satisfied_ci,
                 n=s.n)  # fmt: skip


def default_year(session: Session, principal: Principal) -> int:
    """The newest year with answers in the scope, else this year."""
    return session.execute(SQL.one("latest_year"), principal.scope.params()).scalar() or this_year()


def _unit(code: str, name: str, year: int, rows: list) -> SurveyResult:
    by_group: dict[str, list] = defaultdict(list)
    for r in rows:
        by_group[r["group"]].append(r)
    everyone: list[G.Respondent] = []
    groups, items, opens, themes = {}, [], [], []
    for group in GROUPS:
        people = by_group.get(group, [])
        if not people:
            groups[group] = _score(G.score([]))
            continue
        # A county's answers of a year share a definition unless a new one came mid-year: each row its own.
        scored = []
        for r in people:
            d = definition_for(r["definition_year"])
            scale = G.scale_scores(d["scale"])
            scored.append(G.respondent(r["ratings"], weights(d, group), scale))
        everyone += scored
        groups[group] = _score(G.score(scored))
        d = definition_for(people[0]["definition_year"])
        titles = {i["key"]: i["title"] for i in d["groups"][group]["items"]}
        same = [r["ratings"] for r in people if r["definition_year"] == d["year"]]
        for m in G.item_means(same, weights(d, group), G.scale_scores(d["scale"])):
            items.append(ItemScore(key=m.key, title=titles[m.key], weight=m.weight, mean=m.mean, n=m.n, group=group,
                                   satisfied_rate=m.satisfied_rate, counts=m.counts))  # fmt: skip
        themes = [(t["theme"], t["keywords"]) for t in d["themes"]]
        for r in people:
            opens += [f"【{GROUP_LABELS[group]}】{text}" for text in r["open_answers"].values()]
    grouped = G.group_open(opens, themes)
    channels: dict[str, int] = defaultdict(int)
    for r in rows:
        channels[r["channel"]] += 1
    return SurveyResult(unit_code=code, unit_name=name or code, year=year, synthetic=any(r["synthetic"] for r in rows),
                        overall=_score(G.score(everyone)), groups=groups, items=items,
                        open_answers=[OpenGroup(theme=t, answers=a) for t, a in grouped], channels=dict(channels))  # fmt: skip


def survey_results(
    session: Session, principal: Principal, year: int | None = None
) -> dict[str, SurveyResult]:
    """Every county with answers in the caller's scope and year (default: the newest year with answers)."""
    year = year or default_year(session, principal)
    params = {**principal.scope.params(), "year": year, "unit": None, "group": None, "limit": 1_000_000}
    by_unit: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for r in session.execute(SQL.one("responses_list"), params).mappings():
        by_unit[r["unit_code"]].append(r)
        names[r["unit_code"]] = r["unit_name"]
    return {code: _unit(code, names[code], year, rows) for code, rows in sorted(by_unit.items())}
