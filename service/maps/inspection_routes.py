"""The maps' inspected houses (GeoJSON) and the firms' progress against the deadline.

``GET /api/v1/maps/inspections.geojson`` needs ``inspections.read`` (every role, within its scope: only
published draws' submitted or approved inspections); ``GET /api/v1/field/progress`` needs ``field.read``
(the provincial office, firms, inspectors, leaders: the firms they may see, counted within their scope).
Included by ``service.maps.routes``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.divisions.routes import GEOJSON
from service.fieldwork import firms as F
from service.maps import inspections as maps
from service.maps.schemas import MAX_ID

router = APIRouter()  # included by service.maps.routes, which tags it "maps"
InspectionReader = Permit(Permission.INSPECT_READ)
FieldReader = Permit(Permission.FIELD_READ)
UnitCode = Annotated[str | None, Query(pattern=r"^[0-9]{6,12}$", description="One sampling unit only (county code)")]
DrawId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="A published draw (default: the newest)")]


class FirmProgressOut(BaseModel):
    """One firm's progress in its plan's newest published draw, within the caller's scope."""

    firm_id: int
    firm_name: str
    group_name: str
    plan_id: int
    draw_id: int
    deadline: dt.date | None
    started: dt.date = Field(description="Start of field work: first inspection opened, else first planned day, "
                                         "else the draw's publication")  # fmt: skip
    drawn: int = Field(description="Sample houses drawn in the firm's units")
    inspected: int = Field(description="Inspections submitted or approved")
    approved: int
    share: float = Field(description="inspected / drawn")
    expected_share: float | None = Field(description="Share expected by today on a straight line from the start "
                                                     "to the deadline")  # fmt: skip
    days_left: int | None
    status: str = Field(description="done, on_track, behind (more than `tolerance` below), overdue, no_deadline, "
                                    "not_started")  # fmt: skip
    status_label: str
    synthetic: bool


class ProgressOut(BaseModel):
    """The firms' progress against their deadlines (today: Asia/Shanghai)."""

    today: dt.date
    tolerance: float
    firms: list[FirmProgressOut]
    synthetic: bool


@router.get("/maps/inspections.geojson", summary="Inspected houses coloured by result", response_class=JSONResponse,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection, CGCS2000 lon/lat "
                                                                      "(EPSG:4490), with `classes` for the legend"}})  # fmt: skip
def inspections_geojson(principal: InspectionReader, session: SessionDep, draw_id: DrawId = None,
                        unit: UnitCode = None) -> JSONResponse:
    """Submitted and approved inspections of a published draw (default: the newest) within the caller's scope,
    each with its result class (confirmed, record wrong, 数字整治, collapse risk controlled or not) and label,
    survey code, date and team; ``classes`` gives each class's Chinese label, colour and count. An unknown or
    unpublished draw is a 404 alike."""
    return JSONResponse(maps.inspections_geojson(session, principal.scope, draw_id, unit), media_type=GEOJSON)


@router.get("/field/progress", summary="Every firm's progress against its deadline", response_model=ProgressOut)
def field_progress(principal: FieldReader, session: SessionDep) -> dict:
    """Per firm the caller may see: houses drawn, inspected (submitted + approved), approved, the share, the share
    expected by today (straight line from the start of field work to the deadline), days left and a verdict."""
    firms = F.visible_firms(session, F.field_caller(session, principal))
    return maps.progress(session, principal.scope, [f.id for f in firms])
