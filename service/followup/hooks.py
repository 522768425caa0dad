"""What the inspections call when an inspection is submitted or reviewed (one call each, in the same
transaction): a control case at once for a house at risk of collapse; a draft notice once the findings of
a serious hazard are approved."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.followup.controls import ensure_case
from service.followup.models import ControlCase, Notice
from service.followup.service import ensure_draft
from service.inspections.models import Inspection


def after_inspection(session: Session, principal: Principal, inspection: Inspection) -> None:
    """Open what the inspection's findings call for (idempotent: made once per inspection)."""
    ensure_case(session, principal, inspection)
    ensure_draft(session, principal, inspection)


def backfill(session: Session, principal: Principal) -> tuple[int, int]:
    """Open what the findings of every submitted or approved inspection call for, where it was not opened
    when they were made (inspections stored before migration 0018, or written straight to the tables as the
    synthetic demo does). Idempotent; returns (control cases, draft notices) made now, in the caller's
    transaction and audited under ``principal`` (e.g. the demo's provincial account)."""
    before = (session.query(ControlCase).count(), session.query(Notice).count())
    rows = (
        session.query(Inspection)
        .filter(Inspection.status.in_(("submitted", "approved")))
        .order_by(Inspection.id)
    )
    for inspection in rows:
        after_inspection(session, principal, inspection)
    session.flush()
    return session.query(ControlCase).count() - before[0], session.query(Notice).count() - before[1]
