"""Follow-up API (/api/v1/followup): rectification notices from the finding to 销号, the county office's
answers with evidence, overdue notices (list and map), control cases for houses at risk of collapse. Who
may call what is declared per route; what is returned is limited to the caller's scope; every write is
audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.core.errors import InvalidInput, NotFound
from service.followup import controls as C
from service.followup import service as S
from service.followup import views as V
from service.followup.files import check_files
from service.followup.models import ControlPhoto, NoticeEvidence
from service.followup.schemas import (
    AcknowledgeIn,
    AwaitingItem,
    ControlCaseOut,
    DecisionIn,
    IssueIn,
    NoticeItem,
    NoticeOut,
    plain_text,
)

router = APIRouter(prefix="/api/v1/followup", tags=["followup"])
Reader = Permit(Permission.FOLLOWUP_READ)
Issuer = Permit(Permission.NOTICES_ISSUE)
Answerer = Permit(Permission.NOTICES_ANSWER)
Closer = Permit(Permission.NOTICES_CLOSE)
Recorder = Permit(Permission.CONTROLS_RECORD)
Acknowledger = Permit(Permission.CONTROLS_ACK)
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Files = Annotated[list[UploadFile], File(description="照片（JPEG、PNG、WebP）或 PDF，每个不超过 10 MB")]


def _text(value: str, what: str, limit: int) -> str:
    try:
        value = plain_text(value)
    except ValueError as exc:
        raise InvalidInput(f"{what}：{exc}。", f"{what}: {exc}") from exc
    if len(value) > limit:
        raise InvalidInput(f"{what}不能超过 {limit} 个字。", f"{what} longer than {limit}.")
    return value


def attachment(filename: str, ascii_name: str) -> str:
    """A Content-Disposition naming the file in Chinese (RFC 5987 ``filename*``) with an ASCII fallback."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _file(content: bytes, content_type: str, filename: str, ascii_name: str, sha256: str) -> Response:
    return Response(content, media_type=content_type, headers={
        "Content-Disposition": attachment(filename, ascii_name), "Cache-Control": "private, no-store",
        "X-Content-SHA256": sha256, "X-Content-Type-Options": "nosniff"})  # fmt: skip


def _stored(f: NoticeEvidence | ControlPhoto, stem: str) -> Response:
    """An uploaded file as stored; its ASCII name ``{stem}-{id}.{subtype}`` (``pdf``, ``jpeg``, ...)."""
    ascii_name = f"{stem}-{f.id}.{f.content_type.split('/')[-1]}"
    return _file(f.content, f.content_type, f.filename, ascii_name, f.sha256)


@router.get(
    "/awaiting",
    summary="Approved findings awaiting a rectification notice",
    response_model=list[AwaitingItem],
)
def awaiting(principal: Reader, session: SessionDep) -> list[AwaitingItem]:
    """A serious hazard not effectively rectified, approved, with no notice issued yet (a draft or none)."""
    return V.awaiting(session, principal)


@router.get(
    "/notices", summary="Rectification notices in the caller's scope", response_model=list[NoticeItem]
)
def list_notices(
    principal: Reader, session: SessionDep,
    status: Annotated[Literal["draft", "issued", "in_progress", "reported_done", "closed"] | None, Query()] = None,
    overdue: Annotated[bool | None, Query(description="true: past the deadline (Asia/Shanghai) and not closed")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[NoticeItem]:  # fmt: skip
    """Overdue first, then open notices by deadline, closed last."""
    return V.notices(session, principal, status=status, overdue=overdue, limit=limit)


@router.get("/notices.geojson", summary="Issued notices as GeoJSON points (CGCS2000 lon/lat)",
            response_class=JSONResponse, responses={200: {"content": {"application/geo+json": {}}}})  # fmt: skip
def notices_geojson(
    principal: Reader, session: SessionDep, overdue: Annotated[bool | None, Query()] = None
) -> JSONResponse:
    """For the map: number, status, deadline, overdue."""
    return JSONResponse(V.notices_geojson(session, principal, overdue), media_type="application/geo+json")


@router.post("/notices", summary="Issue a rectification notice", status_code=201, response_model=NoticeOut)
def issue(principal: Issuer, session: SessionDep, body: IssueIn) -> NoticeOut:
    """Numbered per city and year without gaps; the .docx is stored with its SHA-256."""
    n = S.issue(session, principal, body)
    session.commit()
    return V.notice_out(session, principal, n.id)


@router.get("/notices/{notice_id}", summary="One notice with its steps", response_model=NoticeOut)
def notice(principal: Reader, session: SessionDep, notice_id: Id) -> NoticeOut:
    """Steps with their time, account, text and files."""
    S.get_notice(session, principal, notice_id)
    return V.notice_out(session, principal, notice_id)


@router.get("/notices/{notice_id}/document", summary="The issued notice (.docx, as stored)", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}})  # fmt: skip
def document(principal: Reader, session: SessionDep, notice_id: Id) -> Response:
    """The bytes stored when the notice was issued; ``X-Content-SHA256`` repeats their digest."""
    n = S.get_notice(session, principal, notice_id)
    if n.document is None:
        raise NotFound("该整改通知尚未下发，没有文书。", "The notice is not issued yet.")
    return _file(n.document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 n.document_name or "整改通知单.docx", f"notice-{n.id}.docx", n.document_sha256 or "")  # fmt: skip


@router.post("/notices/{notice_id}/progress", summary="Report rectification progress (the county office)",
             response_model=NoticeOut)  # fmt: skip
def progress(
    principal: Answerer, session: SessionDep, notice_id: Id,
    text: Annotated[str, Form(description="整改进展说明")], version: Annotated[int, Form(ge=1)],
    done: Annotated[bool, Form(description="true：整改已完成，申请验收销号")] = False, files: Files = (),
) -> NoticeOut:  # fmt: skip
    """in_progress, or reported_done (with at least one evidence file)."""
    body = _text(text, "整改进展说明", 2000)
    checked = check_files(list(files or []), pdf_allowed=True)
    n = S.get_notice(session, principal, notice_id, lock=True)
    S.report(session, principal, n, body, done, version, checked)
    session.commit()
    return V.notice_out(session, principal, notice_id)


@router.get(
    "/notices/{notice_id}/evidence/{evidence_id}", summary="An evidence file", response_class=Response
)
def evidence(principal: Reader, session: SessionDep, notice_id: Id, evidence_id: Id) -> Response:
    """As uploaded, with its SHA-256."""
    n = S.get_notice(session, principal, notice_id)
    e = session.get(NoticeEvidence, evidence_id)
    if e is None or e.notice_id != n.id:
        raise NotFound(f"该整改通知没有编号为 {evidence_id} 的佐证材料。", f"No evidence {evidence_id} here.")
    return _stored(e, "evidence")


@router.post("/notices/{notice_id}/decision", summary="Accept (close) or reject a notice reported done",
             response_model=NoticeOut)  # fmt: skip
def decision(principal: Closer, session: SessionDep, notice_id: Id, body: DecisionIn) -> NoticeOut:
    """Accept: closed (销号). Reject: back to in_progress with the comments."""
    n = S.get_notice(session, principal, notice_id, lock=True)
    S.decide(session, principal, n, body)
    session.commit()
    return V.notice_out(session, principal, notice_id)


@router.get("/controls", summary="Control cases (houses at risk of collapse) in the scope",
            response_model=list[ControlCaseOut])  # fmt: skip
def list_controls(
    principal: Reader, session: SessionDep, unacknowledged: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[ControlCaseOut]:  # fmt: skip
    """Unacknowledged alerts first, each with its measures."""
    return V.controls(session, principal, unacknowledged=unacknowledged, limit=limit)


@router.post("/controls/{case_id}/records", summary="Record control measures taken", status_code=201,
             response_model=ControlCaseOut)  # fmt: skip
def add_record(
    principal: Recorder, session: SessionDep, case_id: Id,
    measures: Annotated[list[str], Form(description="stop_use, seal_and_warn, evacuate")],
    taken_at: Annotated[str, Form(description="措施时间，带时区：2026-12-03T10:00+08:00")],
    responsible: Annotated[str, Form(description="责任人")], note: Annotated[str | None, Form()] = None,
    files: Files = (),
) -> ControlCaseOut:  # fmt: skip
    """Which measures, when, who is responsible, with photos."""
    try:
        when = dt.datetime.fromisoformat(taken_at.strip())
    except ValueError as exc:
        raise InvalidInput(
            "措施时间格式有误（例如 2026-12-03T10:00+08:00）。", "taken_at is not ISO 8601."
        ) from exc
    who = _text(responsible, "责任人", 50)
    remark = _text(note, "说明", 500) if note and note.strip() else None
    photos = check_files(list(files or []), pdf_allowed=False)
    case = C.get_case(session, principal, case_id, lock=True)
    C.add_record(session, principal, case, measures, when, who, remark, photos)
    session.commit()
    return _case(session, principal, case_id)


def _case(session, principal, case_id: int) -> ControlCaseOut:
    found = V.controls(session, principal, case_id=case_id, limit=1)
    if not found:  # an inspector's own team's case is always found; this is a guard
        raise NotFound(f"未找到编号为 {case_id} 的管控记录。", f"No control case {case_id}.")
    return found[0]


@router.get(
    "/controls/{case_id}/photos/{photo_id}", summary="A photo of control measures", response_class=Response
)
def control_photo(principal: Reader, session: SessionDep, case_id: Id, photo_id: Id) -> Response:
    """As uploaded, with its SHA-256."""
    case = C.get_case(session, principal, case_id)
    p = session.get(ControlPhoto, photo_id)
    if p is None or p.case_id != case.id:
        raise NotFound(f"该管控记录没有编号为 {photo_id} 的照片。", f"No photo {photo_id} here.")
    return _stored(p, "control")


@router.post(
    "/controls/{case_id}/acknowledge", summary="Acknowledge a control alert", response_model=ControlCaseOut
)
def acknowledge(
    principal: Acknowledger, session: SessionDep, case_id: Id, body: AcknowledgeIn
) -> ControlCaseOut:
    """The city office has seen it (a stale version is a 409)."""
    case = C.get_case(session, principal, case_id, lock=True)
    C.acknowledge(session, principal, case, body.version)
    session.commit()
    return _case(session, principal, case_id)
