"""Seed commitments: the public source of a draw's seed, fixed before the draw; who made each plan.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

A commitment names where a plan's seed will come from (e.g. 中国福利彩票双色球第2024123期开奖号码) and,
optionally, when that value becomes public. Its ``fixed_at`` is the server's time, set by a trigger whatever
the insert says, and the row can be neither changed nor deleted by the service's role: what was promised
stays as promised. A draw names the commitment it used (``draw.seed_commitment_id``; one draw per
commitment, so a commitment cannot be drawn again and again until a liked result comes); a draw without one
(the CLI's, older draws) is shown as 未事先公布种子来源. ``sampling_plan.created_by`` names the account
that made a plan (older plans: unknown).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
ROLE = "spotcheck_app"


def upgrade() -> None:
    op.create_table(
        "seed_commitment",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("sampling_plan.id"), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("public_at", TZ, nullable=True),
        sa.Column("fixed_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.CheckConstraint("length(btrim(source)) BETWEEN 4 AND 500", name="source"),
    )
    op.create_index("ix_seed_commitment_plan_id", "seed_commitment", ["plan_id"])
    op.execute(
        """
        CREATE FUNCTION seed_commitment_fix_time() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.fixed_at := now();  -- the server's time, never the caller's
            RETURN NEW;
        END $$;
        CREATE TRIGGER seed_commitment_fixed_at BEFORE INSERT ON seed_commitment
            FOR EACH ROW EXECUTE FUNCTION seed_commitment_fix_time();
        """
    )
    op.execute(
        f"""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                REVOKE UPDATE, DELETE, TRUNCATE ON seed_commitment FROM {ROLE};
            END IF;
        END $$;
        """
    )
    op.add_column("draw", sa.Column("seed_commitment_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key("draw_seed_commitment_id_fkey", "draw", "seed_commitment", ["seed_commitment_id"], ["id"])
    op.create_index("ux_draw_seed_commitment", "draw", ["seed_commitment_id"], unique=True,
                    postgresql_where=sa.text("seed_commitment_id IS NOT NULL"))  # fmt: skip
    op.add_column("sampling_plan", sa.Column("created_by", sa.Text(), nullable=True))
    op.add_column("sampling_plan", sa.Column("created_by_account_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key("sampling_plan_created_by_account_id_fkey", "sampling_plan", "account",
                          ["created_by_account_id"], ["id"])  # fmt: skip


def downgrade() -> None:
    op.drop_constraint("sampling_plan_created_by_account_id_fkey", "sampling_plan", type_="foreignkey")
    op.drop_column("sampling_plan", "created_by_account_id")
    op.drop_column("sampling_plan", "created_by")
    op.drop_index("ux_draw_seed_commitment", table_name="draw")
    op.drop_constraint("draw_seed_commitment_id_fkey", "draw", type_="foreignkey")
    op.drop_column("draw", "seed_commitment_id")
    op.drop_table("seed_commitment")
    op.execute("DROP FUNCTION seed_commitment_fix_time()")
