"""Liveness and readiness: the database answers and has PostGIS and the current schema."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from service import migrate
from service.db import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Service and database health")
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
