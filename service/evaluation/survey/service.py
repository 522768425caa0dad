"""Questionnaire answers and resident links (notice section 二(三)).

**Resident links.** A manager (province, firm, inspector) makes a batch of links for a county in the scope:
each link carries its own token (``secrets.token_urlsafe(18)``: 144 random bits), bound to the county and the
year, and is printed as a QR code on the batch's sheet. Anyone holding the link may answer once, without an
account: the token row is locked while the answer is stored and the unique index on ``token_id`` refuses a
second answer (409, in Chinese). The submission's ``client_id`` makes a resent submission (a lost answer, a
double tap) come back as the stored answer instead of a refusal.

**Accounts.** An official or staff member (a city or county account, ``SURVEY_ANSWER``) answers as
``official`` or ``staff``, once per account, year and group (the unique index on account, year, group); a
county account answers about its county, a city account about a county of its city it chooses.

**Paper.** A manager types in a paper questionnaire of any group (``channel = 'paper'``, the manager and
the paper's number recorded). Every answer is checked against its definition: known questions, known
options, every satisfaction item rated 1–5; every write is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.audit.trail import Actor, record
from service.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.evaluation.survey.definitions import GROUP_LABELS, definition_for
from service.evaluation.survey.models import SurveyBatch, SurveyResponse, SurveyToken
from service.evaluation.survey.schemas import AccountAnswerIn, AnswerIn, BatchIn, PaperIn
from service.followup.schemas import plain_text

SQL = SqlFiles("service.evaluation.survey")
TZ = ZoneInfo("Asia/Shanghai")
TOKEN_BYTES = 18
TEXT_LIMIT = 100  # a basic-information text answer
OPEN_LIMIT = 1000  # an open answer
USED = "此链接已提交过问卷，每个链接只能填写一次。感谢您的参与！"


def this_year() -> int:
    """The year in Gansu (Asia/Shanghai)."""
    return dt.datetime.now(TZ).year


def unit_city(session: Session, unit_code: str) -> tuple[str, str]:
    """(city code, name) of a sampling unit; 422 when the code is not one."""
    row = session.execute(SQL.one("unit_city"), {"unit": unit_code}).one_or_none()
    if row is None:
        raise InvalidInput(
            f"{unit_code} 不是抽样单元（县、市、区）代码。", f"{unit_code} is not a sampling unit."
        )
    return row.city_code, row.name


def _text(value: str, what: str, limit: int) -> str:
    try:
        value = plain_text(value)
    except ValueError as exc:
        raise InvalidInput(f"“{what}”：{exc}。", f"{what}: {exc}") from exc
    if len(value) > limit:
        raise InvalidInput(f"“{what}”不能超过 {limit} 个字。", f"{what}: longer than {limit}.")
    return value


def _choices(q: dict, value, multi: bool) -> str | list[str]:
    values = value if isinstance(value, list) else [value]
    if not multi and len(values) != 1:
        raise InvalidInput(f"“{q['title']}”只能选一项。", f"{q['key']}: one option only.")
    if len(set(values)) != len(values) or any(v not in q["options"] for v in values):
        raise InvalidInput(
            f"“{q['title']}”的选项无效，请从列出的选项中选择。", f"{q['key']}: unknown option."
        )
    return values if multi else values[0]


def _part(questions: list[dict], given: dict, what: str) -> dict:
    """One part (basic information or needs) checked against its questions."""
    known = {q["key"]: q for q in questions}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(
            f"{what}中有问卷没有的问题：{'、'.join(unknown)}。", f"{what}: unknown keys {unknown}."
        )
    out = {}
    for key, q in known.items():
        value = given.get(key)
        if value in (None, "", []):
            if q.get("required"):
                raise InvalidInput(f"请回答“{q['title']}”。", f"{key} is required.")
            continue
        if q["type"] == "text":
            if not isinstance(value, str):
                raise InvalidInput(f"“{q['title']}”须填写文字。", f"{key}: text expected.")
            out[key] = _text(value, q["title"], int(q.get("max_length", TEXT_LIMIT)))
        else:
            out[key] = _choices(q, value, q["type"] == "multi")
    return out


def check_answer(definition: dict, group: str, body: AnswerIn) -> dict:
    """The four parts of ``body`` checked against the group's questionnaire; the values to store."""
    g = definition["groups"][group]
    items = {i["key"]: i for i in g["items"]}
    unknown = sorted(set(body.ratings) - set(items))
    if unknown:
        raise InvalidInput(
            f"满意度部分有问卷没有的题目：{'、'.join(unknown)}。", f"ratings: unknown {unknown}."
        )
    missing = [i["title"] for key, i in items.items() if key not in body.ratings]
    if missing:
        raise InvalidInput(
            f"请对每一项满意度作答，尚未作答：{'；'.join(missing)}。", "ratings: unrated items."
        )
    open_keys = {q["key"]: q for q in g["open"]}
    unknown = sorted(set(body.open_answers) - set(open_keys))
    if unknown:
        raise InvalidInput(
            f"开放性问题中有问卷没有的题目：{'、'.join(unknown)}。", f"open: unknown {unknown}."
        )
    opens = {
        k: _text(v, open_keys[k]["title"], OPEN_LIMIT)
        for k, v in body.open_answers.items()
        if v and v.strip()
    }
    return {"basic": _part(g["basic"], body.basic, "基本信息"), "ratings": dict(body.ratings),
            "needs": _part(g["needs"], body.needs, "需求调查"), "open_answers": opens}  # fmt: skip


def _replay(session: Session, body: AnswerIn, **same) -> SurveyResponse | None:
    """The answer already stored under ``body.client_id``: returned when it is the same submitter's."""
    existing = session.query(SurveyResponse).filter_by(client_id=body.client_id).one_or_none()
    if existing is None:
        return None
    if any(getattr(existing, k) != v for k, v in same.items()):
        raise Conflict(
            "该提交编号已被另一份问卷使用，请刷新页面后重新填写。", "client_id already used elsewhere."
        )
    return existing


def _store(session: Session, actor: Actor, row: SurveyResponse, conflict: str) -> SurveyResponse:
    """Insert the answer (a unique index refusing it is a 409 with ``conflict``), audited."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(conflict, "An answer exists already.") from exc
    record(session, actor, "survey_answer", "survey_response", row.id, detail={
        "channel": row.channel, "group": row.respondent_group, "unit": row.unit_code, "year": row.year})  # fmt: skip
    return row


def _response(
    body: AnswerIn, year: int, group: str, unit: str, city: str, channel: str, **more
) -> SurveyResponse:
    definition = definition_for(year)
    values = check_answer(definition, group, body)
    return SurveyResponse(year=year, definition_year=definition["year"], respondent_group=group, unit_code=unit,
                          city_code=city, channel=channel, client_id=body.client_id, **values, **more)  # fmt: skip


# Resident links ------------------------------------------------------------------------------------------


def create_batch(
    session: Session, principal: Principal, body: BatchIn, synthetic: bool = False
) -> SurveyBatch:
    """A batch of ``size`` resident links of a county in the caller's scope."""
    principal.scope.require_unit(body.unit_code)
    city, _ = unit_city(session, body.unit_code)
    year = body.year or this_year()
    definition_for(year)
    label = _text(body.label, "批次名称", 60) if body.label.strip() else ""
    batch = SurveyBatch(year=year, unit_code=body.unit_code, city_code=city, label=label, size=body.size,
                        synthetic=synthetic, created_by_account_id=principal.account_id)  # fmt: skip
    session.add(batch)
    session.flush()
    session.add_all(SurveyToken(batch_id=batch.id, token=secrets.token_urlsafe(TOKEN_BYTES), year=year,
                                unit_code=body.unit_code) for _ in range(body.size))  # fmt: skip
    session.flush()
    record(session, principal.actor, "survey_batch", "survey_batch", batch.id,
           detail={"unit": body.unit_code, "year": year, "size": body.size})  # fmt: skip
    return batch


def batch_rows(session: Session, principal: Principal, unit: str | None = None, year: int | None = None,
               batch_id: int | None = None) -> list:  # fmt: skip
    """Batches in the caller's scope with their answered counts."""
    params = {**principal.scope.params(), "unit": unit, "year": year, "batch_id": batch_id}
    return list(session.execute(SQL.one("batches_list"), params).mappings())


def _batch(session: Session, principal: Principal, batch_id: int) -> SurveyBatch:
    batch = session.get(SurveyBatch, batch_id)
    if batch is None:
        raise NotFound(f"未找到编号为 {batch_id} 的问卷链接批次。", f"No batch {batch_id}.")
    principal.scope.require_unit(batch.unit_code)
    return batch


def one_batch(session: Session, principal: Principal, batch_id: int) -> tuple[dict, list]:
    """A batch (404 if none; 403 outside the scope) and its links."""
    _batch(session, principal, batch_id)
    row = batch_rows(session, principal, batch_id=batch_id)[0]
    return dict(row), list(session.execute(SQL.one("batch_tokens"), {"batch_id": batch_id}).mappings())


def revoke(session: Session, principal: Principal, batch_id: int, tokens: list[str] | None) -> int:
    """Stop links of a batch: the given ones (all of the batch, or nothing is stopped: 422), else every link
    not answered yet. An answer already given stays. Returns how many links were stopped now."""
    batch = _batch(session, principal, batch_id)
    rows = session.query(SurveyToken).filter_by(batch_id=batch.id).with_for_update().all()
    if tokens is None:
        used = set(session.scalars(select(SurveyResponse.token_id).where(
            SurveyResponse.token_id.in_([t.id for t in rows]))))  # fmt: skip
        chosen = [t for t in rows if t.id not in used]
    else:
        by_token = {t.token: t for t in rows}
        unknown = len(set(tokens) - set(by_token))
        if unknown:
            raise InvalidInput(f"有 {unknown} 个链接不属于该批次，未停用任何链接。",
                               f"{unknown} tokens are not of batch {batch_id}; nothing was stopped.")  # fmt: skip
        chosen = [by_token[t] for t in set(tokens)]
    now = dt.datetime.now(dt.UTC)
    stopped = [t for t in chosen if t.revoked_at is None]
    for t in stopped:
        t.revoked_at = now
    session.flush()
    record(session, principal.actor, "survey_revoke", "survey_batch", batch.id,
           detail={"unit": batch.unit_code, "year": batch.year, "revoked": len(stopped),
                   "which": "unanswered" if tokens is None else "listed"})  # fmt: skip
    return len(stopped)


def token_row(session: Session, token: str, lock: bool = False) -> SurveyToken:
    """The link's token (404 with a message a resident understands)."""
    row = None
    if 16 <= len(token) <= 64:
        q = session.query(SurveyToken).filter_by(token=token)
        row = (q.with_for_update() if lock else q).one_or_none()
    if row is None or row.revoked_at is not None:
        raise NotFound(
            "问卷链接无效或已停用，请向发放问卷的工作人员索取新的链接或二维码。", "Unknown or revoked token."
        )
    return row


def answered(session: Session, token: SurveyToken) -> bool:
    """Whether the link was already answered."""
    return session.query(SurveyResponse.id).filter_by(token_id=token.id).first() is not None


def submit_link(session: Session, token: str, body: AnswerIn, actor: Actor) -> tuple[SurveyResponse, bool]:
    """A resident's answer through a link: (the answer, whether it was a resend of the stored one)."""
    t = token_row(session, token, lock=True)
    again = _replay(session, body, token_id=t.id)
    if again is not None:
        return again, True
    if answered(session, t):
        raise Conflict(USED, "This link has been answered already.")
    city, _ = unit_city(session, t.unit_code)
    row = _response(body, t.year, "resident", t.unit_code, city, "link", token_id=t.id)
    return _store(session, actor, row, USED), False


def submit_account(
    session: Session, principal: Principal, body: AccountAnswerIn
) -> tuple[SurveyResponse, bool]:
    """An official's or staff member's own answer: once per account, year and group."""
    year = body.year or this_year()
    unit = body.unit_code
    if unit is None:
        if principal.role is not Role.COUNTY or len(principal.scope.units) != 1:
            raise InvalidInput("请选择所评价的县（市、区）。", "unit_code is required for this account.")
        unit = next(iter(principal.scope.units))
    principal.scope.require_unit(unit)
    city, _ = unit_city(session, unit)
    again = _replay(session, body, account_id=principal.account_id, channel="account")
    if again is not None:
        return again, True
    label = GROUP_LABELS[body.group]
    done = f"您已填写过 {year} 年的{label}问卷，每个账户每年每类问卷只能填写一次。"
    exists = session.query(SurveyResponse.id).filter_by(account_id=principal.account_id, year=year,
                                                        respondent_group=body.group, channel="account").first()  # fmt: skip
    if exists is not None:
        raise Conflict(done, "This account answered this questionnaire already.")
    row = _response(body, year, body.group, unit, city, "account", account_id=principal.account_id)
    return _store(session, principal.actor, row, done), False


def submit_paper(session: Session, principal: Principal, body: PaperIn) -> tuple[SurveyResponse, bool]:
    """A paper questionnaire typed in by a manager of the county's scope."""
    principal.scope.require_unit(body.unit_code)
    city, _ = unit_city(session, body.unit_code)
    again = _replay(session, body, entered_by_account_id=principal.account_id, channel="paper")
    if again is not None:
        return again, True
    year = body.year or this_year()
    row = _response(body, year, body.group, body.unit_code, city, "paper", entered_by_account_id=principal.account_id,
                    paper_ref=body.paper_ref)  # fmt: skip
    return _store(session, principal.actor, row, "该纸质问卷已录入。"), False


def units(session: Session, principal: Principal) -> list[dict]:
    """The sampling units of the caller's scope (code, name)."""
    return [dict(r) for r in session.execute(SQL.one("my_units"), principal.scope.params()).mappings()]


def mine(session: Session, principal: Principal, year: int | None) -> dict:
    """The groups an account already answered in a year, and the units it may answer about."""
    year = year or this_year()
    done = session.query(SurveyResponse.respondent_group).filter_by(account_id=principal.account_id, year=year,
                                                                    channel="account").all()  # fmt: skip
    return {"year": year, "answered": sorted(g for (g,) in done), "units": units(session, principal)}


def responses(session: Session, principal: Principal, year: int | None, unit: str | None, group: str | None,
              limit: int = 2000) -> list:  # fmt: skip
    """Stored answers in the caller's scope, newest first."""
    if unit is not None and not principal.scope.covers_unit(unit):
        raise Forbidden(
            f"单元 {unit} 不在您的辖区（{principal.scope.label}）内。", f"Unit {unit} out of scope."
        )
    params = {
        **principal.scope.params(),
        "year": year or this_year(),
        "unit": unit,
        "group": group,
        "limit": limit,
    }
    return list(session.execute(SQL.one("responses_list"), params).mappings())
