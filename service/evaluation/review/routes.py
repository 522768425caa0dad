"""Document review API (/api/v1/evaluation/review): the year's checklist and its weights, every county's
total and item scores compared, one county's review with its evidence, evidence upload and download, the
firm's score per item. Who may call what is declared per route; what is returned is limited to the caller's
scope; every write is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.evaluation.review import service as S
from service.evaluation.review import views as V
from service.evaluation.review.evidence import SUFFIXES, check_upload
from service.evaluation.review.schemas import (
    ChecklistOut,
    ComparisonOut,
    EvidenceOut,
    ScoreIn,
    UnitReviewOut,
    WeightsIn,
    YearsOut,
)
from service.followup.routes import attachment

router = APIRouter(prefix="/api/v1/evaluation/review", tags=["evaluation"])
Reader = Permit(Permission.EVAL_READ)
Configurer = Permit(Permission.EVAL_CONFIGURE)
Uploader = Permit(Permission.EVAL_EVIDENCE)
Scorer = Permit(Permission.EVAL_SCORE)
Year = Annotated[int, Path(ge=2000, le=2100, description="the spot check's year")]
Unit = Annotated[
    str, Path(min_length=6, max_length=12, pattern=r"^\d{6,12}$", description="county unit code")
]
Key = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", description="item key")]
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
EvidenceFile = Annotated[
    UploadFile, File(description="PDF、JPEG、PNG、.docx 或 .xlsx，不超过 20 MB（可配置）")
]


@router.get("/years", summary="Years with counties to review, and the default", response_model=YearsOut)
def years(principal: Reader, session: SessionDep) -> YearsOut:
    """Years with a published draw or a loaded checklist, newest first."""
    return V.years_out(session)


@router.get("/{year}/checklist", summary="The year's checklist with its weights", response_model=ChecklistOut)
def checklist(principal: Reader, session: SessionDep, year: Year) -> ChecklistOut:
    """Loaded from ``checklists/<year>.json`` the first time (or the newest earlier file)."""
    out = V.checklist_out(session, S.ensure_checklist(session, principal.actor, year))
    session.commit()
    return out


@router.put("/{year}/checklist/weights", summary="Change the weights of the year's checklist",
            response_model=ChecklistOut)  # fmt: skip
def weights(principal: Configurer, session: SessionDep, year: Year, body: WeightsIn) -> ChecklistOut:
    """Positive weights summing to 100; the checklist's version as read (409 if stale)."""
    c = S.set_weights(session, principal, year, body)
    out = V.checklist_out(session, c)
    session.commit()
    return out


@router.get(
    "/{year}/units", summary="Every county's total and item scores, compared", response_model=ComparisonOut
)
def comparison(principal: Reader, session: SessionDep, year: Year) -> ComparisonOut:
    """The counties drawn in the year's published draws within the caller's scope, highest total first."""
    out = V.comparison_out(session, principal, year)
    session.commit()
    return out


@router.get("/{year}/units/{unit_code}", summary="One county's review with its evidence",
            response_model=UnitReviewOut)  # fmt: skip
def unit_review(principal: Reader, session: SessionDep, year: Year, unit_code: Unit) -> UnitReviewOut:
    """Every item with its guidance, weight, score, comment, version and evidence files."""
    out = V.unit_out(session, principal, year, unit_code)
    session.commit()
    return out


@router.post("/{year}/units/{unit_code}/items/{key}/evidence", summary="Upload evidence for an item",
             status_code=201, response_model=EvidenceOut)  # fmt: skip
def upload(
    principal: Uploader, session: SessionDep, year: Year, unit_code: Unit, key: Key, file: EvidenceFile
) -> EvidenceOut:
    """The county office, for its own county: checked by content and size before anything is stored."""
    principal.scope.require_unit(unit_code)
    row = S.add_evidence(session, principal, year, unit_code, key, check_upload(file))
    session.commit()
    return V.evidence_out(session, row)


@router.get("/evidence/{evidence_id}", summary="An evidence file, as stored", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})  # fmt: skip
def download(principal: Reader, session: SessionDep, evidence_id: Id) -> Response:
    """With its SHA-256 in ``X-Content-SHA256``; the user's file name in Content-Disposition."""
    f = S.current_evidence(session, principal, evidence_id)
    ascii_name = f"evidence-{f.id}.{SUFFIXES.get(f.content_type, 'bin')}"
    return Response(f.content, media_type=f.content_type, headers={
        "Content-Disposition": attachment(f.filename, ascii_name), "Cache-Control": "private, no-store",
        "X-Content-SHA256": f.sha256, "X-Content-Type-Options": "nosniff"})  # fmt: skip


@router.delete("/evidence/{evidence_id}", summary="Withdraw an evidence file sent by mistake",
               response_model=UnitReviewOut)  # fmt: skip
def withdraw(principal: Uploader, session: SessionDep, evidence_id: Id) -> UnitReviewOut:
    """The county office, for its own county, until the item is scored (409 after): the file is kept but no
    longer listed; the county's review as it is now."""
    year, unit_code = S.withdraw_evidence(session, principal, evidence_id)
    session.commit()
    return V.unit_out(session, principal, year, unit_code)


@router.put("/{year}/units/{unit_code}/items/{key}/score", summary="Score an item with a comment",
            response_model=UnitReviewOut)  # fmt: skip
def score(
    principal: Scorer, session: SessionDep, year: Year, unit_code: Unit, key: Key, body: ScoreIn
) -> UnitReviewOut:
    """The firm, for its group's counties: 0–100 with a comment; the score's version as read (409 if stale)."""
    S.put_score(session, principal, year, unit_code, key, body)
    session.commit()
    return V.unit_out(session, principal, year, unit_code)
