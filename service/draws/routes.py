"""Draws: county draw, house draws, publish, verify, replacements, exports, coverage, estimates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from service.core.db import SessionDep
from service.draws import export as draw_export
from service.draws.plans import create_plan, get_plan, list_plans, parse_spec, preset
from service.draws.service import (
    DRAW_STATUS,
    REPLACEMENT_REASONS,
    get_draw,
    publish,
    run_county_draw,
    run_house_draws,
    use_replacement,
    verify,
)

router = APIRouter(prefix="/api/v1", tags=["draws"])


class DrawIn(BaseModel):
    """A new draw of a plan."""

    plan_id: int
    seed: str = Field(
        min_length=1, description="Public value fixed in advance, e.g. a lottery result and date"
    )
    actor: str | None = None


class ReplacementIn(BaseModel):
    """A drawn house that cannot be visited."""

    house_id: int
    reason: Literal[tuple(REPLACEMENT_REASONS)]  # type: ignore[valid-type]
    actor: str = Field(min_length=1)
    note: str | None = None


def summary(session, draw_id: int) -> dict:
    """A draw with its units and counts."""
    draw = get_draw(session, draw_id)
    units = session.execute(
        text(
            "SELECT u.unit_code, d.name AS unit_name, u.city_code, c.name AS city_name, u.reason, u.inclusion_probability, "
            "u.unit_order, u.group_name, u.firm, u.houses_requested, u.commercial_min, u.commercial_drawn, u.frame_size, "
            "u.shortfalls, (SELECT count(*) FROM draw_house h WHERE h.draw_id = u.draw_id AND h.unit_code = u.unit_code "
            "AND h.role = 'sample') AS houses_drawn FROM draw_unit u JOIN division d ON d.code = u.unit_code "
            "JOIN division c ON c.code = u.city_code WHERE u.draw_id = :d ORDER BY u.city_code, u.unit_order"
        ),
        {"d": draw_id},
    ).mappings().all()  # fmt: skip
    events = session.execute(
        text("SELECT id, kind, house_id, replacement_house_id, reason, actor, note, detail, at FROM draw_event "
             "WHERE draw_id = :d ORDER BY id"), {"d": draw_id}
    ).mappings().all()  # fmt: skip
    return {
        "id": draw.id, "plan_id": draw.plan_id, "seed": draw.seed, "algorithm_version": draw.algorithm_version,
        "status": draw.status, "status_label": DRAW_STATUS[draw.status], "frame_digest": draw.frame_digest, "frame_size": draw.frame_size,
        "result_digest": draw.result_digest, "created_at": draw.created_at, "published_at": draw.published_at,
        "units": [dict(u) for u in units], "events": [dict(e) for e in events],
    }  # fmt: skip


@router.post("/draws", summary="Run the county draw of a plan", status_code=201)
def create(session: SessionDep, body: DrawIn) -> dict:
    """Draw the plan's units (or take its fixed units) with the given seed."""
    draw = run_county_draw(session, body.plan_id, body.seed, body.actor)
    session.commit()
    return summary(session, draw.id)


@router.post("/draws/{draw_id}/houses", summary="Run the house draws")
def houses(session: SessionDep, draw_id: int, actor: Annotated[str | None, Body(embed=True)] = None) -> dict:
    """Draw every unit's houses and replacement list; record the frame and its digest."""
    run_house_draws(session, draw_id, actor)
    session.commit()
    return summary(session, draw_id)


@router.post("/draws/{draw_id}/publish", summary="Publish a draw (it can no longer change)")
def publish_draw(
    session: SessionDep, draw_id: int, actor: Annotated[str | None, Body(embed=True)] = None
) -> dict:
    """Record the result digest and freeze the draw."""
    publish(session, draw_id, actor)
    session.commit()
    return summary(session, draw_id)


@router.post("/draws/{draw_id}/verify", summary="Re-run the draw from its record and compare")
def verify_draw(
    session: SessionDep, draw_id: int, actor: Annotated[str | None, Body(embed=True)] = None
) -> dict:
    """Prove the recorded result is what the plan, seed, algorithm and frame give; logged as an event."""
    result = verify(session, draw_id, actor)
    session.commit()
    return {
        "draw_id": result.draw_id,
        "identical": result.identical,
        "checks": result.checks,
        "details": result.details,
    }


@router.get("/draws/{draw_id}", summary="One draw with its units and event log")
def draw(session: SessionDep, draw_id: int) -> dict:
    """The draw's record."""
    return summary(session, draw_id)


@router.post("/draws/{draw_id}/replacements", summary="Use a replacement for a house that cannot be visited")
def replace(session: SessionDep, draw_id: int, body: ReplacementIn) -> dict:
    """Take the next replacement the design allows; who, when and why are logged."""
    replacement = use_replacement(session, draw_id, body.house_id, body.reason, body.actor, body.note)
    session.commit()
    return {"draw_id": draw_id, "house_id": body.house_id, "replacement_house_id": replacement}


@router.get("/draws/{draw_id}/export", summary="Export a draw: xlsx, csv or geojson")
def export(
    session: SessionDep, draw_id: int, format: Annotated[Literal["xlsx", "csv", "geojson"], Query()] = "xlsx"
) -> Response:
    """The drawn houses and replacement lists with Chinese headers (xlsx, csv) or as GeoJSON."""
    if format == "xlsx":
        body, media = (
            draw_export.to_xlsx(session, draw_id),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif format == "csv":
        body, media = draw_export.to_csv(session, draw_id), "text/csv; charset=utf-8"
    else:
        body, media = draw_export.to_geojson(session, draw_id), "application/geo+json"
    headers = {"Content-Disposition": f'attachment; filename="draw-{draw_id}.{format}"'}
    return Response(body, media_type=media, headers=headers)


@router.get("/draws/{draw_id}/coverage", summary="Coverage of a draw: per unit and overall, with Chinese verdicts")
def coverage(
    session: SessionDep, draw_id: int, replicates: Annotated[int, Query(ge=20, le=2000)] = 200
) -> dict:
    """Townships covered, spatial balance against simple random samples, sample-vs-frame mix, verdicts."""
    from service.draws.coverage import coverage_report

    return coverage_report(session, draw_id, replicates)


@router.get("/draws/{draw_id}/estimates", summary="Design-weighted estimates (simulated results until field data)")
def estimates(
    session: SessionDep, draw_id: int, simulated_share: Annotated[float, Query(ge=0, le=1)] = 0.85
) -> dict:
    """Share estimates with confidence intervals per unit, city and province, on simulated results."""
    from service.draws.coverage import estimates as run

    return run(session, draw_id, simulated_share)




def _out(plan) -> dict[str, Any]:
    return {"id": plan.id, "name": plan.name, "year": plan.year, "deadline": plan.deadline, "source": plan.source,
            "spec_sha256": plan.spec_sha256, "spec": plan.spec, "created_at": plan.created_at}  # fmt: skip


@router.post("/plans", summary="Create a sampling plan", status_code=201)
def create_plan_route(
    session: SessionDep, spec: Annotated[dict[str, Any], Body(description="A plan (see service/plans.py)")]
) -> dict:
    """Validate and store a plan; its units are checked against the sampling units."""
    plan = create_plan(session, parse_spec(spec), source="api")
    session.commit()
    return _out(plan)


@router.post("/plans/presets/{name}", summary="Create a plan from a preset (gansu-2024)", status_code=201)
def from_preset(session: SessionDep, name: str) -> dict:
    """The 2024 notice's appendix as a plan: four groups, 42 fixed units, 20 houses each, 12 commercial."""
    plan = create_plan(session, preset(name), source=f"preset:{name}")
    session.commit()
    return _out(plan)


@router.get("/plans", summary="Sampling plans")
def plans(session: SessionDep) -> list[dict]:
    """Every plan, newest first."""
    return [_out(p) for p in list_plans(session)]


@router.get("/plans/{plan_id}", summary="One sampling plan")
def plan(session: SessionDep, plan_id: int) -> dict:
    """A plan with its spec and digest."""
    return _out(get_plan(session, plan_id)[0])
