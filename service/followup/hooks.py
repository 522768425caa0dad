"""What the inspections call when an inspection is submitted or reviewed (one call each, in the same
transaction): a control case at once for a house at risk of collapse; a draft notice once the findings of
a serious hazard are approved."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.followup.controls import ensure_case
from service.followup.service import ensure_draft
from service.inspections.models import Inspection


def after_inspection(session: Session, principal: Principal, inspection: Inspection) -> None:
    """Open what the inspection's findings call for (idempotent: made once per inspection)."""
    ensure_case(session, principal, inspection)
    ensure_draft(session, principal, inspection)
