"""Sampling plans and draws: the record that makes a draw reproducible, verifiable and immutable.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

A draw keeps everything needed to re-run it: the plan, the seed, the algorithm version and the frame it
drew from (draw_frame, with its digest). Once published, a draw and its rows can no longer change
(triggers refuse it); later events, such as a replacement used, are appended to draw_event, which itself
is append-only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sampling_plan",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("spec", postgresql.JSONB(), nullable=False),
        sa.Column("spec_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "draw",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("sampling_plan.id"), nullable=False),
        sa.Column("seed", sa.Text(), nullable=False),
        sa.Column("algorithm_version", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="units_drawn"),
        sa.Column("frame_digest", sa.String(64)),
        sa.Column("frame_size", sa.Integer()),
        sa.Column("result_digest", sa.String(64)),
        sa.Column("created_by", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('units_drawn', 'houses_drawn', 'published')", name="status"),
        sa.CheckConstraint("status <> 'published' OR result_digest IS NOT NULL", name="published_has_digest"),
    )
    op.create_table(
        "draw_unit",
        sa.Column("draw_id", sa.BigInteger(), sa.ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), primary_key=True),
        sa.Column("city_code", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("inclusion_probability", sa.Float(), nullable=False),
        sa.Column("unit_order", sa.SmallInteger(), nullable=False),
        sa.Column("group_name", sa.Text()),
        sa.Column("firm", sa.Text()),
        sa.Column("houses_requested", sa.SmallInteger()),
        sa.Column("commercial_min", sa.SmallInteger()),
        sa.Column("commercial_drawn", sa.SmallInteger()),
        sa.Column("frame_size", sa.Integer()),
        sa.Column("shortfalls", postgresql.JSONB(), server_default=sa.text("'[]'"), nullable=False),
        sa.CheckConstraint(
            "reason IN ('seat', 'random', 'all', 'stands_alone', 'included', 'fixed')", name="reason"
        ),
        sa.CheckConstraint("inclusion_probability > 0 AND inclusion_probability <= 1", name="probability"),
    )
    # The frame a draw used, as it was: verify re-runs the draw from here and checks its digest.
    op.create_table(
        "draw_frame",
        sa.Column("draw_id", sa.BigInteger(), sa.ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("house_id", sa.BigInteger(), primary_key=True),
        sa.Column("survey_code", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("commercial", sa.Boolean(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
    )
    op.create_index("ix_draw_frame_unit", "draw_frame", ["draw_id", "unit_code"])
    op.create_table(
        "draw_house",
        sa.Column("draw_id", sa.BigInteger(), sa.ForeignKey("draw.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("house_id", sa.BigInteger(), primary_key=True),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stratum", sa.Text(), nullable=False),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("commercial", sa.Boolean(), nullable=False),
        sa.Column("inclusion_probability", sa.Float(), nullable=False),
        sa.CheckConstraint("role IN ('sample', 'replacement')", name="role"),
    )
    op.create_index("ix_draw_house_unit", "draw_house", ["draw_id", "unit_code", "role", "position"])
    op.create_table(
        "draw_event",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("draw_id", sa.BigInteger(), sa.ForeignKey("draw.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("house_id", sa.BigInteger()),
        sa.Column("replacement_house_id", sa.BigInteger()),
        sa.Column("reason", sa.String(24)),
        sa.Column("actor", sa.Text()),
        sa.Column("note", sa.Text()),
        sa.Column("detail", postgresql.JSONB(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('units_drawn', 'houses_drawn', 'published', 'verified', 'replacement_used')",
            name="kind",
        ),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('demolished', 'locked', 'refused', 'unsafe', 'not_found', 'other')",
            name="reason",
        ),
    )
    op.create_index("ix_draw_event_draw_id", "draw_event", ["draw_id"])
    op.execute(
        """
        CREATE FUNCTION draw_refuse_change_when_published() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            target bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.draw_id ELSE NEW.draw_id END;
        BEGIN
            IF EXISTS (SELECT 1 FROM draw WHERE id = target AND status = 'published') THEN
                RAISE EXCEPTION 'draw % is published and cannot change (% on %)', target, TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$;

        CREATE TRIGGER draw_unit_frozen BEFORE INSERT OR UPDATE OR DELETE ON draw_unit
            FOR EACH ROW EXECUTE FUNCTION draw_refuse_change_when_published();
        CREATE TRIGGER draw_house_frozen BEFORE INSERT OR UPDATE OR DELETE ON draw_house
            FOR EACH ROW EXECUTE FUNCTION draw_refuse_change_when_published();
        CREATE TRIGGER draw_frame_frozen BEFORE INSERT OR UPDATE OR DELETE ON draw_frame
            FOR EACH ROW EXECUTE FUNCTION draw_refuse_change_when_published();

        CREATE FUNCTION draw_refuse_change_of_published() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status = 'published' THEN
                RAISE EXCEPTION 'draw % is published and cannot change', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$;

        CREATE TRIGGER draw_frozen BEFORE UPDATE OR DELETE ON draw
            FOR EACH ROW EXECUTE FUNCTION draw_refuse_change_of_published();

        CREATE FUNCTION draw_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'draw events are append-only' USING ERRCODE = 'integrity_constraint_violation';
        END $$;

        CREATE TRIGGER draw_event_append_only BEFORE UPDATE OR DELETE ON draw_event
            FOR EACH ROW EXECUTE FUNCTION draw_event_append_only();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER draw_event_append_only ON draw_event;
        DROP FUNCTION draw_event_append_only();
        DROP TRIGGER draw_frozen ON draw;
        DROP FUNCTION draw_refuse_change_of_published();
        DROP TRIGGER draw_frame_frozen ON draw_frame;
        DROP TRIGGER draw_house_frozen ON draw_house;
        DROP TRIGGER draw_unit_frozen ON draw_unit;
        DROP FUNCTION draw_refuse_change_when_published();
        """
    )
    for table in ("draw_event", "draw_house", "draw_frame", "draw_unit", "draw", "sampling_plan"):
        op.drop_table(table)
