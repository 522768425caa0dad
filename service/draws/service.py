"""Draws in PostGIS: the county draw, the house draws, publication and verification (replacements:
``service.draws.replacements``).

The algorithms are pure (``geo.draw``); this module gathers their inputs from the database, records
everything that makes a draw reproducible (plan, seed, algorithm version, the frame itself and its
digest, the drawn houses as they were), and proves later that nothing changed: ``verify`` re-runs the draw
from the record and checks the plan's digest. New draws record ``geo.draw.ALGORITHM_VERSION``; every later
step (house draws, verification, coverage) uses the version the draw recorded, so a draw made with an
earlier version stays reproducible after the default changes.

A house draw, a publication and a replacement lock the draw's row first (``locked_draw``) and check its
state only then: of two at the same time, the second waits for the first and then gets a Conflict (409),
so a house is never handed to two replacements and no step is recorded twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyproj import Transformer
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from geo import draw as algo
from geo.crs import CGCS2000, gauss_kruger_epsg
from service.audit.trail import Actor
from service.core.bulk import copy_frame
from service.core.errors import Conflict, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.draws.models import Draw, DrawEvent, DrawUnit
from service.draws.plans import PlanSpec, get_plan

SQL = SqlFiles("service.draws")

# What a draw's status code means, for people (the API gives both).
DRAW_STATUS = {"units_drawn": "已抽取县区", "houses_drawn": "已抽取房屋", "published": "已发布（冻结）"}

REPLACEMENT_REASONS = {
    "demolished": "已拆除",
    "locked": "无人/锁门",
    "refused": "拒绝入户",
    "unsafe": "危险无法进入",
    "not_found": "查无此房",
    "other": "其他",
}


# Loading --------------------------------------------------------------------------------------------


def sampling_units(session: Session) -> list[algo.UnitInfo]:
    """Every sampling unit, as the draw algorithms take them."""
    rows = session.execute(
        text("SELECT code, name, city_code, is_city_seat, stands_alone FROM sampling_unit ORDER BY code")
    ).all()
    return [algo.UnitInfo(*r) for r in rows]


def known_version(draw: Draw) -> str:
    """The draw's recorded algorithm version, or InvalidInput when this software does not know it."""
    if draw.algorithm_version not in algo.VERSIONS:
        raise InvalidInput(
            f"抽样 {draw.id} 记录的算法版本 {draw.algorithm_version} 未知（已知：{'、'.join(sorted(algo.VERSIONS))}）。",
            f"Draw {draw.id} records the unknown algorithm version {draw.algorithm_version!r}; "
            f"known: {sorted(algo.VERSIONS)}.",
        )
    return draw.algorithm_version


def get_draw(session: Session, draw_id: int) -> Draw:
    """A draw, or NotFound."""
    found = session.get(Draw, draw_id)
    if found is None:
        raise NotFound(f"未找到编号为 {draw_id} 的抽样。", f"No draw has the id {draw_id}.")
    return found


def locked_draw(session: Session, draw_id: int) -> Draw:
    """The draw with its row locked until the transaction ends, read afresh (a concurrent step that got the
    lock first has committed by then). FOR NO KEY UPDATE: the draw's steps exclude each other, while events
    of other draws' work (their foreign key takes a key-share lock) do not wait."""
    found = session.scalars(
        select(Draw).where(Draw.id == draw_id).with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one_or_none()  # fmt: skip
    if found is None:
        raise NotFound(f"未找到编号为 {draw_id} 的抽样。", f"No draw has the id {draw_id}.")
    return found


def add_event(session: Session, draw_id: int, kind: str, actor: Actor, **values) -> None:
    """Append to the draw's own event log, naming the account that acted."""
    session.add(DrawEvent(draw_id=draw_id, kind=kind, actor=actor.label, account_id=actor.account_id, **values))


# County draw ----------------------------------------------------------------------------------------


def county_picks(spec: PlanSpec, units: list[algo.UnitInfo], seed: str) -> list[algo.UnitPick]:
    """The units of a plan: its fixed units, or a county draw by its rules."""
    if spec.fixed_units:
        by_code = {u.code: u for u in units}
        picks, order = [], {}
        for code in sorted(
            spec.fixed_units, key=lambda c: (by_code[c].city_code, not by_code[c].is_city_seat, c)
        ):
            city = by_code[code].city_code
            order[city] = order.get(city, 0) + 1
            picks.append(algo.UnitPick(code, city, "fixed", 1.0, order[city]))
        return picks
    return algo.draw_units(
        units, spec.units_per_city, spec.default_units_per_city, seed,
        include=spec.include_units, exclude=spec.exclude_units,
    )  # fmt: skip


def run_county_draw(session: Session, plan_id: int, seed: str, actor: Actor) -> Draw:
    """Draw the units of a plan (or take its fixed units) and record the draw."""
    if not seed or not seed.strip():
        raise InvalidInput(
            "请提供随机种子（可用事先公布的公开数值，如某期彩票开奖号码和日期）。",
            "A seed is required (a public value fixed in advance, such as a lottery result and its date).",
        )
    plan, spec = get_plan(session, plan_id)
    picks = county_picks(spec, sampling_units(session), seed)
    draw = Draw(plan_id=plan.id, seed=seed, algorithm_version=algo.ALGORITHM_VERSION, created_by=actor.label,
                created_by_account_id=actor.account_id)  # fmt: skip
    session.add(draw)
    session.flush()
    for p in picks:
        group = spec.group_of(p.code)
        houses, minimum = spec.houses_for(p.code)
        session.add(DrawUnit(
            draw_id=draw.id, unit_code=p.code, city_code=p.city_code, reason=p.reason,
            inclusion_probability=p.inclusion_probability, unit_order=p.order,
            group_name=group.name if group else None, firm=group.firm if group else None,
            houses_requested=houses, commercial_min=minimum,
        ))  # fmt: skip
    add_event(
        session,
        draw.id,
        "units_drawn",
        actor,
        detail={"units": [p.code for p in picks], "plan_sha256": plan.spec_sha256},
    )
    session.flush()
    return draw


# House draws ----------------------------------------------------------------------------------------

FRAME_COLUMNS = ["house_id", "survey_code", "unit_code", "township_code", "commercial", "lon", "lat"]


def live_frame(session: Session, units: list[str]) -> pd.DataFrame:
    """The current frame of the given units (houses with an open hazard record)."""
    return pd.DataFrame(session.execute(SQL.one("live_frame"), {"units": units}).all(), columns=FRAME_COLUMNS)


def stored_frame(session: Session, draw_id: int) -> pd.DataFrame:
    """The frame a draw used, as recorded."""
    rows = session.execute(
        text(f"SELECT {', '.join(FRAME_COLUMNS)} FROM draw_frame WHERE draw_id = :d ORDER BY house_id"), {"d": draw_id}
    ).all()
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def digest_of_frame(frame: pd.DataFrame) -> str:
    """The frame's digest as geo.draw defines it (coordinates to 7 decimals)."""
    rows = zip(
        frame["house_id"].astype(int), frame["survey_code"], frame["unit_code"], frame["township_code"],
        frame["commercial"].astype(bool), frame["lon"].round(7), frame["lat"].round(7), strict=True,
    )  # fmt: skip
    return algo.frame_digest(rows)


def projected(frame: pd.DataFrame) -> pd.DataFrame:
    """The unit frame with x, y in metres in the Gauss-Kruger zone of the unit (its mean longitude)."""
    out = frame.copy()
    if len(out):
        epsg = gauss_kruger_epsg(float(out["lon"].mean()))
        x, y = Transformer.from_crs(CGCS2000, epsg, always_xy=True).transform(
            out["lon"].to_numpy(), out["lat"].to_numpy()
        )
        out["x"], out["y"] = x, y
    else:
        out["x"], out["y"] = np.array([]), np.array([])
    return out


def draw_all_units(
    frame: pd.DataFrame, units: list[tuple[str, int, int]], seed: str, version: str = algo.ALGORITHM_VERSION
) -> dict[str, algo.UnitDraw]:
    """Every unit's house draw from a frame: (unit code, houses, commercial minimum) each, with the house draw
    of algorithm ``version`` (a draw's recorded ``algorithm_version``; ValueError for an unknown one)."""
    algo.check_version(version)
    results = {}
    by_unit = dict(tuple(frame.groupby("unit_code", sort=True))) if len(frame) else {}
    empty = frame.iloc[0:0]
    for code, houses, minimum in units:
        unit_frame = projected(by_unit.get(code, empty))
        results[code] = algo.draw_houses(
            unit_frame[["house_id", "township_code", "commercial", "x", "y"]], houses, minimum, seed, code,
            version=version,
        )
    return results


def _unit_requests(session: Session, draw_id: int) -> list[tuple[str, int, int]]:
    return [
        (u.unit_code, u.houses_requested, u.commercial_min)
        for u in session.scalars(
            select(DrawUnit).where(DrawUnit.draw_id == draw_id).order_by(DrawUnit.unit_code)
        )
    ]


def run_house_draws(session: Session, draw_id: int, actor: Actor) -> Draw:
    """Draw the houses of every drawn unit, record the frame, samples and replacement lists, and the drawn
    houses as they are now (draw_house_record)."""
    draw = locked_draw(session, draw_id)
    if draw.status != "units_drawn":
        raise Conflict(
            f"抽样 {draw_id} 已抽取房屋（{DRAW_STATUS[draw.status]}，可能刚由他人完成），不能重抽；如需重抽请新建抽样。",
            f"Draw {draw_id} has drawn its houses already (status {draw.status}); make a new draw instead.",
        )
    version = known_version(draw)
    requests = _unit_requests(session, draw_id)
    frame = live_frame(session, [u for u, _, _ in requests])
    copy_frame(session.connection(), "draw_frame", frame.assign(draw_id=draw_id))
    results = draw_all_units(frame, requests, draw.seed, version)
    rows = []
    for code, result in results.items():
        for role, table, order in [("sample", result.sample, "draw_order"),
                                   ("replacement", result.replacements, "rank")]:  # fmt: skip
            rows += [(code, r.house_id, role, getattr(r, order), r.stratum, r.township_code, r.commercial,
                      r.inclusion_probability) for r in table.itertuples()]  # fmt: skip
        session.execute(
            SQL.one("update_unit_result"),
            {"c": result.commercial_drawn, "n": int((frame["unit_code"] == code).sum()), "d": draw_id, "u": code,
             "s": json.dumps(result.shortfalls, ensure_ascii=False, default=str)},
        )  # fmt: skip
    houses = pd.DataFrame(rows, columns=["unit_code", "house_id", "role", "position", "stratum", "township_code",
                                         "commercial", "inclusion_probability"])  # fmt: skip
    copy_frame(session.connection(), "draw_house", houses.assign(draw_id=draw_id))
    session.execute(SQL.one("record_drawn_houses"), {"d": draw_id})
    draw.frame_digest = digest_of_frame(frame)
    draw.frame_size = len(frame)
    draw.status = "houses_drawn"
    add_event(
        session,
        draw_id,
        "houses_drawn",
        actor,
        detail={"frame_digest": draw.frame_digest, "frame_size": len(frame)},
    )
    session.flush()
    return draw


# Publication and verification -----------------------------------------------------------------------


def result_digest(session: Session, draw_id: int) -> str:
    """SHA-256 over the draw's units and houses, canonical and sorted."""
    units = session.execute(SQL.one("digest_units"), {"d": draw_id}).all()  # fmt: skip
    houses = session.execute(SQL.one("digest_houses"), {"d": draw_id}).all()  # fmt: skip
    digest = hashlib.sha256()
    for row in [*units, *houses]:
        digest.update(("\t".join(_canonical(v) for v in row) + "\n").encode("utf-8"))
    return digest.hexdigest()


def _canonical(value: object) -> str:
    return repr(round(value, 12)) if isinstance(value, float) else str(value)


def publish(session: Session, draw_id: int, actor: Actor) -> Draw:
    """Publish a draw: record its result digest; from now on it cannot change."""
    draw = locked_draw(session, draw_id)
    if draw.status == "published":
        raise Conflict(
            f"抽样 {draw_id} 已发布（可能刚由他人发布），不能再次发布。", f"Draw {draw_id} is published already."
        )
    if draw.status != "houses_drawn":
        raise InvalidInput(
            f"抽样 {draw_id} 当前状态为 {draw.status}，须先抽取房屋才能发布。",
            f"Draw {draw_id} is {draw.status}: draw its houses before publishing.",
        )
    draw.result_digest = result_digest(session, draw_id)
    draw.status = "published"
    draw.published_at = dt.datetime.now(dt.UTC)
    session.flush()
    add_event(session, draw_id, "published", actor, detail={"result_digest": draw.result_digest})
    session.flush()
    return draw


@dataclass
class Verification:
    """What verify proved, check by check."""

    draw_id: int
    identical: bool
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)


def verify(session: Session, draw_id: int, actor: Actor) -> Verification:
    """Re-run the draw from its record and compare everything; log the outcome as an event."""
    draw = get_draw(session, draw_id)
    plan, spec = get_plan(session, draw.plan_id)
    out = Verification(draw_id, False)
    out.checks["algorithm_version"] = draw.algorithm_version in algo.VERSIONS  # re-run with the recorded one
    out.checks["plan_digest"] = _plan_digest_holds(session, draw_id, plan, out.details)
    picks = county_picks(spec, sampling_units(session), draw.seed)
    recorded = session.execute(SQL.one("recorded_units"), {"d": draw_id}).all()  # fmt: skip
    rerun = sorted((p.code, p.reason, p.inclusion_probability, p.order) for p in picks)
    out.checks["units"] = [(u, r, round(p, 12), o) for u, r, p, o in recorded] == [
        (u, r, round(p, 12), o) for u, r, p, o in rerun
    ]
    if draw.status != "units_drawn" and out.checks["algorithm_version"]:
        frame = stored_frame(session, draw_id)
        out.checks["frame_digest"] = digest_of_frame(frame) == draw.frame_digest
        results = draw_all_units(frame, _unit_requests(session, draw_id), draw.seed, draw.algorithm_version)
        stored = session.execute(SQL.one("stored_houses"), {"d": draw_id}).all()  # fmt: skip
        rerun_houses = sorted(
            [(c, "sample", int(r.draw_order), int(r.house_id)) for c, res in results.items() for r in res.sample.itertuples()]
            + [(c, "replacement", int(r.rank), int(r.house_id)) for c, res in results.items() for r in res.replacements.itertuples()]
        )  # fmt: skip
        out.checks["houses"] = [tuple(s) for s in stored] == rerun_houses
        live = live_frame(session, sorted(frame["unit_code"].unique().tolist()))
        out.details["live_frame_unchanged"] = digest_of_frame(live) == draw.frame_digest
    if draw.status == "published":
        out.checks["result_digest"] = result_digest(session, draw_id) == draw.result_digest
    out.identical = all(out.checks.values())
    from service.draws.seeds import seed_record  # seeds -> schemas -> this module: imported when called

    out.details.update(seed_record(session, draw))  # the seed's source fixed in advance (or not): shown, not re-run
    out.details.update({"seed": draw.seed, "algorithm_version": draw.algorithm_version, "frame_digest": draw.frame_digest,
                        "result_digest": draw.result_digest})  # fmt: skip
    add_event(session, draw_id, "verified", actor, detail={"identical": out.identical, "checks": out.checks})
    session.flush()
    return out


def _plan_digest_holds(session: Session, draw_id: int, plan, details: dict) -> bool:
    """The stored plan still has the digest recorded with it and in the draw's units_drawn event."""
    canonical = json.dumps(plan.spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    at_draw = session.execute(SQL.one("plan_sha256_at_draw"), {"d": draw_id}).scalar()  # fmt: skip
    details.update({"plan_sha256": digest, "plan_sha256_recorded": plan.spec_sha256, "plan_sha256_at_draw": at_draw})
    return digest == plan.spec_sha256 == at_draw
