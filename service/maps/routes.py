"""What the map pages load: configuration, vector tiles, choropleth figures, key figures, draw maps."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import text

from geo.enums import HazardGrade, RectificationStatus
from service.core.db import SessionDep
from service.divisions.routes import GEOJSON
from service.maps import tiles as maps

router = APIRouter(prefix="/api/v1", tags=["maps"])
MVT = "application/vnd.mapbox-vector-tile"


@router.get("/map/config", summary="Map page configuration")
def config(session: SessionDep) -> dict:
    """Basemaps on offer (none by default: the boundaries are the basemap), view, tile URL, colours."""
    return maps.config(session)


@router.get("/tiles/houses/{z}/{x}/{y}.pbf", summary="Vector tile of hazardous houses", response_class=Response,
            responses={200: {"content": {MVT: {}}}})  # fmt: skip
def house_tile(
    session: SessionDep,
    z: int,
    x: int,
    y: int,
    rectification_status: RectificationStatus | None = None,
    hazard_grade: HazardGrade | None = None,
    commercial: bool | None = None,
    near: Annotated[
        bool | None, Query(description="Within the radius of a college, school or kindergarten")
    ] = None,
) -> Response:
    """Points (layer ``houses``) from the cluster zoom on, counted clusters (layer ``clusters``) below it."""
    body = maps.house_tile(
        session, z, x, y, rectification_status=rectification_status, hazard_grade=hazard_grade,
        commercial=commercial, near=near,
    )  # fmt: skip
    return Response(body, media_type=MVT, headers={"Cache-Control": "no-cache"})


@router.get("/map/divisions", summary="Divisions with the leaders' indicators", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}}})  # fmt: skip
def divisions(
    session: SessionDep,
    level: Literal["city", "county", "township"] = "city",
    parent: Annotated[
        str | None, Query(description="City code for counties, county code for townships")
    ] = None,
) -> Response:
    """Simplified polygons with hazardous, collapse-risk, rectified share, overdue and near-school figures."""
    return Response(maps.divisions_with_figures(session, level, parent), media_type=GEOJSON)


@router.get("/map/summary", summary="Key figures of a division")
def summary(session: SessionDep, code: str | None = None) -> dict:
    """Houses, hazardous, collapse risk, rectification progress, overdue, near-school figures."""
    return maps.summary(session, code)


@router.get("/draws", summary="Draws", tags=["draws"])
def draws(session: SessionDep) -> list[dict]:
    """Every draw with its plan, newest first."""
    rows = session.execute(
        text("SELECT d.id, d.plan_id, p.name AS plan_name, d.seed, d.status, d.created_at, d.published_at "
             "FROM draw d JOIN sampling_plan p ON p.id = d.plan_id ORDER BY d.id DESC")
    ).mappings().all()  # fmt: skip
    return [dict(r) for r in rows]


@router.get("/draws/{draw_id}/units/{unit}/map", summary="One unit of a draw on the map", tags=["draws"])
def draw_unit_map(session: SessionDep, draw_id: int, unit: str) -> dict:
    """Frame houses with their roles (sample, replacement, frame) and townships with their coverage."""
    return maps.draw_unit_map(session, draw_id, unit)


@router.get("/units/{unit}/map.html", summary="Standalone HTML map of a unit (opens offline)", response_class=Response,
            responses={200: {"content": {"text/html": {}}}})  # fmt: skip
def unit_map(session: SessionDep, unit: str, draw: int | None = None) -> Response:
    """The unit's boundary, townships, hazardous houses, sensitive sites (and a draw's houses), every asset inlined."""
    from service.maps.unit_map import unit_map_html

    body = unit_map_html(session, unit, draw)
    headers = {"Content-Disposition": f'attachment; filename="unit-{unit}.html"'}
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
