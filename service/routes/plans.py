"""Sampling plans: create from a body or a preset, list, read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from service.db import SessionDep
from service.plans import create_plan, get_plan, list_plans, parse_spec, preset

router = APIRouter(prefix="/api/v1/plans", tags=["draws"])


def _out(plan) -> dict[str, Any]:
    return {"id": plan.id, "name": plan.name, "year": plan.year, "deadline": plan.deadline, "source": plan.source,
            "spec_sha256": plan.spec_sha256, "spec": plan.spec, "created_at": plan.created_at}  # fmt: skip


@router.post("", summary="Create a sampling plan", status_code=201)
def create(
    session: SessionDep, spec: Annotated[dict[str, Any], Body(description="A plan (see service/plans.py)")]
) -> dict:
    """Validate and store a plan; its units are checked against the sampling units."""
    plan = create_plan(session, parse_spec(spec), source="api")
    session.commit()
    return _out(plan)


@router.post("/presets/{name}", summary="Create a plan from a preset (gansu-2024)", status_code=201)
def from_preset(session: SessionDep, name: str) -> dict:
    """The 2024 notice's appendix as a plan: four groups, 42 fixed units, 20 houses each, 12 commercial."""
    plan = create_plan(session, preset(name), source=f"preset:{name}")
    session.commit()
    return _out(plan)


@router.get("", summary="Sampling plans")
def plans(session: SessionDep) -> list[dict]:
    """Every plan, newest first."""
    return [_out(p) for p in list_plans(session)]


@router.get("/{plan_id}", summary="One sampling plan")
def plan(session: SessionDep, plan_id: int) -> dict:
    """A plan with its spec and digest."""
    return _out(get_plan(session, plan_id)[0])
