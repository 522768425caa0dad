"""Questionnaires (notice section 二(三)): batches of resident links (tokens, each bound to a county and a
year), and answers of the three groups (officials 干部, staff 工作人员, residents 群众).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

The questionnaire definitions (parts, items, scales, weights) are data files of the service
(``service/evaluation/survey/definitions/<year>.json``); an answer keeps the year and group it answered,
the definition it answered (``definition_year``: the newest definition not after the year), and its
ratings keyed by that definition's item keys. An answer arrives through one of three channels:
``link`` (a resident's token: at most one answer per token, the unique index says so), ``account`` (an
official or staff member's account: at most one answer per account, year and group) or ``paper`` (typed
in by a manager, who is recorded). ``client_id`` makes a resent submission land once.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
GROUPS = "('official', 'staff', 'resident')"
CHANNELS = "('link', 'account', 'paper')"


def _who(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), sa.ForeignKey("account.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "survey_batch",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), nullable=False),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("label", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        _who("created_by_account_id", nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("size BETWEEN 1 AND 500", name="size"),
    )
    op.create_index("ix_survey_batch_unit", "survey_batch", ["unit_code"])
    op.create_table(
        "survey_token",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "batch_id", sa.BigInteger(), sa.ForeignKey("survey_batch.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), nullable=False),
        sa.Column("revoked_at", TZ),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_survey_token_batch", "survey_token", ["batch_id"])
    op.create_table(
        "survey_response",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("definition_year", sa.Integer(), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), nullable=False),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("token_id", sa.BigInteger(), sa.ForeignKey("survey_token.id", ondelete="CASCADE")),
        _who("account_id"),
        _who("entered_by_account_id"),
        sa.Column("client_id", postgresql.UUID(as_uuid=True)),
        sa.Column("basic", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("ratings", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("needs", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("open_answers", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("paper_ref", sa.Text()),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("submitted_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"respondent_group IN {GROUPS}", name="respondent_group"),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        sa.CheckConstraint(
            "(channel = 'link') = (token_id IS NOT NULL) AND (channel <> 'link' OR respondent_group = 'resident')"
            " AND (channel <> 'account' OR account_id IS NOT NULL)"
            " AND (channel <> 'paper' OR entered_by_account_id IS NOT NULL)",
            name="channel_fields",
        ),
    )
    op.create_index("ix_survey_response_unit", "survey_response", ["unit_code", "year"])
    op.create_index("ux_survey_response_token", "survey_response", ["token_id"], unique=True,
                    postgresql_where=sa.text("token_id IS NOT NULL"))  # fmt: skip
    op.create_index("ux_survey_response_client", "survey_response", ["client_id"], unique=True,
                    postgresql_where=sa.text("client_id IS NOT NULL"))  # fmt: skip
    op.create_index("ux_survey_response_account", "survey_response", ["account_id", "year", "respondent_group"],
                    unique=True, postgresql_where=sa.text("channel = 'account'"))  # fmt: skip


def downgrade() -> None:
    op.drop_table("survey_response")
    op.drop_table("survey_token")
    op.drop_table("survey_batch")
