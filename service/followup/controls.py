"""Control measures (管控措施) for a house at risk of collapse, recorded at once.

When an inspection whose findings say the house may collapse (``geo.inspection_results.needs_control``) is
submitted, a control case is opened (``hooks.py``) and shown to the city office, the county office and the
province as an unacknowledged alert; the measures the inspector chose on the form (``control_measures``,
``control_note``) are its first record. Anyone on site (the inspector's team, the firm, the county or city
office) records further measures: which (``CONTROL_MEASURES``: 停止使用, 封控警示, 人员撤离, the form's
choices), when, who is responsible, with photos. The city office acknowledges the alert (versioned).

An inspection returned and submitted again without the risk clears its case (no longer an alert; the
measures recorded stay as facts); submitted once more with the risk, the case is open again, as a new alert.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from geo.enums import Measure
from geo.inspection_results import needs_control
from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.audit.trail import record
from service.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.followup.files import CheckedFile
from service.followup.models import CONTROL_MEASURES, ControlCase, ControlPhoto, ControlRecord
from service.followup.service import _city_of
from service.inspections.models import Inspection

MEASURE_LABELS = {m.value: m.label for m in Measure if m.value in CONTROL_MEASURES}


def _form_record(session: Session, principal: Principal, case: ControlCase, inspection: Inspection) -> list[str]:
    """The measures the inspector chose on the form, as a record of the case; the measures."""
    answers = inspection.answers or {}
    chosen = [m for m in answers.get("control_measures") or [] if m in CONTROL_MEASURES]
    if chosen:
        note = answers.get("control_note")
        session.add(ControlRecord(case_id=case.id, source="form", measures=chosen,
                                  taken_at=inspection.submitted_at or dt.datetime.now(dt.UTC),
                                  responsible=principal.label, note=note if isinstance(note, str) else None,
                                  recorded_by_account_id=principal.account_id))  # fmt: skip
    return chosen


def _clear_or_reopen(session: Session, principal: Principal, case: ControlCase, inspection: Inspection) -> None:
    """Clear the case of an inspection submitted again without the risk; open it again if the risk is back
    (a new alert, with the form's measures as a new record)."""
    at_risk = needs_control(inspection.summary or {})
    if at_risk == (case.cleared_at is None):
        return
    if at_risk:
        case.cleared_at = case.cleared_by_account_id = None
        case.acknowledged_at = case.acknowledged_by_account_id = None  # a new alert for the city office
        _form_record(session, principal, case, inspection)
        action = "control_reopen"
    else:
        case.cleared_at, case.cleared_by_account_id = dt.datetime.now(dt.UTC), principal.account_id
        action = "control_clear"
    case.version += 1
    record(session, principal.actor, action, "control_case", case.id,
           detail={"inspection_id": case.inspection_id, "version": case.version})  # fmt: skip
    session.flush()


def ensure_case(session: Session, principal: Principal, inspection: Inspection) -> ControlCase | None:
    """The control case of a submitted (or approved) inspection at risk of collapse, opened once with the
    form's measures as its first record; cleared when the inspection is submitted again without the risk,
    and open again (with the form's measures as a new record) when the risk comes back."""
    if inspection.status not in ("submitted", "approved"):
        return None
    case = session.query(ControlCase).filter_by(inspection_id=inspection.id).with_for_update().one_or_none()
    if case is not None:
        _clear_or_reopen(session, principal, case, inspection)
        return case
    if not needs_control(inspection.summary or {}):
        return None
    case = ControlCase(inspection_id=inspection.id, draw_id=inspection.draw_id, house_id=inspection.house_id,
                       unit_code=inspection.unit_code, city_code=_city_of(session, inspection.unit_code), version=1,
                       synthetic=inspection.synthetic, opened_by_account_id=principal.account_id)  # fmt: skip
    session.add(case)
    session.flush()
    chosen = _form_record(session, principal, case, inspection)
    record(session, principal.actor, "control_open", "control_case", case.id,
           detail={"inspection_id": inspection.id, "house_id": inspection.house_id, "measures": chosen})  # fmt: skip
    session.flush()
    return case


def get_case(session: Session, principal: Principal, case_id: int, lock: bool = False) -> ControlCase:
    """A control case the caller may reach (404 if none, 403 outside the scope; an inspector: their team)."""
    case = session.get(ControlCase, case_id, with_for_update=lock)
    if case is None:
        raise NotFound(f"未找到编号为 {case_id} 的管控记录。", f"No control case {case_id}.")
    principal.scope.require_unit(case.unit_code)
    if principal.role is Role.INSPECTOR:
        team = session.get(Inspection, case.inspection_id).team_id
        if principal.scope.team_id != team:
            raise Forbidden("您的账户只能记录本检查组房屋的管控措施。", "Only your own team's houses.")
    return case


def add_record(
    session: Session, principal: Principal, case: ControlCase, measures: list[str], taken_at: dt.datetime,
    responsible: str, note: str | None, photos: list[CheckedFile],
) -> ControlRecord:  # fmt: skip
    """Measures taken at the house, recorded on site."""
    unknown = sorted(set(measures) - set(CONTROL_MEASURES))
    if not measures or unknown:
        raise InvalidInput("请选择管控措施（停止使用、封控警示、人员撤离）" + (f"；不认识：{'、'.join(unknown)[:60]}" if unknown else "")
                           + "。", f"Unknown or no measures: {unknown}.")  # fmt: skip
    if taken_at.tzinfo is None:
        raise InvalidInput("措施时间须带时区（例如 2026-12-03T10:00+08:00）。", "taken_at needs a time zone.")
    now = dt.datetime.now(dt.UTC)
    if taken_at > now + dt.timedelta(minutes=10):
        raise InvalidInput("措施时间不能晚于现在。", "taken_at is in the future.")
    if taken_at < case.opened_at - dt.timedelta(days=30):
        raise InvalidInput(
            "措施时间早于发现倒塌风险一个月以上，请核对。", "taken_at is long before the case."
        )
    rec = ControlRecord(case_id=case.id, source="site", measures=list(dict.fromkeys(measures)), taken_at=taken_at,
                        responsible=responsible, note=note, recorded_by_account_id=principal.account_id)  # fmt: skip
    session.add(rec)
    session.flush()
    for p in photos:
        session.add(ControlPhoto(case_id=case.id, record_id=rec.id, filename=p.filename, content_type=p.content_type,
                                 content=p.content, sha256=p.sha256, size_bytes=p.size_bytes,
                                 uploaded_by_account_id=principal.account_id))  # fmt: skip
    case.version += 1
    record(session, principal.actor, "control_record", "control_case", case.id, detail={
        "measures": rec.measures, "taken_at": taken_at.isoformat(), "responsible": responsible,
        "photos": [p.sha256 for p in photos], "version": case.version})  # fmt: skip
    session.flush()
    return rec


def acknowledge(session: Session, principal: Principal, case: ControlCase, version: int) -> ControlCase:
    """The city office has seen the alert (once; a stale version is a 409)."""
    if version != case.version:
        raise Conflict(f"该管控记录已更新（当前第 {case.version} 版），请刷新后再确认。", "Stale version.")
    if case.acknowledged_at is not None:
        raise Conflict("该预警已确认。", "Already acknowledged.")
    if case.cleared_at is not None:
        raise Conflict("复核后该房屋不存在倒塌风险，预警已解除，无需确认。", "The case was cleared.")
    case.acknowledged_by_account_id, case.acknowledged_at = principal.account_id, dt.datetime.now(dt.UTC)
    case.version += 1
    record(
        session,
        principal.actor,
        "control_acknowledge",
        "control_case",
        case.id,
        detail={"version": case.version},
    )
    session.flush()
    return case
