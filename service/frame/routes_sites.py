"""Sensitive sites (colleges, schools, kindergartens, hospitals) and the houses near them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from geo.enums import DivisionLevel, SiteKind
from service.core.db import SessionDep
from service.divisions.queries import require_division
from service.divisions.routes import GEOJSON
from service.frame.houses import BBox, houses_near_site, sites_geojson
from service.frame.proximity import radii

router = APIRouter(prefix="/api/v1", tags=["sites"])


@router.get("/sites", summary="敏感场所: sensitive sites", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}}})  # fmt: skip
def sites(
    session: SessionDep,
    kind: SiteKind | None = None,
    unit: Annotated[str | None, Query(description="Sampling unit (county-level) code")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat (CGCS2000)")] = None,
) -> Response:
    """Sites with the number of houses whose nearest site of that kind they are."""
    if unit is not None:
        require_division(session, unit, DivisionLevel.COUNTY)
    return Response(sites_geojson(session, kind, unit, BBox.parse(bbox)), media_type=GEOJSON)


@router.get("/sites/radii", summary="Radius per site kind (settings)")
def site_radii() -> dict[str, float]:
    """Metres around each kind of site within which a house counts as near it (no national rule)."""
    return radii()


@router.get("/sites/{site_id}/houses", summary="Houses near a site", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}}})  # fmt: skip
def site_houses(session: SessionDep, site_id: int) -> Response:
    """Every house within the site kind's radius, nearest first, with its hazard."""
    return Response(houses_near_site(session, site_id), media_type=GEOJSON)
