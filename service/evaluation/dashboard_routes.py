"""The key figures API (/api/v1/evaluation): every drawn unit's and city's figures, and the drawn units'
polygons with them for the dashboard's map. Both need ``evaluation.read`` and answer within the caller's
scope (service/evaluation/figures.py); nothing is written, so nothing is audited."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import SessionDep
from service.divisions.routes import GEOJSON
from service.evaluation import figures as F
from service.evaluation.dashboard_schemas import FiguresOut
from service.maps.tiles import TOLERANCE

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation"])
Reader = Permit(Permission.EVAL_READ)
Year = Annotated[
    int | None, Query(ge=2000, le=2100, description="评估年度（缺省：最近一个有已发布抽样的年度）")
]
Level = Annotated[
    Literal["county", "city", "all"], Query(description="county：各单元；city：各市州；all：两者")
]


@router.get("/figures", summary="Key figures of every drawn unit and city", response_model=FiguresOut)
def figures(principal: Reader, session: SessionDep, year: Year = None, level: Level = "county") -> FiguresOut:
    """Per drawn county unit (``level=county``), per city (``city``) or both (``all``) in the caller's scope:
    sample and inspections, the design-weighted estimates with intervals and n, collapse risk, notices issued,
    open, overdue and closed, the document review score and the satisfaction index (docs/evaluation_dashboard.md)."""
    got = F.figures(session, principal, year)
    out = FiguresOut.model_validate(got)
    if level == "city":
        out.units = []
    elif level == "county":
        out.cities = []
    return out


@router.get("/figures.geojson", summary="Drawn units (or cities) with their key figures, for the map",
            response_class=JSONResponse,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection, CGCS2000 lon/lat"}})  # fmt: skip
def figures_geojson(
    principal: Reader, session: SessionDep, year: Year = None,
    level: Annotated[Literal["county", "city"], Query(description="county：抽中单元；city：其所在市州")] = "county",
) -> JSONResponse:  # fmt: skip
    """The simplified polygons of the drawn units in scope (or of their cities) with each one's figures as
    properties (the estimates flattened: ``accurate_share``, ``accurate_share_ci``, ``accurate_share_n``...)."""
    got = F.figures(session, principal, year)
    rows = got.units if level == "county" else got.cities
    key = "unit_code" if level == "county" else "city_code"
    by_code = {getattr(r, key): r for r in rows}
    shapes = session.execute(
        F.SQL.one("figures_shapes"), {"codes": sorted(by_code), "tolerance": TOLERANCE[level]}
    )
    features = []
    for s in shapes:
        props = _flat(dataclasses.asdict(by_code[s.code]))
        props.update(
            code=s.code, name=props.get("unit_name") or props.get("city_name"), approximate=s.approximate
        )
        features.append(
            {"type": "Feature", "id": s.code, "geometry": json.loads(s.geometry), "properties": props}
        )
    body = {"type": "FeatureCollection", "level": level, "draw_id": got.draw_id, "year": got.year,
            "today": got.today.isoformat(), "scope": got.scope, "synthetic": got.synthetic, "note": got.note,
            "features": features}  # fmt: skip
    return JSONResponse(body, media_type=GEOJSON)


def _flat(row: dict) -> dict:
    """An estimate {value, ci, n, drawn} as ``name``, ``name_ci``, ``name_n``, ``name_drawn``."""
    out = {}
    for k, v in row.items():
        if isinstance(v, dict) and "value" in v:
            out[k], out[f"{k}_ci"], out[f"{k}_n"], out[f"{k}_drawn"] = v["value"], v["ci"], v["n"], v["drawn"]
        else:
            out[k] = list(v) if isinstance(v, tuple) else v
    return out
