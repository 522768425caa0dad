"""Response models and parameter types of the map API (tiles, GeoJSON and HTML routes document their type)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, Field

MAX_ID = 2**63 - 1

DivisionCode = Annotated[str, Path(max_length=12, description="Sampling unit (county-level) code")]
DrawId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Also show the houses this draw chose")]
TileZ = Annotated[int, Path(ge=0, le=22, description="Zoom")]
TileXY = Annotated[int, Path(ge=0, le=2**22 - 1, description="Tile column or row at that zoom")]
ParentCode = Annotated[
    str | None, Query(max_length=12, description="City code for counties, county code for townships")
]
SummaryCode = Annotated[
    str | None, Query(max_length=12, description="Division code (any level); the province by default")
]


class Basemap(BaseModel):
    """A basemap the map page may offer (none needs the internet unless switched on in the settings)."""

    id: str
    name: str
    url: str | None = None
    attribution: str | None = None
    subdomains: str | None = None


class MapConfig(BaseModel):
    """What the map page needs to start."""

    basemaps: list[Basemap]
    default_basemap: str
    center: list[float] = Field(description="[lat, lon] of the first view")
    zoom: int
    max_zoom: int
    house_tiles: str = Field(description="URL template of the vector tiles of hazardous houses")
    cluster_below_zoom: int = Field(
        description="Below this zoom tiles carry counted clusters, from it houses"
    )
    min_zoom: int
    synthetic_frame: bool = Field(
        description="Whether the houses in the caller's scope include synthetic ones"
    )
    status_colors: dict[str, str] = Field(description="Colour per rectification status code")
    crs_note: str


class KeyFigures(BaseModel):
    """Key figures of a division, counted over the houses in the caller's scope."""

    code: str
    name: str
    level: str
    houses: int
    hazardous: int = Field(description="Houses with an open hazard record")
    collapse_risk: int
    pending: int
    in_progress: int
    done: int
    closed_out: int
    overdue: int = Field(description="Hazardous, not rectified, past the rectification deadline")
    near_school_hazardous: int
    rectified_share: float | None = Field(description="done / hazardous (null without hazardous houses)")
    synthetic: bool
    scope: str = Field(description="The caller's scope, in words (全省 for the whole province)")
    partial: bool = Field(
        description="The division reaches beyond the caller's scope: the figures cover only its part in scope"
    )
