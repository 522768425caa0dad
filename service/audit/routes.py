"""The audit trail over HTTP: read it, and prove it unbroken (provincial office)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.accounts.schemas import AuditEventOut, AuditVerifyOut
from service.audit import trail
from service.audit.models import AuditEvent
from service.core.db import SessionDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Permit(Permission.AUDIT)


@router.get("", summary="The audit trail, newest first", response_model=list[AuditEventOut])
def events(
    principal: Auditor,
    session: SessionDep,
    before_id: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="Keyset cursor")] = None,
    account_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEvent]:
    """Every write and login with who, when, which request, what and on what."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


@router.get("/verify", summary="Recompute the hash chain", response_model=AuditVerifyOut)
def verify(principal: Auditor, session: SessionDep) -> AuditVerifyOut:
    """Whether any row was edited or deleted; the head hash to write down and compare later."""
    check = trail.verify(session)
    return AuditVerifyOut(intact=check.intact, rows=check.rows, head=check.head, problems=check.problems)
