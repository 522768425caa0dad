"""Control cases: an alert cleared when the corrected inspection no longer finds a risk of collapse.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04

A case is opened when an inspection finding a risk of collapse is submitted. If the inspection is returned
and submitted again without that finding, the case is cleared (``cleared_at``, ``cleared_by_account_id``):
it is no longer an alert for the city office, while the measures recorded stay as facts. Submitted with the
finding once more, the case is open again (both columns NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("control_case", sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "control_case",
        sa.Column("cleared_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=True),
    )
    op.create_check_constraint("cleared", "control_case", "(cleared_at IS NULL) = (cleared_by_account_id IS NULL)")


def downgrade() -> None:
    op.drop_constraint("cleared", "control_case", type_="check")
    op.drop_column("control_case", "cleared_by_account_id")
    op.drop_column("control_case", "cleared_at")
