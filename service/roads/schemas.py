"""Response models and parameter types of the road networks API."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field

MAX_ID = 2**63 - 1

NetworkId = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id of a road network")]


class CoveredUnit(BaseModel):
    """How a network reaches one sampling unit's hazardous houses (docs/roads.md, coverage rule)."""

    code: str
    name: str
    houses: int = Field(description="Hazardous houses (open hazard record) of the unit")
    reached: int = Field(description="Of them, within 2 km of a vertex of the network")
    covered: bool = Field(description="reached ≥ 95 % of houses: the road provider may plan the unit")


class RoadNetworkOut(BaseModel):
    """A road network with its provenance, size and the units it reaches."""

    id: int
    name: str
    source: str
    version: str
    licence: str
    declared_crs: str = Field(description="The CRS the file was declared in (stored as EPSG:4490)")
    synthetic: bool = Field(description="Generated (the demo network), not real roads")
    filename: str | None
    file_sha256: str | None
    note: str | None
    imported_by_account_id: int | None
    imported_by: str
    imported_at: datetime.datetime
    lines: int = Field(description="Features read from the file")
    edges: int = Field(description="Edges after noding (split at shared vertices and crossings)")
    vertices: int
    components: int = Field(description="Weakly connected components")
    length_km: float
    bbox: list[float] | None = Field(description="min_lon, min_lat, max_lon, max_lat (EPSG:4490)")
    units: list[CoveredUnit]
    covered_units: list[str] = Field(description="Codes of the units the network covers")


class RoadImportOut(RoadNetworkOut):
    """The network an import made, and how long it took."""

    seconds: float
