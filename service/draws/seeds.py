"""Seed commitments: a plan's seed source made public before the draw, and what a draw's record says of it.

The seed of a draw is a public value nobody controls (a lottery result of a given issue and date). What
makes it convincing is that its *source* was fixed before the value was known, and before the draw:

1. ``commit`` records the source (``中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖``) and, when known,
   the time the value becomes public (``public_at``). ``fixed_at`` is the server's time (a trigger sets it)
   and the account is the caller's; the row cannot be changed or deleted (migration 0022).
2. At draw time the value is typed in as the seed and the draw names the commitment it used
   (``POST /api/v1/draws`` with ``seed_commitment_id``): it must belong to the draw's plan, be fixed before
   now, its value be public already, and not have served another draw (one draw per commitment).
3. Every draw's record carries its commitment and the warnings a reader should see (``seed_record``): no
   commitment (未事先公布种子来源, as older draws and any made without one), a commitment fixed when its value was
   public already, a draw before the value was public.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.accounts.deps import DrawsReader, Permit
from service.accounts.roles import Permission
from service.audit.trail import Actor, record
from service.core.db import SessionDep
from service.core.errors import Conflict, InvalidInput
from service.draws.models import Draw, SeedCommitment
from service.draws.plans import get_plan
from service.draws.schemas import Id, SeedCommitmentIn, SeedCommitmentOut
from service.draws.service import run_county_draw

CHINA = ZoneInfo("Asia/Shanghai")
NO_COMMITMENT = "未事先公布种子来源"

router = APIRouter()  # its tag comes from the plans router it is included in


def _shown(t: dt.datetime) -> str:
    return t.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def aware(t: dt.datetime | None) -> dt.datetime | None:
    """A time with its zone; one without is Beijing time (what an office in Gansu types)."""
    return t if t is None or t.tzinfo else t.replace(tzinfo=CHINA)


def commit(session: Session, plan_id: int, source: str, public_at: dt.datetime | None, actor: Actor) -> SeedCommitment:
    """Record where the plan's seed will come from, at the server's time, by ``actor`` (audited)."""
    get_plan(session, plan_id)  # 404 for an unknown plan
    source = " ".join(source.split())
    if len(source) < 4:
        raise InvalidInput(
            "请写明种子来源（至少 4 个字），如“中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖”。",
            "Name the seed's source (at least 4 characters), e.g. a lottery issue and its date.",
        )
    if actor.account_id is None:
        raise InvalidInput("种子承诺须由实名账户记录。", "A seed commitment is recorded by an account.")
    row = SeedCommitment(plan_id=plan_id, source=source, public_at=aware(public_at), account_id=actor.account_id,
                         actor=actor.label)  # fmt: skip
    session.add(row)
    session.flush()
    session.refresh(row)  # fixed_at as the trigger set it
    record(session, actor, "seed_commit", "seed_commitment", row.id,
           detail={"plan_id": plan_id, "source": row.source,
                   "public_at": row.public_at.isoformat() if row.public_at else None})  # fmt: skip
    return row


def commitment_for_draw(session: Session, plan_id: int, commitment_id: int) -> SeedCommitment:
    """The commitment a new draw of ``plan_id`` may use; else a Chinese 4xx."""
    row = session.get(SeedCommitment, commitment_id)  # no row lock: the service may not update this table;
    # two draws racing for one commitment meet the unique index ux_draw_seed_commitment (a 409)
    if row is None:
        raise InvalidInput(f"没有编号为 {commitment_id} 的种子承诺。", f"No seed commitment has the id {commitment_id}.")
    if row.plan_id != plan_id:
        raise InvalidInput(
            f"种子承诺 {commitment_id} 属于方案 {row.plan_id}，不能用于方案 {plan_id} 的抽样。",
            f"Seed commitment {commitment_id} belongs to plan {row.plan_id}, not plan {plan_id}.",
        )
    now = session.execute(select(func.now())).scalar_one()  # this transaction's start
    if row.fixed_at >= now:
        raise InvalidInput("种子承诺须在抽样之前确定。", "The seed commitment must be fixed before the draw.")
    if row.public_at is not None and row.public_at > now:
        raise InvalidInput(
            f"种子来源预计于 {_shown(row.public_at)} 公布，现在尚未公布，请公布后再抽样。",
            f"The seed's value is public only from {row.public_at.isoformat()}; draw after that.",
        )
    used = session.scalars(select(Draw.id).where(Draw.seed_commitment_id == commitment_id)).first()
    if used is not None:
        raise Conflict(
            f"种子承诺 {commitment_id} 已用于抽样 {used}（一项承诺只能用于一次抽样），如需重抽请先新建种子承诺。",
            f"Seed commitment {commitment_id} was used by draw {used}; commit a new seed source first.",
        )
    return row


def county_draw(session: Session, plan_id: int, seed: str, commitment_id: int | None, actor: Actor) -> Draw:
    """The county draw of a plan with ``seed``, naming the commitment it was read from when one is given
    (checked by ``commitment_for_draw``); audited. The API and the CLI both draw through here."""
    commitment = None
    if commitment_id is not None:
        get_plan(session, plan_id)  # 404 for an unknown plan before anything about its commitments
        commitment = commitment_for_draw(session, plan_id, commitment_id)
    draw = run_county_draw(session, plan_id, seed, actor)
    if commitment is not None:
        draw.seed_commitment_id = commitment.id
        session.flush()
    record(session, actor, "draw_units", "draw", draw.id,
           detail={"plan_id": plan_id, "seed": seed, "seed_commitment_id": commitment_id})  # fmt: skip
    return draw


def _out(row: SeedCommitment, used_by: int | None) -> dict:
    return {"id": row.id, "plan_id": row.plan_id, "source": row.source, "public_at": row.public_at,
            "fixed_at": row.fixed_at, "fixed_by": row.actor, "account_id": row.account_id,
            "used_by_draw_id": used_by}  # fmt: skip


def commitments(session: Session, plan_id: int) -> list[dict]:
    """A plan's commitments, newest first, each with the draw that used it."""
    get_plan(session, plan_id)
    used = dict(session.execute(
        select(Draw.seed_commitment_id, Draw.id).where(Draw.plan_id == plan_id, Draw.seed_commitment_id.is_not(None))
    ).all())  # fmt: skip
    rows = session.scalars(
        select(SeedCommitment).where(SeedCommitment.plan_id == plan_id).order_by(SeedCommitment.id.desc())
    )  # fmt: skip
    return [_out(r, used.get(r.id)) for r in rows]


def seed_record(session: Session, draw: Draw) -> dict:
    """What a draw's record says of its seed: the commitment used (or none) and the warnings to show."""
    row = session.get(SeedCommitment, draw.seed_commitment_id) if draw.seed_commitment_id else None
    if row is None:
        return {"seed_commitment": None, "seed_warnings": [
            f"{NO_COMMITMENT}：本次抽样没有事先记录的种子承诺，不能证明种子不是在看到结果后才选定的。"]}
    warnings = []
    if row.fixed_at >= draw.created_at:
        warnings.append(f"种子承诺（{_shown(row.fixed_at)}）晚于抽样（{_shown(draw.created_at)}）。")
    if row.public_at is not None and row.fixed_at >= row.public_at:
        warnings.append(
            f"种子来源确定时（{_shown(row.fixed_at)}）其数值已于 {_shown(row.public_at)} 公布：承诺晚于公布，"
            "不能证明种子是事先确定的。"
        )
    if row.public_at is not None and draw.created_at < row.public_at:
        warnings.append(f"抽样（{_shown(draw.created_at)}）早于种子数值公布（{_shown(row.public_at)}）。")
    return {"seed_commitment": _out(row, draw.id), "seed_warnings": warnings}


# Routes (included in the plans' router: /api/v1/plans/{plan_id}/seed-commitments) ---------------------------


@router.post("/{plan_id}/seed-commitments", summary="Fix a plan's seed source before the draw", status_code=201,
             response_model=SeedCommitmentOut)  # fmt: skip
def create(principal: Permit(Permission.DRAW), session: SessionDep, plan_id: Id, body: SeedCommitmentIn) -> dict:
    """Record the public source the seed will be read from (and when it becomes public); the time is the
    server's, the account the caller's. Cannot be changed afterwards."""
    row = commit(session, plan_id, body.source, body.public_at, principal.actor)
    session.commit()
    return _out(row, None)


@router.get("/{plan_id}/seed-commitments", summary="A plan's seed commitments", response_model=list[SeedCommitmentOut])
def listed(principal: DrawsReader, session: SessionDep, plan_id: Id) -> list[dict]:
    """Every commitment of the plan, newest first, with the draw that used it."""
    return commitments(session, plan_id)
