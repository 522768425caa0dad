"""The reports' API (/api/v1/evaluation/reports): a county's report and the provincial summary, their
sections (drafted from the figures, editable by the firm and the provincial office under a version), the .docx
as it would be exported now, and the final exports stored with their SHA-256. A county's report is limited to
the callers whose scope holds the county; the provincial summary to those who see the whole province."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.core.errors import NotFound
from service.evaluation.reports import data as D
from service.evaluation.reports import service as S
from service.evaluation.reports.models import PROVINCE_TARGET, ReportExport
from service.evaluation.reports.schemas import ExportOut, ReportOut, SectionIn, SectionSaved, UnitItem
from service.followup.routes import _file

router = APIRouter(prefix="/api/v1/evaluation/reports", tags=["evaluation"])
Reader = Permit(Permission.EVAL_READ)
Writer = Permit(Permission.REPORTS_WRITE)
Unit = Annotated[str, Path(pattern=r"^[0-9]{6,12}$", description="县区（抽样单元）代码")]
Section = Annotated[str, Path(pattern=r"^[a-z_]{1,32}$", description="报告部分，如 basic、effect_results")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="年度；缺省为最近一次已发布抽样的年度")]
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_RESPONSE = {200: {"content": {DOCX: {}}}}


def _docx(content: bytes, filename: str, ascii_name: str) -> Response:
    import hashlib

    return _file(content, DOCX, filename, ascii_name, hashlib.sha256(content).hexdigest())


def _export_out(session, row: ReportExport) -> ExportOut:
    return next(e for e in S.exports(session, row.target, row.year) if e.id == row.id)


@router.get(
    "/units", summary="Drawn units in the caller's scope, for the reports", response_model=list[UnitItem]
)
def units(principal: Reader, session: SessionDep, year: Year = None) -> list[UnitItem]:
    """The newest published draw's units (of ``year``) that the caller may see."""
    return S.units(session, principal, year)


@router.get("/county/{unit}", summary="A county report's sections and exports", response_model=ReportOut)
def county(principal: Reader, session: SessionDep, unit: Unit, year: Year = None) -> ReportOut:
    """Each section's drafted text and, once edited, the edited text with its version."""
    return S.report(session, principal, unit, year)


@router.put("/county/{unit}/sections/{section}", summary="Save an edited section of a county report",
            response_model=SectionSaved)  # fmt: skip
def county_section(principal: Writer, session: SessionDep, unit: Unit, section: Section, body: SectionIn,
                   year: Year = None) -> SectionSaved:  # fmt: skip
    """Sent with the version read (0: never edited); 409 when someone saved another version meanwhile."""
    version, at, _ = S.save(session, principal, unit, section, body.text, body.version, year)
    session.commit()
    return SectionSaved(key=section, version=version, edited_at=at)


@router.get("/county/{unit}/document", summary="A county report as .docx, now (not stored)",
            response_class=Response, responses=DOCX_RESPONSE)  # fmt: skip
def county_document(principal: Reader, session: SessionDep, unit: Unit, year: Year = None) -> Response:
    """The report with the sections as edited so far (a preview: the final export is stored)."""
    content, filename, _, y = S.document(session, principal, unit, year)
    return _docx(content, filename, f"report-{unit}-{y}.docx")


@router.post("/county/{unit}/exports", summary="Export a county report (stored with its SHA-256)",
             status_code=201, response_model=ExportOut)  # fmt: skip
def county_export(principal: Writer, session: SessionDep, unit: Unit, year: Year = None) -> ExportOut:
    """The final .docx, stored as exported; download it from /exports/{id}."""
    row = S.export(session, principal, unit, year)
    session.commit()
    return _export_out(session, row)


@router.get("/province", summary="The provincial summary's sections and exports", response_model=ReportOut)
def province(principal: Reader, session: SessionDep, year: Year = None) -> ReportOut:
    """For callers who see the whole province."""
    return S.report(session, principal, PROVINCE_TARGET, year)


@router.put("/province/sections/{section}", summary="Save an edited section of the provincial summary",
            response_model=SectionSaved)  # fmt: skip
def province_section(principal: Writer, session: SessionDep, section: Section, body: SectionIn,
                     year: Year = None) -> SectionSaved:  # fmt: skip
    """Sent with the version read (0: never edited); 409 when someone saved another version meanwhile."""
    version, at, _ = S.save(session, principal, PROVINCE_TARGET, section, body.text, body.version, year)
    session.commit()
    return SectionSaved(key=section, version=version, edited_at=at)


@router.get("/province/document", summary="The provincial summary as .docx, now (not stored)",
            response_class=Response, responses=DOCX_RESPONSE)  # fmt: skip
def province_document(principal: Reader, session: SessionDep, year: Year = None) -> Response:
    """The summary with the sections as edited so far."""
    content, filename, _, y = S.document(session, principal, PROVINCE_TARGET, year)
    return _docx(content, filename, f"report-province-{y}.docx")


@router.post("/province/exports", summary="Export the provincial summary (stored with its SHA-256)",
             status_code=201, response_model=ExportOut)  # fmt: skip
def province_export(principal: Writer, session: SessionDep, year: Year = None) -> ExportOut:
    """The final .docx, stored as exported."""
    row = S.export(session, principal, PROVINCE_TARGET, year)
    session.commit()
    return _export_out(session, row)


@router.get("/exports/{export_id}", summary="A final export as stored (.docx)", response_class=Response,
            responses=DOCX_RESPONSE)  # fmt: skip
def stored_export(principal: Reader, session: SessionDep, export_id: Id) -> Response:
    """The bytes exported, with their SHA-256 (X-Content-SHA256)."""
    row = session.get(ReportExport, export_id)
    if row is None:
        raise NotFound("没有这份导出的报告。", f"No report export {export_id}.")
    if row.target == PROVINCE_TARGET:
        D.require_province(principal)
    else:
        principal.scope.require_unit(row.target)
    return _file(row.content, DOCX, row.filename, f"report-{row.target}-{row.year}.docx", row.sha256)
