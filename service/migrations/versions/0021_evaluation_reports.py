"""The evaluation reports (notice section 二(三)): the narrative drafts a firm or the provincial office edits
before the final export, and the final exports as stored.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

A draft is one section of one report: the county report of a sampling unit (``target`` = the unit's code) or
the provincial summary (``target`` = ``province``), for one year. Its ``version`` starts at 1 and grows with
every edit; an edit sent with an older version is refused (409). A section with no row is the text drafted
from the figures. An export is the .docx as it was handed over, with its SHA-256 and who exported it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_draft",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("target", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("edited_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("edited_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("target", "year", "section"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint("target = 'province' OR target ~ '^[0-9]{6,12}$'", name="target"),
    )
    op.create_table(
        "report_export",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("target", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("exported_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("exported_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("target = 'province' OR target ~ '^[0-9]{6,12}$'", name="target"),
    )
    op.create_index("ix_report_export_target_year", "report_export", ["target", "year"])


def downgrade() -> None:
    op.drop_index("ix_report_export_target_year", table_name="report_export")
    op.drop_table("report_export")
    op.drop_table("report_draft")
