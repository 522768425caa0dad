"""Houses of the frame as paginated GeoJSON, one house with its hazard history, and proximity.

Every route needs ``read`` and answers within the caller's scope (``service.frame.houses``): a house outside
it is not found (404), an explicit unit or township outside it is refused (403).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from geo.enums import DivisionLevel, HazardGrade, RectificationStatus
from service.accounts.deps import Reader
from service.core.db import SessionDep
from service.core.settings import SettingsDep
from service.divisions.queries import require_division
from service.divisions.routes import GEOJSON
from service.frame.houses import BBox, house_feature, houses_geojson, proximity_summary, sites_near_house
from service.frame.schemas import (
    MAX_ID,
    BBoxParam,
    HouseKey,
    ProximityRow,
    SiteNearHouse,
    TownshipCode,
    UnitCode,
)

router = APIRouter(prefix="/api/v1", tags=["houses"])

Near = Literal["any", "college", "school", "kindergarten", "hospital"]


@router.get("/houses", summary="自建房: houses, filtered and paginated", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}})  # fmt: skip
def houses(
    principal: Reader,
    session: SessionDep,
    bbox: BBoxParam = None,
    unit: UnitCode = None,
    township: TownshipCode = None,
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
        int | None, Query(ge=0, le=MAX_ID, description="Keyset cursor: next_after_id of the previous page")
    ] = None,
) -> Response:
    """Houses in scope as GeoJSON with their open hazard; ``next_after_id`` fetches the next page."""
    scope = principal.scope
    if unit is not None:
        require_division(session, unit, DivisionLevel.COUNTY)
        scope.require_unit(unit)
    if township is not None:
        require_division(session, township, DivisionLevel.TOWNSHIP, scope)
    body = houses_geojson(
        session, scope, BBox.parse(bbox), limit, after_id, unit=unit, township=township, hazardous=hazardous,
        hazard_grade=hazard_grade, rectification_status=rectification_status, commercial=commercial,
        near=near, mismatch=mismatch,
    )  # fmt: skip
    return Response(body, media_type=GEOJSON)


@router.get("/houses/{key}", summary="One house with its hazard history", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON Feature"}})  # fmt: skip
def house(principal: Reader, session: SessionDep, key: HouseKey) -> Response:
    """A house in scope by database id or survey code (自建房排查编码), with hazard history and nearby sites."""
    return JSONResponse(house_feature(session, principal.scope, key), media_type=GEOJSON)


@router.get("/houses/{key}/sites", summary="Sensitive sites near a house", response_model=list[SiteNearHouse])
def house_sites(principal: Reader, session: SessionDep, settings: SettingsDep, key: HouseKey) -> list[dict]:
    """Every college, school, kindergarten or hospital in scope within its kind's radius, nearest first."""
    return sites_near_house(session, principal.scope, key, settings.radius.model_dump())


@router.get(
    "/proximity/summary",
    summary="Houses near sensitive sites, per unit or city",
    response_model=list[ProximityRow],
)
def summary(principal: Reader, session: SessionDep, by: Literal["unit", "city"] = "unit") -> list[dict]:
    """Counts of houses and hazardous houses within the radius of each kind of site, over the houses in scope
    (a city's row counts only its units in scope)."""
    return proximity_summary(session, principal.scope, by)
