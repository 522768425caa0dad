"""Tables of what follows from the findings (notice section 四): rectification notices (整改通知单), their
steps and evidence, the per-city number sequence; control cases for houses at risk of collapse (管控措施),
their records of measures and photos. Files are stored as bytes with their SHA-256.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base

NOTICE_STATUSES = ("draft", "issued", "in_progress", "reported_done", "closed")
STEP_ACTIONS = ("draft", "issue", "progress", "report_done", "reject", "accept")
CONTROL_MEASURES = ("stop_use", "seal_and_warn", "evacuate")  # geo/forms/inspection_v1.json control_measures
TZ = DateTime(timezone=True)


def _who(nullable: bool = True):
    return mapped_column(BigInteger, ForeignKey("account.id"), nullable=nullable)


class NoticeCounter(Base):
    """The last number a city issued in a year: incremented under its row lock (no repeat, no gap)."""

    __tablename__ = "notice_counter"

    city_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Notice(Base):
    """A rectification notice about one house: a draft, then issued with its number and stored document."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("city_code", "year", "seq"),
        ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        CheckConstraint(f"status IN {NOTICE_STATUSES}", name="status"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(
            "(status = 'draft') = (number IS NULL) AND (status = 'draft' OR (deadline IS NOT NULL AND "
            "issued_on IS NOT NULL AND document IS NOT NULL AND document_sha256 IS NOT NULL))",
            name="issued",
        ),
        Index("ix_notice_unit", "unit_code"),
        Index("ux_notice_open_house", "house_id", unique=True, postgresql_where=text("status <> 'closed'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inspection.id"), unique=True)
    draw_id: Mapped[int] = mapped_column(BigInteger)
    house_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("house.id"))
    unit_code: Mapped[str] = mapped_column(String(12))
    city_code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'draft'"))
    year: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    requirements: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'"))
    legal_basis: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'"))
    contact: Mapped[str | None] = mapped_column(Text)
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_by_account_id: Mapped[int] = _who(False)
    created_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
    issued_by_account_id: Mapped[int | None] = _who()
    issued_at: Mapped[dt.datetime | None] = mapped_column(TZ)
    closed_by_account_id: Mapped[int | None] = _who()
    closed_at: Mapped[dt.datetime | None] = mapped_column(TZ)
    updated_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class NoticeStep(Base):
    """One step of a notice: drafted, issued, a progress report, reported done, rejected, accepted."""

    __tablename__ = "notice_step"
    __table_args__ = (
        CheckConstraint(f"action IN {STEP_ACTIONS}", name="action"),
        Index("ix_notice_step_notice", "notice_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notice_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notice.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # the notice's status after the step
    version: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = _who(False)
    at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class _File:
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_account_id: Mapped[int] = _who(False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class NoticeEvidence(_File, Base):
    """A photo or PDF the county office sent with a progress report."""

    __tablename__ = "notice_evidence"
    __table_args__ = (Index("ix_notice_evidence_notice", "notice_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notice_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notice.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notice_step.id", ondelete="CASCADE"))


class ControlCase(Base):
    """A house at risk of collapse, opened when its inspection is submitted; acknowledged by the city office;
    cleared when the inspection is submitted again without the risk (open again if the risk comes back)."""

    __tablename__ = "control_case"
    __table_args__ = (
        ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("(cleared_at IS NULL) = (cleared_by_account_id IS NULL)", name="cleared"),
        Index("ix_control_case_unit", "unit_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inspection.id"), unique=True)
    draw_id: Mapped[int] = mapped_column(BigInteger)
    house_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("house.id"))
    unit_code: Mapped[str] = mapped_column(String(12))
    city_code: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    opened_by_account_id: Mapped[int] = _who(False)
    opened_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
    acknowledged_by_account_id: Mapped[int | None] = _who()
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(TZ)
    cleared_by_account_id: Mapped[int | None] = _who()
    cleared_at: Mapped[dt.datetime | None] = mapped_column(TZ)


class ControlRecord(Base):
    """Measures taken at a house: which, when, who is responsible; from the form or recorded on site later."""

    __tablename__ = "control_record"
    __table_args__ = (
        CheckConstraint("source IN ('form', 'site')", name="source"),
        CheckConstraint(
            "cardinality(measures) >= 1 AND measures <@ ARRAY['stop_use', 'seal_and_warn', 'evacuate']::text[]",
            name="measures",
        ),
        Index("ix_control_record_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("control_case.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8))
    measures: Mapped[list[str]] = mapped_column(ARRAY(Text))
    taken_at: Mapped[dt.datetime] = mapped_column(TZ)
    responsible: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_account_id: Mapped[int] = _who(False)
    recorded_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class ControlPhoto(_File, Base):
    """A photo of measures taken (the seal, the warning sign, the empty house)."""

    __tablename__ = "control_photo"
    __table_args__ = (Index("ix_control_photo_case", "case_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("control_case.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("control_record.id", ondelete="CASCADE"))
