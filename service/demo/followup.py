"""The demo's follow-up (notice section 四) from its synthetic findings: a control case for every house at
risk of collapse and a draft notice for every approved serious hazard not rectified (the same
``service.followup.hooks.backfill`` a real database runs), then most drafts issued as the city office
would, with deadlines of 7 to 30 days, so that some are overdue by the demo's day, some answered by the
county office with a (synthetic) photo, and some accepted and closed. Reproducible from the demo's seed;
every row is labelled synthetic through its inspection."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.accounts.scope import EVERYTHING, Scope
from service.followup import service as S
from service.followup.files import CheckedFile
from service.followup.hooks import backfill
from service.followup.models import Notice
from service.followup.schemas import DecisionIn, IssueIn
from service.inspections.models import Inspection

if TYPE_CHECKING:
    from service.demo.spotcheck import DemoContext

ISSUED_SHARE = 0.8  # of the drafts whose issue day is not after the demo's day
ANSWERED_SHARE = 0.6  # of the issued: the county office reported progress
DONE_SHARE = 0.5  # of the answered: reported done with a photo; of those, CLOSED_SHARE accepted
CLOSED_SHARE = 0.7


def _principal(session: Session, role: Role, username: str, name: str, organisation: str, scope: Scope,
               scope_code: str | None = None) -> Principal:  # fmt: skip
    from service.demo.spotcheck import _account

    account = _account(session, username, name, organisation, role, scope_code=scope_code, active=False)
    return Principal(account, username, name, organisation, role, scope, via="demo")


def _county(session: Session, unit_code: str, cache: dict[str, Principal]) -> Principal:
    """The unit's county office as the demo's answers name it (a disabled account nobody logs in as)."""
    if unit_code not in cache:
        scope = Scope(everything=False, units=frozenset({unit_code}), label=unit_code)
        cache[unit_code] = _principal(session, Role.COUNTY, f"demo-county-{unit_code}", "县区专班（演示）",
                                      f"{unit_code} 县区自建房安全专项整治工作专班（演示）", scope, unit_code)  # fmt: skip
    return cache[unit_code]


def _evidence(session: Session, n: Notice, when: dt.date) -> CheckedFile:
    from service.demo.photos import demo_photo

    lon, lat = session.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM house WHERE id = :h"), {"h": n.house_id}
    ).one()
    taken = dt.datetime.combine(when, dt.time(10, 30), tzinfo=dt.UTC)
    content = demo_photo(lon, lat, taken, "整改后（合成）", n.id % 4)
    return CheckedFile(f"整改照片-{n.id}.jpg", "image/jpeg", content, hashlib.sha256(content).hexdigest())


def followup(session: Session, ctx: DemoContext) -> str:
    """Control cases and notices from the demo's findings, issued, answered and closed in plausible shares."""
    from service.demo.spotcheck import DRAWER

    province = _principal(session, Role.PROVINCE, DRAWER, "演示抽样（合成）", "甘肃省自建房安全专项整治工作专班（演示）",
                          EVERYTHING)  # fmt: skip
    cases, drafts = backfill(session, province)
    rng = random.Random(f"{ctx.seed}:followup")
    counties: dict[str, Principal] = {}
    issued = answered = closed = 0
    for n in session.query(Notice).filter_by(status="draft").order_by(Notice.id).all():
        inspection = session.get(Inspection, n.inspection_id)
        on = (inspection.submitted_at or dt.datetime.now(dt.UTC)).date() + dt.timedelta(
            days=rng.randint(1, 3)
        )
        if on > ctx.today or rng.random() > ISSUED_SHARE:
            continue
        deadline = on + dt.timedelta(days=rng.choice((7, 10, 15, 30)))
        S.issue(session, province, IssueIn(inspection_id=n.inspection_id, deadline=deadline,
                                           notice_version=n.version), on=on)  # fmt: skip
        issued += 1
        if rng.random() > ANSWERED_SHARE:
            continue
        county = _county(session, n.unit_code, counties)
        done = rng.random() < DONE_SHARE
        files = [_evidence(session, n, min(ctx.today, on + dt.timedelta(days=7)))] if done else []
        words = "已完成整改，附整改后照片（合成）。" if done else "已制定整改方案，正在组织施工（合成）。"
        S.report(session, county, n, words, done, n.version, files)
        answered += 1
        if done and rng.random() < CLOSED_SHARE:
            S.decide(
                session,
                province,
                n,
                DecisionIn(action="accept", version=n.version, comment="经复核，整改到位（合成）。"),
            )
            closed += 1
    ctx.counts.update(
        {"control_cases": cases, "notices": drafts, "notices_issued": issued, "notices_closed": closed}
    )
    return f"{cases} control cases, {drafts} notices ({issued} issued, {answered} answered, {closed} closed)"
