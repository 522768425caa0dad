"""Questionnaire API (/api/v1/evaluation/survey): definitions, resident links and their QR sheets, answers
(a resident's link without an account, an official's or staff member's account, a manager's paper entry),
results and charts per county. Who may call what is declared per route; lists and results are limited to
the caller's scope; every write is audited. The two ``public`` routes (a resident's link) need no login,
are rate-limited per address and name nothing but the link's county."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from service.accounts.deps import Permit, Public, client_ip
from service.accounts.roles import Permission
from service.audit.trail import Actor
from service.core.db import SessionDep
from service.core.errors import NotFound
from service.core.ratelimit import limit
from service.evaluation.survey import definitions as D
from service.evaluation.survey import service as S
from service.evaluation.survey.charts import result_png
from service.evaluation.survey.qr import sheet_html
from service.evaluation.survey.schemas import (
    AccountAnswerIn,
    AnswerIn,
    AnswerOut,
    BatchIn,
    BatchOut,
    Group,
    MyAnswers,
    PaperIn,
    PublicForm,
    ResponseItem,
    RevokeIn,
    SurveyTokenOut,
    UnitCode,
    Year,
)
from service.evaluation.survey.summary import SurveyResult, survey_results

router = APIRouter(prefix="/api/v1/evaluation/survey", tags=["evaluation"])
Reader = Permit(Permission.EVAL_READ)
Anyone = Permit(Permission.READ)
Answerer = Permit(Permission.SURVEY_ANSWER)
Manager = Permit(Permission.SURVEY_MANAGE)
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Token = Annotated[str, Path(min_length=1, max_length=200)]
PUBLIC_READS_PER_MINUTE = 60  # per address: opening links
PUBLIC_POSTS_PER_MINUTE = 20  # per address: submitting answers (a village hall sharing one address)
NO_STORE = {"Cache-Control": "no-store"}


def _url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/survey?t={token}"


def _out(row, replayed: bool) -> AnswerOut:
    message = "该问卷已提交，无需重复提交。" if replayed else "提交成功，感谢您的参与！"
    return AnswerOut(id=row.id, year=row.year, group=row.respondent_group, unit_code=row.unit_code,
                     channel=row.channel, replayed=replayed, message=message)  # fmt: skip


def _answered(row, replayed: bool) -> JSONResponse:
    return JSONResponse(
        _out(row, replayed).model_dump(), status_code=200 if replayed else 201, headers=NO_STORE
    )


_CREATED = {
    201: {"model": AnswerOut, "description": "Stored"},
    200: {"model": AnswerOut, "description": "Resent"},
}


@router.get("/definitions", summary="Questionnaire definitions: the years that have one")
def definition_years(principal: Anyone) -> dict:
    """The years with their own definition, and the one this year uses."""
    return {"years": D.years(), "current": D.definition_for(S.this_year())["year"], "groups": D.GROUP_LABELS}


@router.get("/definitions/{year}", summary="The questionnaire a survey year uses (all groups)")
def definition(principal: Anyone, year: Annotated[int, Path(ge=2000, le=2100)]) -> dict:
    """Parts, questions, the scale with its scores, the items' weights λj, the themes of open answers."""
    return D.definition_for(year)


@router.get("/public/{token}", summary="A resident's link: its questionnaire", response_model=PublicForm,
            dependencies=[Public])  # fmt: skip
def public_form(request: Request, session: SessionDep, token: Token) -> JSONResponse:
    """No login; the county, the year, whether the link was answered, the residents' questionnaire."""
    limit("survey-read", client_ip(request) or "-", PUBLIC_READS_PER_MINUTE)
    t = S.token_row(session, token)
    _, name = S.unit_city(session, t.unit_code)
    form = PublicForm(unit_code=t.unit_code, unit_name=name, year=t.year, answered=S.answered(session, t),
                      definition=D.public_part(D.definition_for(t.year), "resident"))  # fmt: skip
    return JSONResponse(form.model_dump(), headers=NO_STORE)


@router.post("/public/{token}", summary="A resident's answer through a link", status_code=201,
             response_model=AnswerOut, responses=_CREATED, dependencies=[Public])  # fmt: skip
def public_answer(request: Request, session: SessionDep, token: Token, body: AnswerIn) -> JSONResponse:
    """Once per link (a second answer is a 409); the same ``client_id`` resent returns the stored answer."""
    ip = client_ip(request)
    limit("survey-answer", ip or "-", PUBLIC_POSTS_PER_MINUTE)
    actor = Actor(None, "（群众问卷链接）", getattr(request.state, "request_id", None), ip)
    row, replayed = S.submit_link(session, token, body, actor)
    session.commit()
    return _answered(row, replayed)


@router.get("/answers/mine", summary="The caller's own answers of a year", response_model=MyAnswers)
def my_answers(
    principal: Answerer, session: SessionDep, year: Annotated[Year | None, Query()] = None
) -> dict:
    """Which questionnaires (official, staff) the account filled in, and the counties it may answer about."""
    return S.mine(session, principal, year)


@router.post("/answers", summary="An official's or staff member's own answer", status_code=201,
             response_model=AnswerOut, responses=_CREATED)  # fmt: skip
def answer(principal: Answerer, session: SessionDep, body: AccountAnswerIn) -> JSONResponse:
    """Once per account, year and group (a second answer is a 409)."""
    row, replayed = S.submit_account(session, principal, body)
    session.commit()
    return _answered(row, replayed)


@router.post("/paper", summary="Type in a paper questionnaire", status_code=201, response_model=AnswerOut,
             responses=_CREATED)  # fmt: skip
def paper(principal: Manager, session: SessionDep, body: PaperIn) -> JSONResponse:
    """Any group, a county in the caller's scope; stored as ``paper`` with the manager who typed it in."""
    row, replayed = S.submit_paper(session, principal, body)
    session.commit()
    return _answered(row, replayed)


@router.get("/answers", summary="Stored answers in the caller's scope", response_model=list[ResponseItem])
def answers(
    principal: Manager, session: SessionDep, year: Annotated[Year | None, Query()] = None,
    unit: Annotated[UnitCode | None, Query()] = None, group: Annotated[Group | None, Query()] = None,
) -> list[dict]:  # fmt: skip
    """Newest first (at most 2,000); open answers are text, to be shown as text."""
    return [dict(r) for r in S.responses(session, principal, year, unit, group)]


@router.get("/units", summary="The counties a manager may issue links for or type paper answers of")
def units(principal: Manager, session: SessionDep) -> list[dict]:
    """The sampling units of the caller's scope (code, name), by city."""
    return S.units(session, principal)


@router.post("/batches", summary="Make a batch of resident links for a county", status_code=201,
             response_model=BatchOut)  # fmt: skip
def create_batch(request: Request, principal: Manager, session: SessionDep, body: BatchIn) -> BatchOut:
    """``size`` links, each answerable once, bound to the county and the year."""
    batch = S.create_batch(session, principal, body)
    session.commit()
    return _batch(request, session, principal, batch.id)


@router.get(
    "/batches", summary="Batches of resident links in the caller's scope", response_model=list[BatchOut]
)
def batches(
    principal: Manager, session: SessionDep, unit: Annotated[UnitCode | None, Query()] = None,
    year: Annotated[Year | None, Query()] = None,
) -> list[BatchOut]:  # fmt: skip
    """Newest first, with how many links were answered."""
    return [BatchOut(**r) for r in S.batch_rows(session, principal, unit, year)]


def _batch(request: Request, session, principal, batch_id: int) -> BatchOut:
    row, tokens = S.one_batch(session, principal, batch_id)
    links = [SurveyTokenOut(token=t["token"], url=_url(request, t["token"]), answered=t["answered"], revoked=t["revoked"])
             for t in tokens]  # fmt: skip
    return BatchOut(**row, tokens=links)


@router.get("/batches/{batch_id}", summary="One batch with its links", response_model=BatchOut)
def batch(request: Request, principal: Manager, session: SessionDep, batch_id: Id) -> BatchOut:
    """Every link with whether it was answered."""
    return _batch(request, session, principal, batch_id)


@router.post("/batches/{batch_id}/revoke", summary="Stop links of a batch (a sheet lost or misused)",
             response_model=BatchOut)  # fmt: skip
def revoke(request: Request, principal: Manager, session: SessionDep, batch_id: Id, body: RevokeIn) -> BatchOut:
    """The listed links, or every link not answered yet; a stopped link opens to 问卷链接无效或已停用. Answers
    already given stay and count. The batch as it is now."""
    S.revoke(session, principal, batch_id, body.tokens)
    session.commit()
    return _batch(request, session, principal, batch_id)


@router.get("/batches/{batch_id}/sheet", summary="The batch's printable sheet of QR codes (HTML, A4)",
            response_class=HTMLResponse)  # fmt: skip
def sheet(request: Request, principal: Manager, session: SessionDep, batch_id: Id) -> HTMLResponse:
    """One QR code (SVG) per link with the county and the link written out; print it from the browser."""
    b = _batch(request, session, principal, batch_id)
    links = [(i, t.url, t.answered) for i, t in enumerate(b.tokens or [], 1) if not t.revoked]  # stopped: not printed
    return HTMLResponse(sheet_html(b.model_dump(), links), headers=NO_STORE)


@router.get("/results", summary="Questionnaire results per county in the caller's scope",
            response_model=list[SurveyResult])  # fmt: skip
def results(principal: Reader, session: SessionDep, year: Annotated[Year | None, Query()] = None) -> list:
    """S, 满意率 and their intervals overall and per group, item means, open answers by theme."""
    return list(survey_results(session, principal, year).values())


@router.get("/results/{unit}/chart.png", summary="A county's results as a chart (PNG)", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})  # fmt: skip
def chart(principal: Reader, session: SessionDep, unit: Annotated[str, Path(pattern=r"^\d{6}$")],
          year: Annotated[Year | None, Query()] = None) -> Response:  # fmt: skip
    """S and 满意率 of each group and overall with their intervals (matplotlib)."""
    principal.scope.require_unit(unit)
    found = survey_results(session, principal, year).get(unit)
    if found is None:
        raise NotFound(f"县区 {unit} 在该年度还没有问卷结果。", f"No answers for {unit}.")
    return Response(result_png(found), media_type="image/png", headers={"Cache-Control": "private, no-store"})
