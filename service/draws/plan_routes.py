"""Sampling plans: create from a body or a preset, list, read; each names the account that made it. A plan's
seed commitments (service/draws/seeds.py) are under /api/v1/plans/{plan_id}/seed-commitments."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from pydantic import ValidationError

from service.accounts.deps import DrawsReader, Permit
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.db import SessionDep
from service.core.error_handlers import _TYPES_ZH
from service.core.errors import InvalidInput
from service.draws import seeds
from service.draws.plans import PlanSpec, create_plan, get_plan, list_plans, preset
from service.draws.schemas import Id, PlanOut

router = APIRouter(prefix="/api/v1/plans", tags=["draws"])
Planner = Permit(Permission.PLAN)


def _out(plan) -> PlanOut:
    return PlanOut.model_validate(plan, from_attributes=True)


# What a planner reads for each field of a plan, and for the plan's own consistency rules.
FIELDS_ZH = {
    "name": "方案名称", "year": "年度", "deadline": "截止日期", "source_document": "依据文件",
    "default_units_per_city": "每市州默认抽取县区数", "units_per_city": "各市州抽取县区数",
    "fixed_units": "指定县区", "include_units": "必抽县区", "exclude_units": "不抽县区",
    "houses_per_unit": "每县区抽取房屋数", "commercial_min": "经营性房屋最低数", "unit_overrides": "单元调整",
    "houses": "抽取房屋数", "groups": "分组", "firm": "第三方机构", "units": "县区",
}  # fmt: skip
RULES_ZH = [
    (re.compile(r"commercial_min cannot exceed houses_per_unit"), "经营性房屋最低数不能大于每县区抽取房屋数"),
    (re.compile(r"unit (\S+): commercial_min cannot exceed its houses"), r"单元 \1 的经营性房屋最低数不能大于其抽取房屋数"),
    (re.compile(r"a unit is in more than one group"), "同一县区不能分在两个组"),
]


def _where(loc: tuple) -> str:
    parts = []
    for i, p in enumerate(loc):
        if isinstance(p, int):
            parts.append(f"第 {p + 1} 项")
        elif p == "name" and i > 0:
            parts.append("组名")
        else:
            parts.append(FIELDS_ZH.get(str(p), str(p)))
    return " ".join(parts) or "方案"


def _problem(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "value_error":
        message = str(ctx.get("error", error.get("msg", "")))
        for pattern, zh in RULES_ZH:
            if pattern.search(message):
                return pattern.sub(zh, pattern.search(message).group(0))
    zh = _TYPES_ZH.get(kind, "取值无效")
    if "ge" in ctx or "gt" in ctx:
        zh += f"（不能小于 {ctx.get('ge', ctx.get('gt'))}）"
    elif "le" in ctx or "lt" in ctx:
        zh += f"（不能大于 {ctx.get('le', ctx.get('lt'))}）"
    elif "min_length" in ctx:
        zh += f"（至少 {ctx['min_length']} 项或字符）"
    return f"{_where(error.get('loc', ()))}：{zh}"


def parse_plan(data: dict[str, Any]) -> PlanSpec:
    """A plan from the API, or an InvalidInput listing every problem in Chinese (field names as planners
    read them)."""
    try:
        spec = PlanSpec.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors()[:20]]
        raise InvalidInput(f"抽样方案无效：{'；'.join(problems)}。", f"Invalid sampling plan: {exc}") from exc
    counts = sorted(c for c, n in spec.units_per_city.items() if not 1 <= n <= 30)
    if counts:
        raise InvalidInput(f"抽样方案无效：各市州抽取县区数 {'、'.join(counts)} 须在 1 至 30 之间。",
                           f"Invalid sampling plan: units_per_city of {counts} must be 1 to 30.")  # fmt: skip
    blank = [i + 1 for i, g in enumerate(spec.groups) if not g.name.strip() or not g.firm.strip()]
    if blank:
        raise InvalidInput(f"抽样方案无效：分组 第 {'、'.join(map(str, blank))} 项须填写组名和第三方机构。",
                           f"Invalid sampling plan: groups {blank} need a name and a firm.")  # fmt: skip
    return spec


def _made_by(session, plan, principal) -> None:
    plan.created_by, plan.created_by_account_id = principal.actor.label, principal.actor.account_id
    session.flush()


@router.post("", summary="Create a sampling plan", status_code=201, response_model=PlanOut)
def create(
    principal: Planner, session: SessionDep,
    spec: Annotated[dict[str, Any], Body(description="A plan (see service/draws/plans.py)")],
) -> PlanOut:  # fmt: skip
    """Validate and store a plan; its units are checked against the sampling units."""
    plan = create_plan(session, parse_plan(spec), source="api")
    _made_by(session, plan, principal)
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
    _made_by(session, plan, principal)
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


router.include_router(seeds.router)
