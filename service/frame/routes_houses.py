"""Houses of the frame as paginated GeoJSON, one house with its hazard history, and proximity."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from geo.enums import DivisionLevel, HazardGrade, RectificationStatus
from service.core.db import SessionDep
from service.divisions.queries import require_division
from service.divisions.routes import GEOJSON
from service.frame.houses import BBox, house_feature, houses_geojson, proximity_summary, sites_near_house

router = APIRouter(prefix="/api/v1", tags=["houses"])

Near = Literal["any", "college", "school", "kindergarten", "hospital"]


@router.get("/houses", summary="自建房: houses, filtered and paginated", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}}})  # fmt: skip
def houses(
    session: SessionDep,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat (CGCS2000)")] = None,
    unit: Annotated[str | None, Query(description="Sampling unit (county-level) code")] = None,
    township: Annotated[str | None, Query(description="Township code (9 digits)")] = None,
    hazardous: Annotated[
        bool | None, Query(description="Only houses with (true) or without (false) an open hazard")
    ] = None,
    hazard_grade: HazardGrade | None = None,
    rectification_status: RectificationStatus | None = None,
    commercial: Annotated[bool | None, Query(description="经营性 (commercial or mixed use)")] = None,
    near: Annotated[
        Near | None, Query(description="Within the radius of a sensitive site (of a kind)")
    ] = None,
    mismatch: Annotated[
        bool | None, Query(description="Point disagrees with the declared county/township")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    after_id: Annotated[
        int | None, Query(description="Keyset cursor: next_after_id of the previous page")
    ] = None,
) -> Response:
    """Houses as GeoJSON with their open hazard; ``next_after_id`` fetches the next page."""
    if unit is not None:
        require_division(session, unit, DivisionLevel.COUNTY)
    if township is not None:
        require_division(session, township, DivisionLevel.TOWNSHIP)
    body = houses_geojson(
        session, BBox.parse(bbox), limit, after_id, unit=unit, township=township, hazardous=hazardous,
        hazard_grade=hazard_grade, rectification_status=rectification_status, commercial=commercial,
        near=near, mismatch=mismatch,
    )  # fmt: skip
    return Response(body, media_type=GEOJSON)


@router.get("/houses/{key}", summary="One house with its hazard history", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}}})  # fmt: skip
def house(session: SessionDep, key: str) -> Response:
    """A house by database id or survey code (自建房排查编码), with hazard history and nearby sites."""
    return JSONResponse(house_feature(session, key), media_type=GEOJSON)


@router.get("/houses/{key}/sites", summary="Sensitive sites near a house")
def house_sites(session: SessionDep, key: str) -> list[dict]:
    """Every college, school, kindergarten or hospital within its kind's radius, nearest first."""
    return sites_near_house(session, key)


@router.get("/proximity/summary", summary="Houses near sensitive sites, per unit or city")
def summary(session: SessionDep, by: Literal["unit", "city"] = "unit") -> list[dict]:
    """Counts of houses and hazardous houses within the radius of each kind of site."""
    return proximity_summary(session, by)
