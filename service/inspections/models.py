"""Tables of the on-site inspection (现场入户检查): one inspection per drawn house a team visits, its photos
and its review steps.

An inspection is made on the inspector's phone with an id the phone generates (``client_id``), so a form
sent twice is stored once; every change carries the ``version`` it was made from, so two editors never
silently overwrite each other. Answers follow a versioned form definition (``geo/forms/``); ``summary``
holds what the estimates read (record accurate, hazard correct, 数字整治, missed houses…). Positions are
CGCS2000 lon/lat (EPSG:4490); distances to the house are metres on the ellipsoid.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base, _point

STATUSES = ("draft", "submitted", "approved", "returned")
REVIEW_ACTIONS = ("submit", "approve", "return")


class Inspection(Base):
    """The inspection of one drawn house: answers, positions, status and version."""

    __tablename__ = "inspection"
    __table_args__ = (
        UniqueConstraint("draw_id", "house_id"),
        ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_inspection_team", "team_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    draw_id: Mapped[int] = mapped_column(BigInteger)
    house_id: Mapped[int] = mapped_column(BigInteger)
    team_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_team.id"))
    unit_code: Mapped[str] = mapped_column(String(12))
    form_version: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'draft'"))
    answers: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    summary: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    last_request_sha256: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    opened_geom = mapped_column(_point(), nullable=True)
    opened_accuracy_m: Mapped[float | None] = mapped_column(Float)
    opened_distance_m: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_geom = mapped_column(_point(), nullable=True)
    submitted_accuracy_m: Mapped[float | None] = mapped_column(Float)
    submitted_distance_m: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    updated_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InspectionPhoto(Base):
    """A photo of an inspection (as uploaded, resized on the phone), with what its EXIF says."""

    __tablename__ = "inspection_photo"
    __table_args__ = (Index("ix_inspection_photo_inspection", "inspection_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    inspection_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inspection.id", ondelete="CASCADE"))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text)
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    exif_geom = mapped_column(_point(), nullable=True)
    exif_distance_m: Mapped[float | None] = mapped_column(Float)
    uploaded_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InspectionReview(Base):
    """One step of an inspection's review: submitted, approved, or returned with comments."""

    __tablename__ = "inspection_review"
    __table_args__ = (
        CheckConstraint(f"action IN {REVIEW_ACTIONS}", name="action"),
        Index("ix_inspection_review_inspection", "inspection_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inspection.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
