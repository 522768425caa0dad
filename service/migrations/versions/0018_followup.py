"""Findings to actions (notice section 四): rectification notices with their steps and evidence, the per-city
number sequence, control cases for houses at risk of collapse with their measures and photos.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

A notice is a draft (no number) until the city office issues it: then its number comes from
``notice_counter`` (one row per city and year, incremented under its row lock, so numbers never repeat and
never skip), and its .docx is stored with its SHA-256. At most one notice of a house is open (not closed).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
NOTICE_STATUSES = "('draft', 'issued', 'in_progress', 'reported_done', 'closed')"
STEP_ACTIONS = "('draft', 'issue', 'progress', 'report_done', 'reject', 'accept')"
CONTROL_MEASURES = "ARRAY['stop_use', 'seal_and_warn', 'evacuate']::text[]"


def _who(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), sa.ForeignKey("account.id"), nullable=nullable)


def _file_columns() -> list[sa.Column]:
    return [
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        _who("uploaded_by_account_id", nullable=False),
        sa.Column("uploaded_at", TZ, nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "notice_counter",
        sa.Column("city_code", sa.String(12), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "inspection_id", sa.BigInteger(), sa.ForeignKey("inspection.id"), nullable=False, unique=True
        ),
        sa.Column("draw_id", sa.BigInteger(), nullable=False),
        sa.Column("house_id", sa.BigInteger(), sa.ForeignKey("house.id"), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default=sa.text("'draft'")),
        sa.Column("year", sa.Integer()),
        sa.Column("seq", sa.Integer()),
        sa.Column("number", sa.Text()),
        sa.Column("issued_on", sa.Date()),
        sa.Column("deadline", sa.Date()),
        sa.Column("requirements", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("legal_basis", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("contact", sa.Text()),
        sa.Column("document", sa.LargeBinary()),
        sa.Column("document_sha256", sa.String(64)),
        sa.Column("document_name", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        _who("created_by_account_id", nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        _who("issued_by_account_id"),
        sa.Column("issued_at", TZ),
        _who("closed_by_account_id"),
        sa.Column("closed_at", TZ),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("city_code", "year", "seq"),
        sa.ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        sa.CheckConstraint(f"status IN {NOTICE_STATUSES}", name="status"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint(
            "(status = 'draft') = (number IS NULL) AND (status = 'draft' OR (deadline IS NOT NULL AND "
            "issued_on IS NOT NULL AND document IS NOT NULL AND document_sha256 IS NOT NULL))",
            name="issued",
        ),
    )
    op.create_index("ix_notice_unit", "notice", ["unit_code"])
    op.create_index("ux_notice_open_house", "notice", ["house_id"], unique=True,
                    postgresql_where=sa.text("status <> 'closed'"))  # fmt: skip
    op.create_table(
        "notice_step",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "notice_id", sa.BigInteger(), sa.ForeignKey("notice.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _who("account_id", nullable=False),
        sa.Column("at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"action IN {STEP_ACTIONS}", name="action"),
    )
    op.create_index("ix_notice_step_notice", "notice_step", ["notice_id"])
    op.create_table(
        "notice_evidence",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "notice_id", sa.BigInteger(), sa.ForeignKey("notice.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "step_id", sa.BigInteger(), sa.ForeignKey("notice_step.id", ondelete="CASCADE"), nullable=False
        ),
        *_file_columns(),
    )
    op.create_index("ix_notice_evidence_notice", "notice_evidence", ["notice_id"])
    op.create_table(
        "control_case",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "inspection_id", sa.BigInteger(), sa.ForeignKey("inspection.id"), nullable=False, unique=True
        ),
        sa.Column("draw_id", sa.BigInteger(), nullable=False),
        sa.Column("house_id", sa.BigInteger(), sa.ForeignKey("house.id"), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        _who("opened_by_account_id", nullable=False),
        sa.Column("opened_at", TZ, nullable=False, server_default=sa.func.now()),
        _who("acknowledged_by_account_id"),
        sa.Column("acknowledged_at", TZ),
        sa.ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_control_case_unit", "control_case", ["unit_code"])
    op.create_table(
        "control_record",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "case_id", sa.BigInteger(), sa.ForeignKey("control_case.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("measures", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("taken_at", TZ, nullable=False),
        sa.Column("responsible", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        _who("recorded_by_account_id", nullable=False),
        sa.Column("recorded_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("source IN ('form', 'site')", name="source"),
        sa.CheckConstraint(f"cardinality(measures) >= 1 AND measures <@ {CONTROL_MEASURES}", name="measures"),
    )
    op.create_index("ix_control_record_case", "control_record", ["case_id"])
    op.create_table(
        "control_photo",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "case_id", sa.BigInteger(), sa.ForeignKey("control_case.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "record_id",
            sa.BigInteger(),
            sa.ForeignKey("control_record.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        *_file_columns(),
    )
    op.create_index("ix_control_photo_case", "control_photo", ["case_id"])


def downgrade() -> None:
    for table in ("control_photo", "control_record", "control_case", "notice_evidence", "notice_step", "notice",
                  "notice_counter"):  # fmt: skip
        op.drop_table(table)
