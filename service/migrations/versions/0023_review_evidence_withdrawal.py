"""Document review: the county office withdraws evidence it sent by mistake, until the item is scored.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04

A withdrawn file is kept (with its SHA-256, and the account and time of the withdrawal) but no longer listed,
counted, downloaded or reported; the audit trail has both the upload and the withdrawal. Once the firm has
scored the item its evidence stays as it was scored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_evidence", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "review_evidence",
        sa.Column("withdrawn_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=True),
    )
    op.create_check_constraint(
        "withdrawn", "review_evidence", "(withdrawn_at IS NULL) = (withdrawn_by_account_id IS NULL)"
    )


def downgrade() -> None:
    op.drop_constraint("withdrawn", "review_evidence", type_="check")
    op.drop_column("review_evidence", "withdrawn_by_account_id")
    op.drop_column("review_evidence", "withdrawn_at")
