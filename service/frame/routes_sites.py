"""Sensitive sites (colleges, schools, kindergartens, hospitals) and the houses near them.

Every route needs ``read``. A site is in scope if its county is: a site outside the scope is not found
(404), an explicit unit outside it is refused (403), and only houses in scope are listed or counted.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from geo.enums import DivisionLevel, SiteKind
from service.accounts.deps import Reader
from service.core.db import SessionDep
from service.core.settings import SettingsDep
from service.divisions.queries import require_division
from service.divisions.routes import GEOJSON
from service.frame.houses import BBox, houses_near_site, sites_geojson
from service.frame.schemas import BBoxParam, Radii, SiteId, UnitCode

router = APIRouter(prefix="/api/v1", tags=["sites"])


@router.get("/sites", summary="敏感场所: sensitive sites", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}})  # fmt: skip
def sites(
    principal: Reader,
    session: SessionDep,
    kind: SiteKind | None = None,
    unit: UnitCode = None,
    bbox: BBoxParam = None,
) -> Response:
    """Sites in scope with the number of houses in scope whose nearest site of that kind they are."""
    if unit is not None:
        require_division(session, unit, DivisionLevel.COUNTY)
        principal.scope.require_unit(unit)
    body = sites_geojson(session, principal.scope, kind, unit, BBox.parse(bbox))
    return Response(body, media_type=GEOJSON)


@router.get("/sites/radii", summary="Radius per site kind (settings)", response_model=Radii)
def site_radii(principal: Reader, settings: SettingsDep) -> dict[str, float]:
    """Metres around each kind of site within which a house counts as near it (no national rule)."""
    return settings.radius.model_dump()


@router.get("/sites/{site_id}/houses", summary="Houses near a site", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}})  # fmt: skip
def site_houses(principal: Reader, session: SessionDep, settings: SettingsDep, site_id: SiteId) -> Response:
    """Every house in scope within the site kind's radius, nearest first, with its hazard."""
    body = houses_near_site(session, principal.scope, site_id, settings.radius.model_dump())
    return Response(body, media_type=GEOJSON)
