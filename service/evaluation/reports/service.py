"""The reports' work: a report's sections (drafted from the figures, or as edited), saving an edit under its
version (a stale version is refused with 409), the .docx, and the final export stored with its SHA-256.
Every write is audited."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.errors import Conflict, InvalidInput
from service.core.queries import SqlFiles
from service.evaluation.reports import data as D
from service.evaluation.reports.county import county_docx, county_title
from service.evaluation.reports.models import PROVINCE_TARGET, ReportExport
from service.evaluation.reports.narrative import (
    COUNTY_SECTIONS,
    PROVINCE_SECTIONS,
    county_drafts,
    province_drafts,
)
from service.evaluation.reports.province import province_docx, province_title
from service.evaluation.reports.schemas import ExportOut, ReportOut, SectionOut, UnitItem

SQL = SqlFiles("service.evaluation.reports")


def _facts(session: Session, principal: Principal, target: str, year: int | None):
    if target == PROVINCE_TARGET:
        D.require_province(principal)
        f = D.facts(session, principal, year)
        return f, None, PROVINCE_SECTIONS, province_drafts(f), province_title(f)
    f = D.facts(session, principal, year, unit=target)
    u = f.units[0]
    return f, u, COUNTY_SECTIONS, county_drafts(f, u), county_title(f, u)


def _edited(session: Session, target: str, year: int) -> dict:
    return {r.section: r for r in session.execute(SQL.one("report_drafts"), {"target": target, "year": year})}


def report(session: Session, principal: Principal, target: str, year: int | None = None) -> ReportOut:
    """The report's sections as they would be exported now, with its past exports."""
    f, u, sections, drafts, title = _facts(session, principal, target, year)
    edited = _edited(session, target, f.year)
    out = []
    for key, (level, heading) in sections.items():
        e = edited.get(key)
        out.append(SectionOut(key=key, level=level, heading=heading, drafted=drafts[key],
                              text=e.text if e else drafts[key], edited=e is not None, version=e.version if e else 0,
                              edited_by=e.edited_by if e else None, edited_at=e.edited_at if e else None))  # fmt: skip
    return ReportOut(target=target, unit_name=u.name if u else None, title=title, year=f.year, draw_id=f.draw_id,
                     synthetic=f.synthetic, sections=out, exports=exports(session, target, None),
                     can_edit=principal.can(Permission.REPORTS_WRITE))  # fmt: skip


def exports(session: Session, target: str, year: int | None) -> list[ExportOut]:
    """The report's final exports, newest first."""
    rows = session.execute(SQL.one("report_exports"), {"target": target, "year": year}).mappings()
    return [ExportOut(**r) for r in rows]


def save(session: Session, principal: Principal, target: str, section: str, text: str, version: int,
         year: int | None = None) -> tuple[int, object, int]:  # fmt: skip
    """Save an edit of ``section``; 409 when ``version`` is not the one stored (someone saved in between)."""
    f, _, sections, _, _ = _facts(session, principal, target, year)
    if section not in sections:
        raise InvalidInput(f"报告没有“{section[:32]}”这一部分。", f"No section {section!r} in this report.")
    stored = _edited(session, target, f.year).get(section)
    if (stored.version if stored else 0) != version:
        raise Conflict(
            f"“{sections[section][1]}”已被他人修改（现为第 {stored.version if stored else 0} 版，您编辑的是第 {version} 版）。"
            "请复制您的文字，刷新后再合并保存。",
            f"Section {section} changed since version {version}.",
        )  # fmt: skip
    row = session.execute(SQL.one("report_draft_save"), {"target": target, "year": f.year, "section": section,
                                                          "text": text, "version": version,
                                                          "by": principal.account_id}).one_or_none()  # fmt: skip
    if row is None:
        raise Conflict(
            f"“{sections[section][1]}”已被他人修改，请刷新后再保存。", f"Section {section} changed."
        )
    record(session, principal.actor, "report_section_save", "report_draft", f"{target}/{f.year}/{section}",
           detail={"version": row.version, "chars": len(text)})  # fmt: skip
    return row.version, row.edited_at, f.year


def document(
    session: Session, principal: Principal, target: str, year: int | None = None
) -> tuple[bytes, str, bool, int]:
    """The report as .docx now (edited sections as edited): its bytes, file name, synthetic flag, year."""
    f, u, sections, drafts, title = _facts(session, principal, target, year)
    edited = _edited(session, target, f.year)
    texts = {k: edited[k].text if k in edited else drafts[k] for k in sections}
    content = province_docx(f, texts) if u is None else county_docx(f, u, texts)
    return content, f"{title}.docx", f.synthetic, f.year


def export(session: Session, principal: Principal, target: str, year: int | None = None) -> ReportExport:
    """The final export: the .docx stored with its SHA-256 and who exported it (audited)."""
    content, filename, synthetic, y = document(session, principal, target, year)
    row = ReportExport(target=target, year=y, filename=filename, content=content,
                       sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content), synthetic=synthetic,
                       exported_by_account_id=principal.account_id)  # fmt: skip
    session.add(row)
    session.flush()
    record(session, principal.actor, "report_export", "report_export", row.id,
           detail={"target": target, "year": y, "sha256": row.sha256, "synthetic": synthetic})  # fmt: skip
    return row


def units(session: Session, principal: Principal, year: int | None = None) -> list[UnitItem]:
    """The drawn units in the caller's scope (the page's choice)."""
    draw = D.report_draw(session, year)
    rows = session.execute(
        D.SQL.one("report_units"), {"draw_id": draw["id"], "unit": None, **principal.scope.params()}
    )
    return [
        UnitItem(code=r.unit_code, name=r.unit_name, city_name=r.city_name or "", firm=r.firm) for r in rows
    ]
