"""The administrative tree and the sampling units as GeoJSON (``application/geo+json``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from geo.enums import DivisionLevel
from service.accounts.deps import Reader
from service.core.db import SessionDep
from service.core.models import Dataset
from service.divisions.queries import (
    division_feature,
    divisions_geojson,
    require_division,
    sampling_units_geojson,
)

GEOJSON = "application/geo+json"

router = APIRouter(prefix="/api/v1", tags=["divisions"])

Digits = Annotated[int, Query(ge=3, le=9, description="Decimal digits of coordinates (6 is about 0.1 m).")]
CityCode = Annotated[
    str | None, Query(max_length=12, description="Only units of this city/prefecture (6-digit code).")
]
Code = Annotated[str, Path(max_length=12, description="Division code: 6 digits, or 9 for a township")]

_FC_DOC = {200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection, CGCS2000 lon/lat"}}


def _geojson(body: str) -> Response:
    return Response(content=body, media_type=GEOJSON)


@router.get(
    "/cities", summary="市州: the 14 cities and prefectures", responses=_FC_DOC, response_class=Response
)
def cities(principal: Reader, session: SessionDep, digits: Digits = 6) -> Response:
    """The cities and prefectures of Gansu (those in the caller's scope) with their polygons."""
    return _geojson(divisions_geojson(session, principal.scope, DivisionLevel.CITY, None, digits))


@router.get("/counties", summary="县区: county-level divisions", responses=_FC_DOC, response_class=Response)
def counties(principal: Reader, session: SessionDep, city: CityCode = None, digits: Digits = 6) -> Response:
    """County-level divisions in scope, all or those of one city. 兰州新区 is approximate (see its note)."""
    if city is not None:
        require_division(session, city, DivisionLevel.CITY, principal.scope)
    return _geojson(divisions_geojson(session, principal.scope, DivisionLevel.COUNTY, city, digits))


@router.get(
    "/townships", summary="乡镇街道: township-level divisions", responses=_FC_DOC, response_class=Response
)
def townships(
    principal: Reader,
    session: SessionDep,
    county: Annotated[
        str, Query(max_length=12, description="County-level code whose townships to list (6 digits).")
    ],
    digits: Digits = 6,
) -> Response:
    """Townships and streets of one county-level unit (NBS 2023 codes; polygons only once imported)."""
    require_division(session, county, DivisionLevel.COUNTY, principal.scope)
    return _geojson(divisions_geojson(session, principal.scope, DivisionLevel.TOWNSHIP, county, digits))


@router.get(
    "/sampling-units",
    summary="抽样单元: units of the county draw",
    responses=_FC_DOC,
    response_class=Response,
)
def sampling_units(
    principal: Reader, session: SessionDep, city: CityCode = None, digits: Digits = 6
) -> Response:
    """Every county-level unit in scope, with its city, whether it is the city seat, whether it stands alone."""
    if city is not None:
        require_division(session, city, DivisionLevel.CITY, principal.scope)
    return _geojson(sampling_units_geojson(session, principal.scope, city, digits))


@router.get(
    "/divisions/{code}", summary="One division by code", responses={200: {"content": {GEOJSON: {}}}},
    response_class=Response,
)  # fmt: skip
def division(principal: Reader, session: SessionDep, code: Code, digits: Digits = 6) -> Response:
    """One division of any level (in the caller's scope) as a GeoJSON Feature."""
    return JSONResponse(division_feature(session, principal.scope, code, digits), media_type=GEOJSON)


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


@router.get("/datasets", tags=["provenance"], summary="Data provenance", response_model=list[DatasetOut])
def datasets(principal: Reader, session: SessionDep) -> list[Dataset]:
    """Every data set in the database, real or synthetic, with its provenance."""
    return list(session.scalars(select(Dataset).order_by(Dataset.name)))
