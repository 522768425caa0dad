"""A draw's record holds: rows stay in their draw, the plan is frozen, houses are kept as drawn.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

- The freeze trigger of draw_unit, draw_frame, draw_house (and the new draw_house_record) checks the draw a
  row leaves (OLD.draw_id) and the draw it enters (NEW.draw_id): a published draw's rows cannot be moved
  out, nor rows moved in. It takes a share lock on the draw row, so a write racing a publication either
  finishes before the publication reads the rows (which waits for it) or sees the draw published. TRUNCATE
  of those tables is refused while any draw is published.
- A plan used by a published draw cannot change or be deleted (its spec is what ``verify`` re-runs).
- ``draw_house_record``: each drawn and replacement house as it was at the house draw (survey code,
  township, village, address, use, hazard grade, rectification status, lon/lat, synthetic flag), what the
  export and the unit map show, so that a later import does not change a published draw's lists. Draws made
  before this migration get theirs from the houses as they are now (the only record there is).
- Every new draw_event names an account (a trigger on INSERT: older rows are not checked).
- A house is replaced once per draw and a replacement serves once (partial unique indexes: the backstop of
  the draw-row lock in ``use_replacement``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FROZEN = ("draw_unit", "draw_frame", "draw_house", "draw_house_record")

OLD_FREEZE = """
CREATE OR REPLACE FUNCTION draw_refuse_change_when_published() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.draw_id ELSE NEW.draw_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM draw WHERE id = target AND status = 'published') THEN
        RAISE EXCEPTION 'draw % is published and cannot change (% on %)', target, TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""

NEW_FREEZE = """
CREATE OR REPLACE FUNCTION draw_refuse_change_when_published() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
    v_status text;
BEGIN
    FOREACH target IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.draw_id]
                                       WHEN 'DELETE' THEN ARRAY[OLD.draw_id]
                                       ELSE ARRAY[OLD.draw_id, NEW.draw_id] END LOOP
        -- The share lock waits for a publication in progress and then reads the draw as it committed.
        SELECT status INTO v_status FROM draw WHERE id = target FOR SHARE;
        IF v_status = 'published' THEN
            RAISE EXCEPTION 'draw % is published and cannot change (% on %)', target, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""

RECORD_EXISTING = """
INSERT INTO draw_house_record (draw_id, house_id, survey_code, township_code, township_name, village, address,
                               use_class, hazard_grade, rectification_status, lon, lat, synthetic)
SELECT dh.draw_id, dh.house_id, f.survey_code, NULLIF(f.township_code, ''), t.name, h.village, h.address,
       h.use_class, r.hazard_grade, r.rectification_status, f.lon, f.lat, h.synthetic
FROM draw_house AS dh
JOIN draw_frame AS f ON f.draw_id = dh.draw_id AND f.house_id = dh.house_id
JOIN house AS h ON h.id = dh.house_id
LEFT JOIN division AS t ON t.code = NULLIF(f.township_code, '')
LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
"""


def upgrade() -> None:
    op.create_table(
        "draw_house_record",
        sa.Column("draw_id", sa.BigInteger(), primary_key=True),
        sa.Column("house_id", sa.BigInteger(), primary_key=True),
        sa.Column("survey_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.String(12)),
        sa.Column("township_name", sa.Text()),
        sa.Column("village", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("use_class", sa.String(16), nullable=False),
        sa.Column("hazard_grade", sa.String(16)),
        sa.Column("rectification_status", sa.String(16)),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id", "house_id"],
            ["draw_house.draw_id", "draw_house.house_id"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
    )
    op.execute(RECORD_EXISTING)
    op.execute(NEW_FREEZE)
    op.execute(
        """
        CREATE TRIGGER draw_house_record_frozen BEFORE INSERT OR UPDATE OR DELETE ON draw_house_record
            FOR EACH ROW EXECUTE FUNCTION draw_refuse_change_when_published();

        CREATE FUNCTION draw_refuse_truncate_when_published() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM draw WHERE status = 'published') THEN
                RAISE EXCEPTION 'published draws cannot change (TRUNCATE of %)', TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION sampling_plan_refuse_change_when_used() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Every draw of the plan is share-locked first, so a publication in progress is waited for.
            PERFORM 1 FROM draw WHERE plan_id = OLD.id FOR SHARE;
            IF EXISTS (SELECT 1 FROM draw WHERE plan_id = OLD.id AND status = 'published') THEN
                RAISE EXCEPTION 'sampling plan % is used by a published draw and cannot change (%)', OLD.id, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$;

        CREATE TRIGGER sampling_plan_frozen BEFORE UPDATE OR DELETE ON sampling_plan
            FOR EACH ROW EXECUTE FUNCTION sampling_plan_refuse_change_when_used();

        -- A trigger rather than a NOT VALID check: the same effect on new rows, and reflection of a NOT VALID
        -- constraint trips SQLAlchemy (an SAWarning in the models-vs-migrations comparison).
        CREATE FUNCTION draw_event_names_account() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.account_id IS NULL THEN
                RAISE EXCEPTION 'a draw event must name the account that acted (% of draw %)', NEW.kind, NEW.draw_id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;

        CREATE TRIGGER draw_event_account BEFORE INSERT ON draw_event
            FOR EACH ROW EXECUTE FUNCTION draw_event_names_account();
        """
    )
    for table in ("draw", *FROZEN):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION draw_refuse_truncate_when_published()"
        )
    op.create_index(
        "ux_draw_event_replaced", "draw_event", ["draw_id", "house_id"], unique=True,
        postgresql_where=sa.text("kind = 'replacement_used'"),
    )  # fmt: skip
    op.create_index(
        "ux_draw_event_replacement", "draw_event", ["draw_id", "replacement_house_id"], unique=True,
        postgresql_where=sa.text("kind = 'replacement_used'"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ux_draw_event_replacement", "draw_event")
    op.drop_index("ux_draw_event_replaced", "draw_event")
    for table in ("draw", *FROZEN):
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    op.execute(
        """
        DROP TRIGGER draw_event_account ON draw_event;
        DROP FUNCTION draw_event_names_account();
        DROP TRIGGER sampling_plan_frozen ON sampling_plan;
        DROP FUNCTION sampling_plan_refuse_change_when_used();
        DROP FUNCTION draw_refuse_truncate_when_published();
        """
    )
    op.drop_table("draw_house_record")
    op.execute(OLD_FREEZE)
