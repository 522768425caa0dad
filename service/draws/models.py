"""Tables of the draw: plans, draws, their units, frames, houses and event log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base


class SamplingPlan(Base):
    """A sampling plan: the rules of one year's draw, as data (see service/plans.py)."""

    __tablename__ = "sampling_plan"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(SmallInteger)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    spec: Mapped[dict] = mapped_column(JSONB)
    spec_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str | None] = mapped_column(Text)  # since migration 0022; older plans: unknown
    # account.scope_plan_id points back here: a cycle, created after both tables (use_alter)
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", use_alter=True))


class SeedCommitment(Base):
    """Where a plan's seed will come from, fixed before the draw (server time, by an account): append-only
    (migration 0022 sets ``fixed_at`` by trigger and takes UPDATE and DELETE from the service's role)."""

    __tablename__ = "seed_commitment"
    __table_args__ = (
        CheckConstraint("length(btrim(source)) BETWEEN 4 AND 500", name="source"),
        Index("ix_seed_commitment_plan_id", "plan_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("sampling_plan.id"))
    source: Mapped[str] = mapped_column(Text)
    public_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    fixed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    actor: Mapped[str] = mapped_column(Text)


class Draw(Base):
    """One draw of a plan: seed, algorithm version, frame digest; immutable once published."""

    __tablename__ = "draw"
    __table_args__ = (
        CheckConstraint("status IN ('units_drawn', 'houses_drawn', 'published')", name="status"),
        CheckConstraint("status <> 'published' OR result_digest IS NOT NULL", name="published_has_digest"),
        # One draw per seed commitment (migration 0022).
        Index("ux_draw_seed_commitment", "seed_commitment_id", unique=True,
              postgresql_where=text("seed_commitment_id IS NOT NULL")),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("sampling_plan.id"))
    seed: Mapped[str] = mapped_column(Text)
    algorithm_version: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="units_drawn")
    frame_digest: Mapped[str | None] = mapped_column(String(64))
    frame_size: Mapped[int | None] = mapped_column(Integer)
    result_digest: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(Text)
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    seed_commitment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("seed_commitment.id"))


class DrawUnit(Base):
    """A sampling unit chosen by a draw, with why and with what probability."""

    __tablename__ = "draw_unit"

    draw_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("sampling_unit.code"), primary_key=True)
    city_code: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(16))
    inclusion_probability: Mapped[float] = mapped_column(Float)
    unit_order: Mapped[int] = mapped_column(SmallInteger)
    group_name: Mapped[str | None] = mapped_column(Text)
    firm: Mapped[str | None] = mapped_column(Text)
    houses_requested: Mapped[int | None] = mapped_column(SmallInteger)
    commercial_min: Mapped[int | None] = mapped_column(SmallInteger)
    commercial_drawn: Mapped[int | None] = mapped_column(SmallInteger)
    frame_size: Mapped[int | None] = mapped_column(Integer)
    shortfalls: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'"))


class DrawFrame(Base):
    """The frame a draw used, as it was."""

    __tablename__ = "draw_frame"
    __table_args__ = (Index("ix_draw_frame_unit", "draw_id", "unit_code"),)

    draw_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True
    )
    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    survey_code: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str] = mapped_column(String(12))
    township_code: Mapped[str] = mapped_column(String(12))
    commercial: Mapped[bool] = mapped_column(Boolean)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class DrawHouse(Base):
    """A drawn house or a replacement, in order, with its inclusion probability within the unit."""

    __tablename__ = "draw_house"
    __table_args__ = (Index("ix_draw_house_unit", "draw_id", "unit_code", "role", "position"),)

    draw_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True
    )
    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    stratum: Mapped[str] = mapped_column(Text)
    township_code: Mapped[str] = mapped_column(String(12))
    commercial: Mapped[bool] = mapped_column(Boolean)
    inclusion_probability: Mapped[float] = mapped_column(Float)


class DrawHouseRecord(Base):
    """A drawn or replacement house as it was at the house draw: what the export and the unit map show."""

    __tablename__ = "draw_house_record"
    __table_args__ = (
        ForeignKeyConstraint(
            ["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"],
            ondelete="CASCADE", onupdate="CASCADE"
        ),
    )

    draw_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    survey_code: Mapped[str] = mapped_column(Text)
    township_code: Mapped[str | None] = mapped_column(String(12))
    township_name: Mapped[str | None] = mapped_column(Text)
    village: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    use_class: Mapped[str] = mapped_column(String(16))
    hazard_grade: Mapped[str | None] = mapped_column(String(16))
    rectification_status: Mapped[str | None] = mapped_column(String(16))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean)


_REPLACEMENT = text("kind = 'replacement_used'")


class DrawEvent(Base):
    """Something that happened to a draw after it was made (append-only), naming the account that acted
    (required of rows written since migration 0012, by a trigger)."""

    __tablename__ = "draw_event"
    __table_args__ = (
        Index("ix_draw_event_draw_id", "draw_id"),
        # A house is replaced once per draw, and a replacement serves once.
        Index("ux_draw_event_replaced", "draw_id", "house_id", unique=True, postgresql_where=_REPLACEMENT),
        Index(
            "ux_draw_event_replacement", "draw_id", "replacement_house_id", unique=True,
            postgresql_where=_REPLACEMENT,
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    draw_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("draw.id"))
    kind: Mapped[str] = mapped_column(String(24))
    house_id: Mapped[int | None] = mapped_column(BigInteger)
    replacement_house_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(24))
    actor: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
