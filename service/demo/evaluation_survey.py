"""The demo's questionnaires (notice section 二(三)), all labelled synthetic: for every county of the demo's
draw, a batch of resident links of which about two thirds were answered through the link, and paper
questionnaires of officials (干部) and staff (工作人员), answered in the year of the draw's plan with that
year's definition. Each county has its own leaning (some better liked than others), each group its own
level (officials rate highest, staff lowest), each respondent a leaning of their own; about a third write an
open answer drawn from a list of plausible phrases. Reproducible from the demo's seed (the links' tokens
are random: a token is a secret, not data)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.accounts.scope import EVERYTHING
from service.evaluation.survey.definitions import definition_for
from service.evaluation.survey.models import SurveyResponse, SurveyToken
from service.evaluation.survey.schemas import BatchIn
from service.evaluation.survey.service import SQL, create_batch

if TYPE_CHECKING:
    from service.demo.spotcheck import DemoContext

LINKS = 30  # per county; about RESIDENT_SHARE of them answered
RESIDENT_SHARE = 0.67
OFFICIALS, STAFF = (3, 6), (4, 8)  # per county: between
GROUP_LEVEL = {"official": 4.25, "staff": 3.7, "resident": 3.9}
OPEN_SHARE = 0.35
PHRASES = {
    "resident": ["希望加大危房改造的补助资金", "排查人员很负责，讲得很清楚", "希望多宣传房屋安全知识", "加固施工的质量要有人把关",
                 "建房审批手续希望再简化一些", "老房子的鉴定费用太高", "村里的危房拆除进度有点慢", "希望有专家上门指导"],
    "official": ["基层技术力量不足，鉴定机构少", "专项资金缺口较大", "部门之间信息共享还不够", "需要更明确的执法依据",
                 "经营性自建房底数还需要进一步摸清", "建议建立常态化巡查机制"],
    "staff": ["排查任务重、人手紧", "希望增加专业培训", "信息系统录入重复，希望优化", "部分群众不配合入户",
              "鉴定设备不够用", "工作经费保障不足"],
}  # fmt: skip


def _manager(session: Session) -> Principal:
    """The demo's provincial account (``demo-province``, disabled: nobody logs in as it) types in the paper
    questionnaires and makes the links, as the province's survey clerk would."""
    from service.demo.spotcheck import DRAWER, _drawer

    org = "甘肃省自建房安全专项整治工作专班（演示）"
    return Principal(_drawer(session), DRAWER, "演示抽样（合成）", org, Role.PROVINCE, EVERYTHING, via="demo")


def _answers(rng: random.Random, d: dict, group: str, level: float) -> dict:
    g = d["groups"][group]
    person = level + rng.gauss(0, 0.55)
    ratings = {i["key"]: min(5, max(1, round(person + rng.gauss(0, 0.6)))) for i in g["items"]}
    basic = {q["key"]: rng.choice(q["options"]) for q in g["basic"] if q["type"] == "choice"}
    needs = {}
    for q in g["needs"]:
        if q["type"] == "multi":
            needs[q["key"]] = rng.sample(q["options"][:-1], rng.randint(1, 3))
        elif rng.random() < 0.8:
            needs[q["key"]] = rng.choice(q["options"])
    opens = {}
    if rng.random() < OPEN_SHARE:
        opens[g["open"][rng.randrange(len(g["open"]))]["key"]] = rng.choice(PHRASES[group])
    return {"ratings": ratings, "basic": basic, "needs": needs, "open_answers": opens}


def evaluation_survey(session: Session, ctx: DemoContext) -> str:
    """Answers of the three groups in every county of the demo's draw (synthetic)."""
    rng = random.Random(f"{ctx.seed}:evaluation-survey")
    year = session.execute(SQL.one("draw_year"), {"d": ctx.draw_id}).scalar() or ctx.today.year  # the plan's
    d = definition_for(year)
    clerk = _manager(session)
    units = session.execute(text("SELECT unit_code, city_code FROM draw_unit WHERE draw_id = :d ORDER BY unit_code"),
                            {"d": ctx.draw_id}).all()  # fmt: skip
    total = 0
    for unit, city in units:
        leaning = rng.uniform(-0.7, 0.5)
        batch = create_batch(session, clerk, BatchIn(unit_code=unit, year=year, size=LINKS, label="演示发放（合成）"),
                             synthetic=True)  # fmt: skip
        tokens = session.query(SurveyToken.id).filter_by(batch_id=batch.id).order_by(SurveyToken.id).all()
        rows = [("resident", "link", tid) for (tid,) in tokens if rng.random() < RESIDENT_SHARE]
        rows += [("official", "paper", None)] * rng.randint(*OFFICIALS) + [
            ("staff", "paper", None)
        ] * rng.randint(*STAFF)
        for group, channel, token_id in rows:
            when = dt.datetime.combine(ctx.today - dt.timedelta(days=rng.randint(0, 14)),
                                       dt.time(rng.randint(8, 20), rng.randint(0, 59)), tzinfo=dt.UTC)  # fmt: skip
            session.add(SurveyResponse(
                year=year, definition_year=d["year"], respondent_group=group, unit_code=unit, city_code=city,
                channel=channel, token_id=token_id, client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                entered_by_account_id=clerk.account_id if channel == "paper" else None,
                paper_ref=f"演示-{unit}-{total + 1:04d}" if channel == "paper" else None, synthetic=True,
                submitted_at=when, **_answers(rng, d, group, GROUP_LEVEL[group] + leaning)))  # fmt: skip
            total += 1
    session.flush()
    ctx.counts["survey_answers"] = total
    return f"{total} questionnaire answers (synthetic) in {len(units)} counties"
