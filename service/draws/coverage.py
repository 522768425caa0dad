"""Coverage reports of a draw, from its recorded frame (the pure work is in geo/); the estimates are in
service/draws/estimates.py."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import coverage as cov
from geo import draw as algo
from service.accounts.scope import EVERYTHING, Scope
from service.core.errors import InvalidInput
from service.core.queries import SqlFiles
from service.draws.service import get_draw, known_version, projected, stored_frame

SQL = SqlFiles("service.draws")

ATTRIBUTES_SQL = SQL.one("coverage_attributes")


def _drawn(session: Session, draw_id: int) -> None:
    draw = get_draw(session, draw_id)
    if draw.status == "units_drawn":
        raise InvalidInput(f"抽样 {draw_id} 尚未抽取房屋。", f"Draw {draw_id} has no houses yet.")


def _units(session: Session, draw_id: int) -> pd.DataFrame:
    return pd.DataFrame(
        session.execute(SQL.one("coverage_units"), {"d": draw_id}).mappings().all()
    )  # fmt: skip


def coverage_report(session: Session, draw_id: int, replicates: int = 200, scope: Scope = EVERYTHING) -> dict:
    """Per unit: townships covered, spatial balance against SRS, attribute mix; overall; Chinese verdicts."""
    _drawn(session, draw_id)
    draw = get_draw(session, draw_id)
    version = known_version(draw)  # the probabilities of the design the draw was made with
    frame = stored_frame(session, draw_id).merge(
        pd.DataFrame(session.execute(ATTRIBUTES_SQL, {"d": draw_id}).mappings().all()),
        on="house_id",
        how="left",
    )
    samples = pd.DataFrame(
        session.execute(
            text("SELECT unit_code, house_id FROM draw_house WHERE draw_id = :d AND role = 'sample'"),
            {"d": draw_id},
        ).all(),
        columns=["unit_code", "house_id"],
    )
    reports = []
    for unit in _units(session, draw_id).itertuples():
        if not scope.covers_unit(unit.unit_code):
            continue
        unit_frame = projected(frame[frame["unit_code"] == unit.unit_code])
        if unit_frame.empty:
            continue
        pi = algo.inclusion_probabilities(
            unit_frame[["house_id", "township_code", "commercial", "x", "y"]],
            unit.houses_requested,
            unit.commercial_min,
            version=version,
        )
        unit_frame["inclusion_probability"] = unit_frame["house_id"].map(pi)
        ids = samples.loc[samples["unit_code"] == unit.unit_code, "house_id"].tolist()
        result = cov.unit_coverage(unit.unit_code, unit_frame, ids, replicates=replicates, seed=draw.seed)
        reports.append((unit, result))
    overall = cov.overall_coverage([r for _, r in reports])
    return {
        "draw_id": draw_id,
        "replicates": replicates,
        "overall": _clean(overall),
        "units": [
            {"unit_code": u.unit_code, "unit_name": u.unit_name, **_clean(dataclasses.asdict(r))}
            for u, r in reports
        ],
    }


def _clean(value):
    """JSON-safe: NaN and infinities become None, numpy scalars plain Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
