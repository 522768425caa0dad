"""Tables of the evaluation reports: the narrative drafts (one row per edited section of one report, versioned)
and the final exports (the .docx as handed over, with its SHA-256). Migration 0021."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base

TZ = DateTime(timezone=True)
PROVINCE_TARGET = (
    "province"  # the target of the provincial summary report; a county report's is its unit code
)
_TARGET = "target = 'province' OR target ~ '^[0-9]{6,12}$'"


class ReportDraft(Base):
    """One section of one report as edited in the service (no row: the text drafted from the figures)."""

    __tablename__ = "report_draft"
    __table_args__ = (
        UniqueConstraint("target", "year", "section"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(_TARGET, name="target"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    target: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=sql("1"))
    edited_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    edited_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class ReportExport(Base):
    """A final export: the .docx bytes, their SHA-256, whether synthetic data is in it, who exported it."""

    __tablename__ = "report_export"
    __table_args__ = (
        CheckConstraint(_TARGET, name="target"),
        Index("ix_report_export_target_year", "target", "year"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    target: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=sql("false"))
    exported_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    exported_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
