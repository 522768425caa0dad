"""Request and response bodies of the document review API (/api/v1/evaluation/review)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from service.followup.schemas import plain_text

Key = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


def _comment(value: str) -> str:
    return plain_text(value)


class ItemOut(BaseModel):
    """One checklist item."""

    key: str
    position: int
    title: str
    guidance: str
    weight: float


class ChecklistOut(BaseModel):
    """A year's checklist with its weights (they sum to 100)."""

    year: int
    title: str
    source: str
    version: int
    updated_at: dt.datetime
    items: list[ItemOut]


class WeightsIn(BaseModel):
    """New weights of some or all items of a year's checklist; afterwards every weight is positive and the
    weights sum to 100 (refused otherwise)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the checklist's version as read")
    weights: dict[Key, Annotated[float, Field(gt=0, le=100)]] = Field(min_length=1, max_length=50)


class ScoreIn(BaseModel):
    """The firm's score of one item in one county."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=100, multiple_of=0.01, description="0–100, at most two decimals")
    comment: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_comment)]
    version: int | None = Field(
        default=None, ge=1, description="the score's version as read; omitted for an item not scored yet"
    )


class EvidenceOut(BaseModel):
    """One evidence file (its content at ``/api/v1/evaluation/review/evidence/{id}``)."""

    id: int
    item_key: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
    synthetic: bool


class LineOut(BaseModel):
    """One item's state in one county."""

    key: str
    title: str
    guidance: str
    weight: float
    score: float | None
    comment: str
    version: int | None
    scored_by: str | None
    scored_at: dt.datetime | None
    synthetic: bool
    evidence: list[EvidenceOut]


class UnitLine(BaseModel):
    """One item's score in the comparison across counties."""

    key: str
    title: str
    weight: float
    score: float | None
    comment: str
    evidence: int


class UnitSummaryOut(BaseModel):
    """A county's total (weighted mean of its scored items, 0–100; null when none is scored)."""

    unit_code: str
    unit_name: str
    city_name: str | None
    total: float | None
    scored: int
    items: int
    synthetic: bool
    lines: list[UnitLine]


class ComparisonOut(BaseModel):
    """Every county of the year in the caller's scope, with the checklist it is scored against."""

    year: int
    checklist: ChecklistOut
    units: list[UnitSummaryOut]
    item_means: dict[str, float | None] = Field(description="per item, the mean score of the counties scored")
    synthetic: bool


class UnitReviewOut(BaseModel):
    """One county's review: every item with its score, comment and evidence."""

    year: int
    unit_code: str
    unit_name: str
    city_name: str | None
    total: float | None
    scored: int
    items: int
    synthetic: bool
    checklist_version: int
    lines: list[LineOut]


class YearsOut(BaseModel):
    """The years with a drawn county or a checklist, and the one shown by default (the newest drawn)."""

    years: list[int]
    default: int | None
