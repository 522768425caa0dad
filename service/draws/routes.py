"""Draws: county draw, house draws, publish, verify, replacements, exports, coverage, estimates.

Every write names the account that made it, in the draw's own event log and in the audit trail.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from service.accounts.deps import DrawsReader, Permit
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.db import SessionDep
from service.core.ratelimit import limit
from service.core.settings import SettingsDep
from service.draws import export as draw_export
from service.draws.queries import draw_unit_map, draws_list, summary, visible_draw
from service.draws.replacements import use_replacement
from service.draws.schemas import (
    CoverageOut,
    DrawIn,
    DrawListItem,
    DrawOut,
    EstimatesOut,
    Id,
    ReplacementIn,
    ReplacementOut,
    VerificationOut,
)
from service.draws.seeds import county_draw
from service.draws.service import publish, run_house_draws, verify

router = APIRouter(prefix="/api/v1", tags=["draws"])
UnitCode = Annotated[str, Query(max_length=12)]


def _expensive(principal, settings) -> None:
    limit("expensive", str(principal.account_id), settings.security.expensive_rate_per_minute)


@router.get("/draws", summary="Draws", response_model=list[DrawListItem])
def draws(principal: DrawsReader, session: SessionDep) -> list[dict]:
    """Every draw the caller's scope reaches, with its plan, newest first."""
    return draws_list(session, principal.scope)


@router.post("/draws", summary="Run the county draw of a plan", status_code=201, response_model=DrawOut)
def create(principal: Permit(Permission.DRAW), session: SessionDep, body: DrawIn) -> dict:
    """Draw the plan's units (or take its fixed units) with the given seed. With ``seed_commitment_id`` the
    draw names the plan's commitment the seed was read from (fixed before now, its value public, unused);
    without one the draw is recorded as 未事先公布种子来源 (see service/draws/seeds.py)."""
    draw = county_draw(session, body.plan_id, body.seed, body.seed_commitment_id, principal.actor)
    session.commit()
    return summary(session, principal.scope, draw.id)


@router.post("/draws/{draw_id}/houses", summary="Run the house draws", response_model=DrawOut)
def houses(principal: Permit(Permission.DRAW), session: SessionDep, draw_id: Id) -> dict:
    """Draw every unit's houses and replacement list; record the frame and its digest."""
    draw = run_house_draws(session, draw_id, principal.actor)
    record(
        session, principal.actor, "draw_houses", "draw", draw_id, detail={"frame_digest": draw.frame_digest}
    )
    session.commit()
    return summary(session, principal.scope, draw_id)


@router.post(
    "/draws/{draw_id}/publish", summary="Publish a draw (it can no longer change)", response_model=DrawOut
)
def publish_draw(principal: Permit(Permission.PUBLISH), session: SessionDep, draw_id: Id) -> dict:
    """Record the result digest and freeze the draw."""
    draw = publish(session, draw_id, principal.actor)
    record(
        session,
        principal.actor,
        "draw_publish",
        "draw",
        draw_id,
        detail={"result_digest": draw.result_digest},
    )
    session.commit()
    return summary(session, principal.scope, draw_id)


@router.post("/draws/{draw_id}/verify", summary="Re-run the draw from its record and compare",
             response_model=VerificationOut)  # fmt: skip
def verify_draw(principal: Permit(Permission.VERIFY), session: SessionDep, draw_id: Id) -> VerificationOut:
    """Prove the recorded result is what the plan, seed, algorithm and frame give; logged as an event."""
    result = verify(session, draw_id, principal.actor)
    record(session, principal.actor, "draw_verify", "draw", draw_id, detail={"identical": result.identical})
    session.commit()
    return VerificationOut(draw_id=result.draw_id, identical=result.identical, checks=result.checks,
                           details=result.details)  # fmt: skip


@router.get("/draws/{draw_id}", summary="One draw with its units and event log", response_model=DrawOut)
def draw(principal: DrawsReader, session: SessionDep, draw_id: Id) -> dict:
    """The draw's record (units in the caller's scope)."""
    return summary(session, principal.scope, draw_id)


@router.post("/draws/{draw_id}/replacements", summary="Use a replacement for a house that cannot be visited",
             response_model=ReplacementOut)  # fmt: skip
def replace(
    principal: Permit(Permission.REPLACE), session: SessionDep, draw_id: Id, body: ReplacementIn
) -> ReplacementOut:
    """Take the next replacement the design allows; who, when and why are logged."""
    visible_draw(session, principal.scope, draw_id)
    taken = use_replacement(session, draw_id, body.house_id, body.reason, principal.actor, body.note,
                            scope=principal.scope)  # fmt: skip
    record(session, principal.actor, "draw_replace", "draw", draw_id,
           detail={"house_id": body.house_id, "replacement_house_id": taken.replacement_house_id,
                   "reason": body.reason})  # fmt: skip
    session.commit()
    return ReplacementOut(draw_id=draw_id, **asdict(taken))


@router.get("/draws/{draw_id}/export", summary="Export a draw: xlsx, csv or geojson", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                                         "text/csv": {}, "application/geo+json": {}}}})  # fmt: skip
def export(
    principal: DrawsReader, session: SessionDep, settings: SettingsDep, draw_id: Id,
    format: Annotated[Literal["xlsx", "csv", "geojson"], Query()] = "xlsx",
) -> Response:  # fmt: skip
    """The drawn houses and replacement lists (of the caller's units) with Chinese headers, or as GeoJSON."""
    _expensive(principal, settings)
    visible_draw(session, principal.scope, draw_id)
    writer, media = draw_export.WRITERS[format]
    body = writer(session, draw_id, scope=principal.scope)
    headers = {"Content-Disposition": f'attachment; filename="draw-{draw_id}.{format}"'}
    return Response(body, media_type=media, headers=headers)


@router.get("/draws/{draw_id}/coverage", summary="Coverage of a draw: per unit and overall, with Chinese verdicts",
            response_model=CoverageOut)  # fmt: skip
def coverage(
    principal: DrawsReader, session: SessionDep, settings: SettingsDep, draw_id: Id,
    replicates: Annotated[int, Query(ge=20, le=2000)] = 200,
) -> dict:  # fmt: skip
    """Townships covered, spatial balance against simple random samples, sample-vs-frame mix, verdicts."""
    from service.draws.coverage import coverage_report

    _expensive(principal, settings)
    visible_draw(session, principal.scope, draw_id)
    return coverage_report(session, draw_id, replicates, scope=principal.scope)


@router.get("/draws/{draw_id}/estimates", summary="Design-weighted estimates from the inspection results",
            response_model=EstimatesOut)  # fmt: skip
def estimates(
    principal: DrawsReader, session: SessionDep, draw_id: Id,
    include_submitted: Annotated[bool, Query(description="Also submitted inspections awaiting review")] = False,
    simulated_share: Annotated[float, Query(ge=0, le=1, allow_inf_nan=False,
                                            description="Synthetic demo without results only")] = 0.85,
) -> dict:  # fmt: skip
    """Accurate records, correct hazard determinations, 数字整治 and missed houses per house, per unit, city
    and province, with CI, SE, df and the houses behind each; from approved inspections (simulated only on
    the synthetic demo frame before any result, and then said so)."""
    from service.draws.estimates import estimates as run

    visible_draw(session, principal.scope, draw_id)
    return run(session, draw_id, simulated_share, include_submitted, scope=principal.scope)


@router.get("/draws/{draw_id}/units/{unit}/map", summary="One unit of a draw on the map")
def unit_map(
    principal: DrawsReader, session: SessionDep, draw_id: Id, unit: Annotated[str, Path(max_length=12)]
) -> dict:
    """Frame houses with their roles (sample, replacement, frame) and townships with their coverage."""
    return draw_unit_map(session, principal.scope, draw_id, unit)
