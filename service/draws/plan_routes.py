"""Sampling plans: create from a body or a preset, list, read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from service.accounts.deps import DrawsReader, Permit
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.db import SessionDep
from service.draws.plans import create_plan, get_plan, list_plans, parse_spec, preset
from service.draws.schemas import Id, PlanOut

router = APIRouter(prefix="/api/v1/plans", tags=["draws"])
Planner = Permit(Permission.PLAN)


def _out(plan) -> PlanOut:
    return PlanOut.model_validate(plan, from_attributes=True)


@router.post("", summary="Create a sampling plan", status_code=201, response_model=PlanOut)
def create(
    principal: Planner, session: SessionDep,
    spec: Annotated[dict[str, Any], Body(description="A plan (see service/draws/plans.py)")],
) -> PlanOut:  # fmt: skip
    """Validate and store a plan; its units are checked against the sampling units."""
    plan = create_plan(session, parse_spec(spec), source="api")
    record(
        session, principal.actor, "plan_create", "sampling_plan", plan.id, detail={"sha256": plan.spec_sha256}
    )
    session.commit()
    return _out(plan)


@router.post("/presets/{name}", summary="Create a plan from a preset (gansu-2024)", status_code=201,
             response_model=PlanOut)  # fmt: skip
def from_preset(
    principal: Planner, session: SessionDep, name: Annotated[str, Path(max_length=64)]
) -> PlanOut:
    """The 2024 notice's appendix as a plan: four groups, 42 fixed units, 20 houses each, 12 commercial."""
    plan = create_plan(session, preset(name), source=f"preset:{name}")
    record(session, principal.actor, "plan_create", "sampling_plan", plan.id, detail={"preset": name})
    session.commit()
    return _out(plan)


@router.get("", summary="Sampling plans", response_model=list[PlanOut])
def plans(principal: DrawsReader, session: SessionDep) -> list[PlanOut]:
    """Every plan, newest first."""
    return [_out(p) for p in list_plans(session)]


@router.get("/{plan_id}", summary="One sampling plan", response_model=PlanOut)
def plan(principal: DrawsReader, session: SessionDep, plan_id: Id) -> PlanOut:
    """A plan with its spec and digest."""
    return _out(get_plan(session, plan_id)[0])
