"""Tables of the document review (migration 0019): the year's checklist and its weighted items, the county
office's evidence files and the firm's versioned scores, one per county and item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base

TZ = DateTime(timezone=True)


def _who(nullable: bool = True):
    return mapped_column(BigInteger, ForeignKey("account.id"), nullable=nullable)


def _item():
    return mapped_column(BigInteger, ForeignKey("review_item.id", ondelete="CASCADE"), nullable=False)


def _unit():
    return mapped_column(String(12), ForeignKey("sampling_unit.code"), nullable=False)


class ReviewChecklist(Base):
    """A year's checklist, loaded from ``checklists/<year>.json``; its weights change with ``version``."""

    __tablename__ = "review_checklist"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, unique=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
    updated_by_account_id: Mapped[int | None] = _who()


class ReviewItem(Base):
    """One item of a checklist: its key, title (the notice's words), the evidence expected, its weight."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("checklist_id", "key"), CheckConstraint("weight > 0", name="weight"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("review_checklist.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, server_default=text("''"))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))


class ReviewEvidence(Base):
    """A file the county office sent for an item, stored with its SHA-256 (the name kept as text only)."""

    __tablename__ = "review_evidence"
    __table_args__ = (
        Index("ix_review_evidence_unit_item", "unit_code", "item_id"),
        CheckConstraint("(withdrawn_at IS NULL) = (withdrawn_by_account_id IS NULL)", name="withdrawn"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = _item()
    unit_code: Mapped[str] = _unit()
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    uploaded_by_account_id: Mapped[int] = _who(nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
    # Withdrawn by the county office before the item was scored: kept, but no longer listed or counted.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(TZ)
    withdrawn_by_account_id: Mapped[int | None] = _who()


class ReviewScore(Base):
    """The firm's score (0–100) and comment of one item in one county; ``version`` counts its changes."""

    __tablename__ = "review_score"
    __table_args__ = (
        UniqueConstraint("item_id", "unit_code"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_review_score_unit", "unit_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = _item()
    unit_code: Mapped[str] = _unit()
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    comment: Mapped[str] = mapped_column(Text, server_default=text("''"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    scored_by_account_id: Mapped[int] = _who(nullable=False)
    scored_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
