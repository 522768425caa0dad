"""Sampling plans as data: a JSON file or API body, validated, stored with its digest.

A plan says how many county-level units each city draws (default 3, 兰州 5, the city seat always in;
嘉峪关 and 兰州新区 stand alone), how many hazardous houses each unit draws (default 20) with how many
commercial ones at least (default 12), per-unit overrides, the groups (third-party firms) and their units,
and the deadline. ``fixed_units`` makes a plan whose units are given (the 2024 notice's appendix, shipped
as the preset ``gansu-2024``): it needs no county draw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib.resources import files

from pydantic import BaseModel, Field, ValidationError, model_validator
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.core.errors import InvalidInput, NotFound
from service.draws.models import SamplingPlan

PRESETS = ("gansu-2024",)


class UnitOverride(BaseModel):
    """Different numbers for one unit."""

    houses: int | None = Field(default=None, ge=1, le=500)
    commercial_min: int | None = Field(default=None, ge=0, le=500)


class Group(BaseModel):
    """A group: one third-party firm and the units it evaluates."""

    name: str
    firm: str
    units: list[str]


class PlanSpec(BaseModel):
    """The rules of one draw."""

    name: str = Field(min_length=1)
    year: int = Field(ge=2022, le=2100)
    deadline: dt.date | None = None
    source_document: str | None = None
    default_units_per_city: int = Field(default=3, ge=1, le=30)
    units_per_city: dict[str, int] = Field(default_factory=lambda: {"620100": 5})
    fixed_units: list[str] | None = None
    include_units: list[str] = Field(default_factory=list)
    exclude_units: list[str] = Field(default_factory=list)
    houses_per_unit: int = Field(default=20, ge=1, le=500)
    commercial_min: int = Field(default=12, ge=0, le=500)
    unit_overrides: dict[str, UnitOverride] = Field(default_factory=dict)
    groups: list[Group] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> PlanSpec:
        if self.commercial_min > self.houses_per_unit:
            raise ValueError("commercial_min cannot exceed houses_per_unit")
        for code, o in self.unit_overrides.items():
            houses = o.houses or self.houses_per_unit
            if (o.commercial_min if o.commercial_min is not None else self.commercial_min) > houses:
                raise ValueError(f"unit {code}: commercial_min cannot exceed its houses")
        grouped = [u for g in self.groups for u in g.units]
        if len(grouped) != len(set(grouped)):
            raise ValueError("a unit is in more than one group")
        return self

    def houses_for(self, unit: str) -> tuple[int, int]:
        """(houses to draw, commercial minimum) for a unit."""
        o = self.unit_overrides.get(unit)
        houses = o.houses if o and o.houses else self.houses_per_unit
        minimum = o.commercial_min if o and o.commercial_min is not None else self.commercial_min
        return houses, min(minimum, houses)

    def group_of(self, unit: str) -> Group | None:
        """The group a unit is assigned to, if any."""
        return next((g for g in self.groups if unit in g.units), None)

    def canonical(self) -> str:
        """The plan as canonical JSON (sorted keys): what its digest is computed over."""
        return json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )


def preset(name: str) -> PlanSpec:
    """A shipped plan: ``gansu-2024`` is the notice's appendix (four groups, 42 units)."""
    if name not in PRESETS:
        raise NotFound(
            f"没有名为“{name}”的预置方案（可用：{'、'.join(PRESETS)}）。",
            f"No preset {name!r}; presets: {PRESETS}.",
        )
    return PlanSpec.model_validate_json(
        files("service.draws").joinpath("presets", f"{name}.json").read_text(encoding="utf-8")
    )


def parse_spec(data: str | dict) -> PlanSpec:
    """Validate a plan, with a message a person can act on."""
    try:
        return PlanSpec.model_validate_json(data) if isinstance(data, str) else PlanSpec.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'plan'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidInput(f"抽样方案无效：{details}", f"Invalid sampling plan: {details}") from exc


def _check_units(session: Session, spec: PlanSpec) -> None:
    known = set(session.execute(text("SELECT code FROM sampling_unit")).scalars())
    cities = set(session.execute(text("SELECT code FROM division WHERE level = 'city'")).scalars())
    named = [
        *(spec.fixed_units or []), *spec.include_units, *spec.exclude_units, *spec.unit_overrides,
        *(u for g in spec.groups for u in g.units),
    ]  # fmt: skip
    unknown = sorted({u for u in named if u not in known})
    if unknown:
        raise InvalidInput(
            f"方案中的抽样单元代码不存在：{'、'.join(unknown)}。可用代码见 /api/v1/sampling-units。",
            f"Unknown sampling unit codes in the plan: {unknown}; see /api/v1/sampling-units.",
        )
    bad_cities = sorted(c for c in spec.units_per_city if c not in cities)
    if bad_cities:
        raise InvalidInput(
            f"方案中的市州代码不存在：{'、'.join(bad_cities)}。",
            f"Unknown city codes in the plan: {bad_cities}.",
        )


def create_plan(session: Session, spec: PlanSpec, source: str) -> SamplingPlan:
    """Store a validated plan (its units checked against the database) with its digest."""
    _check_units(session, spec)
    canonical = spec.canonical()
    plan = SamplingPlan(
        name=spec.name,
        year=spec.year,
        deadline=spec.deadline,
        spec=json.loads(canonical),
        spec_sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        source=source,
    )
    session.add(plan)
    session.flush()
    from service.fieldwork.firms import ensure_firms  # the plan's groups become firms

    ensure_firms(session, plan.id)
    return plan


def get_plan(session: Session, plan_id: int) -> tuple[SamplingPlan, PlanSpec]:
    """A stored plan and its parsed spec."""
    plan = session.get(SamplingPlan, plan_id)
    if plan is None:
        raise NotFound(f"未找到编号为 {plan_id} 的抽样方案。", f"No sampling plan has the id {plan_id}.")
    return plan, PlanSpec.model_validate(plan.spec)


def list_plans(session: Session) -> list[SamplingPlan]:
    """Every stored plan, newest first."""
    return list(session.scalars(select(SamplingPlan).order_by(SamplingPlan.id.desc())))
