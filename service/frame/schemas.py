"""Response models and parameter types of the houses and sites API (GeoJSON routes document their type)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

MAX_ID = 2**63 - 1  # bigint: a larger id is a 422, never a database error

SiteId = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id of a sensitive site")]
HouseKey = Annotated[
    str, Path(min_length=1, max_length=64, description="Database id or survey code (自建房排查编码)")
]
UnitCode = Annotated[str | None, Query(max_length=12, description="Sampling unit (county-level) code")]
TownshipCode = Annotated[str | None, Query(max_length=12, description="Township code (9 digits)")]
BBoxParam = Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat (CGCS2000)")]


class SiteNearHouse(BaseModel):
    """A sensitive site within its kind's radius of a house (geodesic metres on CGCS2000)."""

    id: int
    kind: str = Field(description="college, school, kindergarten or hospital")
    name: str
    county_code: str | None
    synthetic: bool
    radius_m: float = Field(description="The radius of the site's kind (settings)")
    distance_m: float
    lon: float
    lat: float


class ProximityRow(BaseModel):
    """Houses of a sampling unit or city (in the caller's scope) and how many lie near each kind of site."""

    code: str
    name: str
    houses: int
    hazardous: int = Field(description="Houses with an open hazard record")
    near_any: int
    hazardous_near_any: int
    near_college: int
    near_school: int
    near_kindergarten: int
    near_hospital: int
    hazardous_near_college: int
    hazardous_near_school: int
    hazardous_near_kindergarten: int
    hazardous_near_hospital: int


class Radii(BaseModel):
    """Metres around each kind of site within which a house counts as near it (``SPOTCHECK_RADIUS_*``)."""

    college: float
    school: float
    kindergarten: float
    hospital: float


class ReportEntry(BaseModel):
    """One problem of an import, by row (1 = the header row) and column."""

    row: int | None
    column: str | None
    value: Any = None
    code: str
    message: str


class ImportResultOut(BaseModel):
    """What an import did (200) or why it changed nothing (422), with the row-level report."""

    kind: str
    filename: str
    committed: bool
    batch_id: int | None
    rows: int
    inserted: int
    updated: int
    seconds: float
    phases: dict[str, float]
    source: dict | None
    error_count: int
    warning_count: int
    errors_by_code: dict[str, int]
    warnings_by_code: dict[str, int]
    errors: list[ReportEntry]
    warnings: list[ReportEntry]
    detail_limit: int


class ImportBatchOut(BaseModel):
    """A committed import."""

    id: int
    kind: str
    filename: str
    file_sha256: str
    format: str
    encoding: str | None
    declared_crs: str | None
    rows: int
    inserted: int
    updated: int
    warnings: list
    mapping: dict
    seconds: float | None
    synthetic: bool
    created_at: datetime.datetime
