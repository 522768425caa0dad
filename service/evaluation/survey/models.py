"""Tables of the questionnaires: batches of resident links, their tokens, and the answers of all groups
(migration 0020). The definitions themselves are data files (``definitions/<year>.json``)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models import Base

GROUPS = ("official", "staff", "resident")
CHANNELS = ("link", "account", "paper")
TZ = DateTime(timezone=True)


class SurveyBatch(Base):
    """A batch of resident links of one county and year (printed as one sheet of QR codes)."""

    __tablename__ = "survey_batch"
    __table_args__ = (
        CheckConstraint("size BETWEEN 1 AND 500", name="size"),
        Index("ix_survey_batch_unit", "unit_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(String(12), ForeignKey("sampling_unit.code"))
    city_code: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(Text, server_default=text("''"))
    size: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_by_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class SurveyToken(Base):
    """One resident link: an unguessable token bound to a county and year, answerable once."""

    __tablename__ = "survey_token"
    __table_args__ = (Index("ix_survey_token_batch", "batch_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("survey_batch.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(String(12), ForeignKey("sampling_unit.code"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TZ)
    created_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())


class SurveyResponse(Base):
    """One filled-in questionnaire: its group, county, channel (link, account, paper) and its four parts."""

    __tablename__ = "survey_response"
    __table_args__ = (
        CheckConstraint(f"respondent_group IN {GROUPS}", name="respondent_group"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(
            "(channel = 'link') = (token_id IS NOT NULL) AND (channel <> 'link' OR respondent_group = 'resident')"
            " AND (channel <> 'account' OR account_id IS NOT NULL)"
            " AND (channel <> 'paper' OR entered_by_account_id IS NOT NULL)",
            name="channel_fields",
        ),
        Index("ix_survey_response_unit", "unit_code", "year"),
        Index(
            "ux_survey_response_token", "token_id", unique=True, postgresql_where=text("token_id IS NOT NULL")
        ),
        Index(
            "ux_survey_response_client",
            "client_id",
            unique=True,
            postgresql_where=text("client_id IS NOT NULL"),
        ),
        Index(
            "ux_survey_response_account",
            "account_id",
            "year",
            "respondent_group",
            unique=True,
            postgresql_where=text("channel = 'account'"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    definition_year: Mapped[int] = mapped_column(Integer)
    respondent_group: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(12), ForeignKey("sampling_unit.code"))
    city_code: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(8))
    token_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("survey_token.id", ondelete="CASCADE")
    )
    account_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("account.id"))
    entered_by_account_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("account.id"))
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    basic: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    ratings: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    needs: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    open_answers: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    paper_ref: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    submitted_at: Mapped[dt.datetime] = mapped_column(TZ, server_default=func.now())
