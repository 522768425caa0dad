"""The service's own endpoints: health (liveness and readiness) and the vocabulary."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from geo.enums import vocabulary as _vocabulary
from service.core import migrate
from service.core.db import SessionDep

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="Service and database health")
def healthz(session: SessionDep) -> dict[str, object]:
    """Answer 200 when the database answers, with PostGIS's version and the schema revision."""
    postgis = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    divisions = session.execute(text("SELECT count(*) FROM division")).scalar_one()
    return {
        "status": "ok",
        "database": "ok",
        "postgis": postgis,
        "schema_revision": revision,
        "schema_current": revision == migrate.head_revision(),
        "divisions": divisions,
    }




@router.get("/api/v1/vocabulary", tags=["vocabulary"], summary="Enumerations: codes and Chinese labels")
def vocabulary() -> dict[str, object]:
    """Codes are stable English identifiers; labels are what the platform and the interface show."""
    return _vocabulary()
