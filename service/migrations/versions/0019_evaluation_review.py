"""Document review (查阅资料, notice section 二(二)): a year's checklist of items with weights, the county
office's evidence files per item, and the firm's score (0–100) with a comment per county and item.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03

The checklist is data: ``service/evaluation/review/checklists/<year>.json`` is loaded into
``review_checklist`` and ``review_item`` the first time the year is used; the province changes its weights
afterwards (positive, summing to 100, ``version`` guards concurrent edits). A score row exists only once the
item is scored; ``version`` counts its changes (a change from an older version is a conflict). Evidence is
stored in the database with its SHA-256.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _who(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), sa.ForeignKey("account.id"), nullable=nullable)


def _item() -> sa.Column:
    return sa.Column(
        "item_id", sa.BigInteger(), sa.ForeignKey("review_item.id", ondelete="CASCADE"), nullable=False
    )


def _unit() -> sa.Column:
    return sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "review_checklist",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("year", sa.SmallInteger(), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        _who("updated_by_account_id"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_table(
        "review_item",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "checklist_id",
            sa.BigInteger(),
            sa.ForeignKey("review_checklist.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("weight", sa.Numeric(6, 2), nullable=False),
        sa.UniqueConstraint("checklist_id", "key"),
        sa.CheckConstraint("weight > 0", name="weight"),
    )
    op.create_table(
        "review_evidence",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        _item(),
        _unit(),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        _who("uploaded_by_account_id", nullable=False),
        sa.Column("uploaded_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_review_evidence_unit_item", "review_evidence", ["unit_code", "item_id"])
    op.create_table(
        "review_score",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        _item(),
        _unit(),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        _who("scored_by_account_id", nullable=False),
        sa.Column("scored_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("item_id", "unit_code"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_review_score_unit", "review_score", ["unit_code"])


def downgrade() -> None:
    for table in ("review_score", "review_evidence", "review_item", "review_checklist"):
        op.drop_table(table)
