"""What the map pages load: configuration, vector tiles, choropleth figures, key figures, draw maps.

The map routes need ``read`` and answer within the caller's scope (``service.maps.tiles``); the standalone
unit map needs the unit in scope, and a draw's houses on it need ``draws.read`` as well.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from geo.enums import HazardGrade, RectificationStatus
from service.accounts.deps import Reader
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.core.errors import Forbidden
from service.core.ratelimit import limit
from service.core.settings import SettingsDep
from service.divisions.routes import GEOJSON
from service.maps import tiles as maps
from service.maps.schemas import (
    DivisionCode,
    DrawId,
    KeyFigures,
    MapConfig,
    ParentCode,
    SummaryCode,
    TileXY,
    TileZ,
)

router = APIRouter(prefix="/api/v1", tags=["maps"])
MVT = "application/vnd.mapbox-vector-tile"


@router.get("/map/config", summary="Map page configuration", response_model=MapConfig,
            response_model_exclude_none=True)  # fmt: skip
def config(principal: Reader, session: SessionDep, settings: SettingsDep) -> dict:
    """Basemaps on offer (none by default: the boundaries are the basemap), view, tile URL, colours."""
    return maps.config(session, settings.map, principal.scope)


@router.get("/tiles/houses/{z}/{x}/{y}.pbf", summary="Vector tile of hazardous houses", response_class=Response,
            responses={200: {"content": {MVT: {}}, "description": "Mapbox Vector Tile (empty outside the scope)"}})  # fmt: skip
def house_tile(
    principal: Reader,
    session: SessionDep,
    z: TileZ,
    x: TileXY,
    y: TileXY,
    rectification_status: RectificationStatus | None = None,
    hazard_grade: HazardGrade | None = None,
    commercial: bool | None = None,
    near: Annotated[
        bool | None, Query(description="Within the radius of a college, school or kindergarten")
    ] = None,
) -> Response:
    """The hazardous houses in scope: points (layer ``houses``) from the cluster zoom on, counted clusters
    (layer ``clusters``) below it. Tiles differ per scope: they are private to the caller."""
    body = maps.house_tile(
        session, principal.scope, z, x, y, rectification_status=rectification_status,
        hazard_grade=hazard_grade, commercial=commercial, near=near,
    )  # fmt: skip
    return Response(body, media_type=MVT, headers={"Cache-Control": "private, no-cache"})


@router.get("/map/divisions", summary="Divisions with the leaders' indicators", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}})  # fmt: skip
def divisions(
    principal: Reader,
    session: SessionDep,
    level: Literal["city", "county", "township"] = "city",
    parent: ParentCode = None,
) -> Response:
    """Simplified polygons in scope with hazardous, collapse-risk, rectified share, overdue and near-school
    figures, counted over the units in scope; a parent outside the scope is refused (403)."""
    body = maps.divisions_with_figures(session, principal.scope, level, parent)
    return Response(body, media_type=GEOJSON)


@router.get("/map/summary", summary="Key figures of a division", response_model=KeyFigures)
def summary(principal: Reader, session: SessionDep, code: SummaryCode = None) -> dict:
    """Houses, hazardous, collapse risk, rectification progress, overdue, near-school figures over the houses
    in scope. A division outside the scope is refused (403); the province, for a caller whose scope is part
    of it, gives the figures of the scope only (``partial`` is true)."""
    return maps.summary(session, principal.scope, code)


@router.get("/units/{unit}/map.html", summary="Standalone HTML map of a unit (opens offline)", response_class=Response,
            responses={200: {"content": {"text/html": {}}}})  # fmt: skip
def unit_map(
    principal: Reader, session: SessionDep, settings: SettingsDep, unit: DivisionCode, draw: DrawId = None
) -> Response:
    """The unit's boundary, townships, hazardous houses, sensitive sites (and a draw's houses), every asset inlined.

    The unit must be in the caller's scope (403); a draw's houses need ``draws.read`` (offices do not see draws).
    """
    from service.maps.unit_map import unit_map_html

    if draw is not None and not principal.can(Permission.DRAWS_READ):
        raise Forbidden(
            "您的角色不能查看抽样结果：请不带 draw 参数下载本单元地图。",
            f"Your role ({principal.role}) lacks the permission {Permission.DRAWS_READ}: omit draw.",
        )
    limit("expensive", str(principal.account_id), settings.security.expensive_rate_per_minute)
    body = unit_map_html(session, unit, draw, scope=principal.scope, radii_m=settings.radius.model_dump())
    headers = {"Content-Disposition": f'attachment; filename="unit-{unit}.html"'}
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


# Inspected houses by result and the firms' progress (service/maps/inspection_routes.py).
from service.maps.inspection_routes import router as _inspections  # noqa: E402

router.include_router(_inspections)
