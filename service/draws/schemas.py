"""Request and response models of the draws and plans API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.draws.service import REPLACEMENT_REASONS

Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="Numeric id")]


class DrawIn(BaseModel):
    """A new draw of a plan (the account that runs it is the caller)."""

    plan_id: int = Field(ge=1, le=2**63 - 1)
    seed: str = Field(
        min_length=1,
        max_length=500,
        description="Public value fixed in advance, e.g. a lottery result and date",
    )
    seed_commitment_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1,
        description="The seed commitment of the plan the seed is read from (fixed before the draw); optional",
    )


class SeedCommitmentIn(BaseModel):
    """Where a plan's seed will come from, said before the draw."""

    source: str = Field(min_length=4, max_length=500,
                        description="e.g. 中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖")  # fmt: skip
    public_at: dt.datetime | None = Field(
        default=None, description="When the value becomes public (no zone: Beijing time); optional",
    )

    @field_validator("public_at", mode="before")
    @classmethod
    def _a_written_time(cls, value: object) -> object:
        if value is not None and not isinstance(value, str):
            raise ValueError("公布时间应写成日期时间，如 2024-10-21T21:15")
        return value

    @field_validator("public_at")
    @classmethod
    def _a_plausible_time(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValueError("公布时间须在 2000 年至 2100 年之间")
        return value


class SeedCommitmentOut(BaseModel):
    """A seed commitment: source, when it was fixed (server time) and by whom, the draw that used it."""

    id: int
    plan_id: int
    source: str
    public_at: dt.datetime | None
    fixed_at: dt.datetime
    fixed_by: str
    account_id: int
    used_by_draw_id: int | None


class ReplacementIn(BaseModel):
    """A drawn house that cannot be visited."""

    house_id: int = Field(ge=1, le=2**63 - 1)
    reason: Literal[tuple(REPLACEMENT_REASONS)]  # type: ignore[valid-type]
    note: str | None = Field(default=None, max_length=2000)


class DrawUnitOut(BaseModel):
    """A drawn unit: why, with what probability, what was asked and drawn."""

    unit_code: str
    unit_name: str
    city_code: str
    city_name: str
    reason: str
    inclusion_probability: float
    unit_order: int
    group_name: str | None
    firm: str | None
    houses_requested: int | None
    commercial_min: int | None
    commercial_drawn: int | None
    frame_size: int | None
    shortfalls: list[dict[str, Any]]
    houses_drawn: int


class DrawEventOut(BaseModel):
    """An entry of the draw's event log, naming the account that acted."""

    id: int
    kind: str
    house_id: int | None
    survey_code: str | None
    replacement_house_id: int | None
    replacement_survey_code: str | None
    reason: str | None
    actor: str | None
    account_id: int | None
    note: str | None
    detail: dict[str, Any]
    at: dt.datetime


class DrawOut(BaseModel):
    """A draw's record (units and events limited to the caller's scope)."""

    id: int
    plan_id: int
    seed: str
    algorithm_version: str
    status: str
    status_label: str
    frame_digest: str | None
    frame_size: int | None
    result_digest: str | None
    created_by: str | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    seed_commitment: SeedCommitmentOut | None = Field(description="The commitment the seed was read from")
    seed_warnings: list[str] = Field(description="Chinese warnings about the seed's commitment (none: fine)")
    replacement_reasons: dict[str, str] = Field(description="Replacement reason codes and their Chinese labels")
    units: list[DrawUnitOut]
    events: list[DrawEventOut]


class DrawListItem(BaseModel):
    """A draw in the list."""

    id: int
    plan_id: int
    plan_name: str
    seed: str
    status: str
    created_by: str | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    seed_commitment_id: int | None


class VerificationOut(BaseModel):
    """What verify proved, check by check."""

    draw_id: int
    identical: bool
    checks: dict[str, bool]
    details: dict[str, Any]


class ReplacementOut(BaseModel):
    """The replacement taken for a house."""

    draw_id: int
    house_id: int
    survey_code: str
    replacement_house_id: int
    replacement_survey_code: str
    team_id: int | None = Field(description="The field team the replacement was handed to (the replaced house's)")


class CoverageOut(BaseModel):
    """Coverage per unit and overall, with Chinese verdicts (see geo.coverage for every field)."""

    model_config = ConfigDict(extra="allow")

    draw_id: int
    replicates: int
    overall: dict[str, Any]
    units: list[dict[str, Any]]


class EstimateCounts(BaseModel):
    """The draw's sampled houses (in the scope) by the state of their inspection."""

    drawn: int
    approved: int
    pending_review: int = Field(description="Submitted, awaiting review: counted only with include_submitted")
    in_progress: int = Field(description="Draft or returned to the team")
    used: int = Field(description="Houses whose results the estimates read")


class IndicatorOut(BaseModel):
    """An estimated indicator: a share (logit-scale CI) or a mean count (identity-scale CI)."""

    key: str
    label: str
    kind: Literal["share", "mean"]
    domain: str
    scale: Literal["logit", "identity"]


class EstimatesOut(BaseModel):
    """Design-weighted estimates of four indicators per unit, city and province (service/draws/estimates.py).

    ``estimates[indicator][level]`` lists one estimate per unit, city or the province (code 620000; a
    partial scope's total) with estimate, ci_low, ci_high, se, df, n (houses with a result), drawn, scale
    ("logit", "identity" or "exact"), method, n_eff, weight_total, name."""

    draw_id: int
    source: Literal["inspections", "simulated"]
    simulated: bool
    simulated_share: float | None
    synthetic: bool = Field(description="The draw is on the synthetic demo frame")
    include_submitted: bool
    scope: str
    counts: EstimateCounts
    indicators: list[IndicatorOut]
    estimates: dict[str, dict[str, list[dict[str, Any]]]]
    note: str | None


class PlanOut(BaseModel):
    """A stored plan with its canonical spec and digest."""

    id: int
    name: str
    year: int
    deadline: dt.date | None
    source: str
    spec_sha256: str
    spec: dict[str, Any]
    created_at: dt.datetime
    created_by: str | None
