"""The service's own endpoints: health (liveness and readiness) and the vocabulary."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from geo.enums import vocabulary as _vocabulary
from service.accounts.deps import Public, Reader, authenticate
from service.core import migrate
from service.core.db import SessionDep

router = APIRouter()


class Health(BaseModel):
    """Whether the service and its database answer; details only for a logged-in caller."""

    status: str
    database: str
    schema_current: bool
    postgis: str | None = None
    schema_revision: str | None = None
    divisions: int | None = None


@router.get("/healthz", tags=["health"], summary="Service and database health", response_model=Health,
            dependencies=[Public])  # fmt: skip
def healthz(request: Request, session: SessionDep) -> Health:
    """200 when the database answers and the schema is current; versions only for logged-in callers."""
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    health = Health(status="ok", database="ok", schema_current=revision == migrate.head_revision())
    if authenticate(request, session) is not None:
        health.postgis = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        health.schema_revision = revision
        health.divisions = session.execute(text("SELECT count(*) FROM division")).scalar_one()
    return health


@router.get("/api/v1/vocabulary", tags=["vocabulary"], summary="Enumerations: codes and Chinese labels")
def vocabulary(principal: Reader) -> dict[str, object]:
    """Codes are stable English identifiers; labels are what the platform and the interface show."""
    return _vocabulary()
