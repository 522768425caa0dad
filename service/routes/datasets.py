"""Provenance of every loaded data set: source, version, licence, CRS, vintage, synthetic or real."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from service.db import SessionDep
from service.models import Dataset

router = APIRouter(prefix="/api/v1", tags=["provenance"])


class DatasetOut(BaseModel):
    """One data set's provenance."""

    name: str
    source: str
    version: str
    licence: str
    crs: str
    vintage: str
    sha256: str | None
    synthetic: bool
    note: str | None
    loaded_at: dt.datetime


@router.get("/datasets", summary="Data provenance", response_model=list[DatasetOut])
def datasets(session: SessionDep) -> list[Dataset]:
    """Every data set in the database, real or synthetic, with its provenance."""
    return list(session.scalars(select(Dataset).order_by(Dataset.name)))
