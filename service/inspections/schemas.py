"""Request and response models of the inspections API. Positions are CGCS2000 lon/lat (EPSG:4490) unless a
field says otherwise (a phone's position is WGS84, EPSG:4326, equal at map scale; GCJ-02 is converted)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

BigId = Annotated[int, Field(ge=1, le=2**63 - 1)]
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交待审核", "approved": "审核通过", "returned": "退回修改"}


class PositionIn(BaseModel):
    """Where the phone was (the browser's geolocation), with its accuracy."""

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    crs: Literal["EPSG:4326", "EPSG:4490", "GCJ-02"] = "EPSG:4326"
    at: dt.datetime | None = None


class InspectionIn(BaseModel):
    """A draft saved or a form submitted from the phone; ``version`` is the version it was made from (0: new)."""

    draw_id: BigId
    house_id: BigId
    version: int = Field(ge=0, le=2**31 - 1)
    form_version: str = Field(default="v1", min_length=1, max_length=20)
    answers: dict[str, Any] = Field(default_factory=dict, max_length=300)
    opened: PositionIn | None = Field(default=None, description="The position when the form was opened")
    opened_at: dt.datetime | None = None
    submit: bool = Field(default=False, description="Submit for review (the whole form is checked)")
    submitted: PositionIn | None = Field(default=None, description="The position when the form was sent")

    @model_validator(mode="after")
    def _times(self) -> InspectionIn:
        for t in (self.opened_at, self.opened.at if self.opened else None):
            if t is not None and t.tzinfo is None:
                raise ValueError("时间须带时区（如 +08:00）")
        return self


class ProblemOut(BaseModel):
    """What is still missing or inconsistent in the answers (the form's own Chinese message)."""

    field: str
    code: str
    message: str


class PhotoOut(BaseModel):
    """A photo of an inspection and what its EXIF says."""

    id: int
    client_id: uuid.UUID
    content_type: str
    width: int
    height: int
    size_bytes: int
    caption: str | None
    taken_at: dt.datetime | None = Field(description="EXIF DateTimeOriginal (the camera's clock)")
    exif_lon: float | None
    exif_lat: float | None
    exif_distance_m: float | None = Field(description="Metres from the house to the photo's EXIF GPS position")
    far: bool = Field(description="EXIF position farther from the house than the radius setting")
    url: str


class ReviewOut(BaseModel):
    """One review step."""

    action: Literal["submit", "approve", "return"]
    comment: str | None
    version: int
    by: str
    at: dt.datetime


class PositionOut(BaseModel):
    """A stored position of the phone (CGCS2000 lon/lat) and its accuracy."""

    lon: float
    lat: float
    accuracy_m: float | None


class InspectionOut(BaseModel):
    """An inspection with its answers, derived results, positions, photos and review steps."""

    id: int
    client_id: uuid.UUID
    draw_id: int
    house_id: int
    survey_code: str
    unit_code: str
    team_id: int
    form_version: str
    status: Literal["draft", "submitted", "approved", "returned"]
    status_label: str
    version: int
    answers: dict[str, Any]
    summary: dict[str, Any]
    problems: list[ProblemOut] = Field(description="What the form still lacks before it can be submitted")
    opened_at: dt.datetime | None
    opened_distance_m: float | None
    submitted_at: dt.datetime | None
    submitted_distance_m: float | None
    position_warnings: list[str] = Field(description="Chinese warnings: a position far from the house")
    opened_position: PositionOut | None = None
    submitted_position: PositionOut | None = None
    photos: list[PhotoOut]
    reviews: list[ReviewOut]
    synthetic: bool
    updated_at: dt.datetime
    updated_by: str


class HouseFormOut(BaseModel):
    """What the phone needs to inspect one house: the registry record, the form's version, the inspection."""

    draw_id: int
    house_id: int
    survey_code: str
    unit_code: str
    team_id: int
    lon: float
    lat: float
    registry: dict[str, Any] = Field(description="The platform's record of the house and its open hazard")
    form_version: str
    radius_m: float
    inspection: InspectionOut | None
    synthetic: bool
    crs: str = "EPSG:4490"


class ReviewIn(BaseModel):
    """Approve, or return with comments; ``version`` is the version reviewed (a stale one is a 409)."""

    action: Literal["approve", "return"]
    comment: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _comment(self) -> ReviewIn:
        if self.action == "return" and not (self.comment or "").strip():
            raise ValueError("退回修改时须写明意见")
        return self


class FlagOut(BaseModel):
    """Something a reviewer should look at (Chinese label): a position or photo far from the house or
    without EXIF, or a serious finding."""

    code: str
    kind: Literal["position", "photo", "finding"]
    label: str


class InspectionListItem(BaseModel):
    """A line of the inspections list (and of the review queue)."""

    id: int
    draw_id: int
    house_id: int
    survey_code: str
    address: str | None = None
    unit_code: str
    unit_name: str | None = None
    team_id: int
    team_name: str
    status: str
    status_label: str
    version: int
    photos: int
    far: bool = Field(description="The opened or submitted position farther from the house than the radius")
    opened_distance_m: float | None = None
    submitted_distance_m: float | None = None
    photos_far: int = Field(default=0, description="Photos whose EXIF position is beyond the radius")
    photos_without_gps: int = 0
    photos_without_time: int = 0
    summary: dict[str, Any]
    result_class: str | None = Field(default=None, description="geo.inspection_results class; none for a draft")
    result_label: str | None = None
    result_colour: str | None = None
    flags: list[FlagOut] = Field(default_factory=list)
    submitted_at: dt.datetime | None
    updated_at: dt.datetime
    synthetic: bool
