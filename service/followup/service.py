"""Rectification notices (整改通知单, notice section 四): from the finding to the closed notice.

**Drafts.** When an inspection is approved and its findings call for a notice
(``geo.inspection_results.needs_notice``), a draft (no number) is made for the house (``hooks.py``). The list of
findings awaiting a notice is computed from the approved inspections, so a finding whose draft was never
made is listed too: a serious finding is never forgotten.

**Issue** (city office, province). The number comes from the city's sequence of the year (``notice_counter``,
incremented under its row lock: concurrent issues never share a number, a rolled-back issue leaves no gap);
the deadline is a date after today (Asia/Shanghai). The .docx is generated then and stored with its SHA-256:
the issued document is served as stored, provably unchanged. It names its issuer: the city office, or the
provincial office when the province issues it (the number still the city's).

**Answer** (county office): progress reports with text and evidence (photos, PDFs); issued → in_progress →
reported_done. **Decision** (city office): accept (closed, 销号) or reject with comments (→ in_progress).
Every step names its account and time, carries the new version (a stale version is a 409), and is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.inspection_results import needs_notice
from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.audit.trail import record
from service.core.errors import Conflict, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.followup import document as D
from service.followup.files import CheckedFile
from service.followup.models import Notice, NoticeEvidence, NoticeStep
from service.followup.schemas import DecisionIn, IssueIn
from service.inspections.models import Inspection
from service.inspections.notice_doc import city_abbrev, notice_docx, notice_number

PROVINCE_NAME = "甘肃省"  # the provincial office issues as 甘肃省自建房安全专项整治工作专班

SQL = SqlFiles("service.followup")
TZ = ZoneInfo("Asia/Shanghai")
MAX_DEADLINE_DAYS = 366
STATUS_LABELS = {"draft": "待下发", "issued": "已下发", "in_progress": "整改中", "reported_done": "已报整改完成",
                 "closed": "已销号"}  # fmt: skip
ACTION_LABELS = {"draft": "生成草稿", "issue": "下发", "progress": "报送整改进展", "report_done": "报整改完成",
                 "reject": "退回", "accept": "验收销号"}  # fmt: skip
ANSWERABLE = ("issued", "in_progress")


def today() -> dt.date:
    """Today in Gansu (Asia/Shanghai): deadlines and overdue are dates there."""
    return dt.datetime.now(TZ).date()


def _step(
    session: Session, principal: Principal, n: Notice, action: str, body: str | None = None
) -> NoticeStep:
    step = NoticeStep(notice_id=n.id, action=action, text=body, status=n.status, version=n.version,
                      account_id=principal.account_id)  # fmt: skip
    session.add(step)
    session.flush()
    return step


def _city_of(session: Session, unit_code: str) -> str:
    city = session.scalar(text("SELECT city_code FROM sampling_unit WHERE code = :u"), {"u": unit_code})
    if city is None:
        raise InvalidInput(f"单元 {unit_code} 不是抽样单元。", f"Unit {unit_code} is not a sampling unit.")
    return city


def ensure_draft(session: Session, principal: Principal, inspection: Inspection) -> Notice | None:
    """The draft notice of an approved inspection whose findings call for one (made once; none if the house
    already has an open notice, or the findings call for none)."""
    if inspection.status != "approved" or not needs_notice(inspection.summary or {}):
        return None
    existing = session.query(Notice).filter_by(inspection_id=inspection.id).one_or_none()
    if existing is not None or _open_notice(session, inspection.house_id) is not None:
        return existing
    n = Notice(inspection_id=inspection.id, draw_id=inspection.draw_id, house_id=inspection.house_id,
               unit_code=inspection.unit_code, city_code=_city_of(session, inspection.unit_code), status="draft",
               version=1, synthetic=inspection.synthetic, created_by_account_id=principal.account_id,
               requirements=[], legal_basis=[])  # fmt: skip
    session.add(n)
    session.flush()
    _step(session, principal, n, "draft")
    record(session, principal.actor, "notice_draft", "notice", n.id,
           detail={"inspection_id": inspection.id, "house_id": inspection.house_id})  # fmt: skip
    return n


def _open_notice(session: Session, house_id: int) -> Notice | None:
    return session.query(Notice).filter(Notice.house_id == house_id, Notice.status != "closed").one_or_none()


def get_notice(session: Session, principal: Principal, notice_id: int, lock: bool = False) -> Notice:
    """A notice the caller may see (404 if none, 403 outside the scope)."""
    n = session.get(Notice, notice_id, with_for_update=lock)
    if n is None:
        raise NotFound(f"未找到编号为 {notice_id} 的整改通知。", f"No notice {notice_id}.")
    principal.scope.require_unit(n.unit_code)
    return n


def _check_version(n: Notice, version: int | None) -> None:
    if version is not None and version != n.version:
        raise Conflict(f"该整改通知已被他人修改（当前第 {n.version} 版，您的操作基于第 {version} 版），请刷新后再操作。",
                       f"Stale version: the notice is at {n.version}, the change was made from {version}.")  # fmt: skip


def _check_deadline(deadline: dt.date, on: dt.date) -> None:
    if deadline <= on:
        raise InvalidInput(f"整改期限须晚于今天（{on.isoformat()}）。", "The deadline must be after today.")
    if deadline > on + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise InvalidInput("整改期限不能超过一年。", "The deadline is more than a year away.")


def issue(session: Session, principal: Principal, body: IssueIn, on: dt.date | None = None) -> Notice:
    """Issue the notice of an approved finding: its number, its deadline, its stored document."""
    on = on or today()
    inspection = session.get(Inspection, body.inspection_id, with_for_update=True)
    if inspection is None:
        raise NotFound(
            f"未找到编号为 {body.inspection_id} 的检查记录。", f"No inspection {body.inspection_id}."
        )
    principal.scope.require_unit(inspection.unit_code)
    if inspection.status != "approved":
        raise Conflict("只能对审核通过的检查结果下发整改通知。", f"The inspection is {inspection.status}.")
    if not needs_notice(inspection.summary or {}):
        raise InvalidInput(
            "该检查未发现未整治到位的严重隐患，无需下发整改通知。", "The findings call for no notice."
        )
    _check_deadline(body.deadline, on)
    n = session.query(Notice).filter_by(inspection_id=inspection.id).with_for_update().one_or_none()
    if n is not None and n.status != "draft":
        raise Conflict(f"该检查的整改通知已下发（{n.number}）。", f"Notice {n.id} is already issued.")
    other = _open_notice(session, inspection.house_id)
    if other is not None and (n is None or other.id != n.id):
        raise Conflict(
            f"该房屋已有未销号的整改通知（{other.number or '草稿'}）。", "The house has an open notice."
        )
    if n is None:
        n = ensure_draft(session, principal, inspection)
    elif body.notice_version is not None:
        _check_version(n, body.notice_version)
    facts = D.notice_facts(session, inspection.id)
    seq = int(session.scalar(SQL.one("next_number"), {"city_code": n.city_code, "year": on.year}))
    number = notice_number(city_abbrev(n.city_code), on.year, seq)
    requirements = list(body.requirements or D.default_requirements(inspection.summary or {}))
    contact = body.contact or f"{principal.name}（{principal.organisation}）"
    # The issuing office: the city office, or the province when it issues (the number stays the city's).
    issuer = D.office(PROVINCE_NAME if principal.role == Role.PROVINCE else facts["city_name"])
    data = D.notice_data(session, facts, number=number, issued_on=on, deadline=body.deadline, issuer=issuer,
                         requirements=requirements, legal_basis=body.legal_basis, contact=contact)  # fmt: skip
    doc = notice_docx(data)
    now = dt.datetime.now(dt.UTC)
    n.status, n.year, n.seq, n.number, n.issued_on, n.deadline = (
        "issued",
        on.year,
        seq,
        number,
        on,
        body.deadline,
    )
    n.requirements, n.legal_basis, n.contact = requirements, list(data.legal_basis), contact
    n.document, n.document_sha256 = doc, hashlib.sha256(doc).hexdigest()
    n.document_name = f"整改通知单-{number}.docx"
    n.issued_by_account_id, n.issued_at, n.updated_at = principal.account_id, now, now
    n.version += 1
    session.flush()
    _step(session, principal, n, "issue", f"整改期限 {body.deadline.isoformat()}")
    record(session, principal.actor, "notice_issue", "notice", n.id, detail={
        "number": number, "inspection_id": inspection.id, "house_id": n.house_id, "deadline": body.deadline.isoformat(),
        "document_sha256": n.document_sha256, "version": n.version})  # fmt: skip
    session.flush()
    return n


def report(
    session: Session,
    principal: Principal,
    n: Notice,
    body: str,
    done: bool,
    version: int,
    files: list[CheckedFile],
) -> Notice:
    """The county office's progress report (``done``: the rectification is complete), with its evidence."""
    if n.status not in ANSWERABLE:
        raise Conflict(
            f"该整改通知当前为“{STATUS_LABELS[n.status]}”，不能报送整改进展。", f"The notice is {n.status}."
        )
    _check_version(n, version)
    if done and not files:
        raise InvalidInput("报整改完成须附佐证材料（照片或 PDF）。", "Reporting done needs evidence files.")
    n.status = "reported_done" if done else "in_progress"
    n.version += 1
    n.updated_at = dt.datetime.now(dt.UTC)
    step = _step(session, principal, n, "report_done" if done else "progress", body)
    for f in files:
        session.add(NoticeEvidence(notice_id=n.id, step_id=step.id, filename=f.filename, content_type=f.content_type,
                                   content=f.content, sha256=f.sha256, size_bytes=f.size_bytes,
                                   uploaded_by_account_id=principal.account_id))  # fmt: skip
    record(session, principal.actor, f"notice_{step.action}", "notice", n.id, detail={
        "version": n.version, "files": [{"name": f.filename, "sha256": f.sha256} for f in files]})  # fmt: skip
    session.flush()
    return n


def decide(session: Session, principal: Principal, n: Notice, body: DecisionIn) -> Notice:
    """Accept (closed, 销号) or reject with comments (back to in_progress) a notice reported done."""
    if n.status != "reported_done":
        raise Conflict(
            "只有已报整改完成的通知才能验收或退回。", f"The notice is {n.status}, not reported_done."
        )
    _check_version(n, body.version)
    if body.action == "reject" and not body.comment:
        raise InvalidInput("退回须写明意见。", "A rejection needs a comment.")
    now = dt.datetime.now(dt.UTC)
    n.status = "closed" if body.action == "accept" else "in_progress"
    if body.action == "accept":
        n.closed_by_account_id, n.closed_at = principal.account_id, now
    n.version += 1
    n.updated_at = now
    _step(session, principal, n, body.action, body.comment)
    record(session, principal.actor, f"notice_{body.action}", "notice", n.id,
           detail={"version": n.version, "comment": body.comment})  # fmt: skip
    session.flush()
    return n
