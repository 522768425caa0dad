"""Check a house's references once per statement instead of once per row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Measured (bench/bench_frame.py): the three per-row foreign-key triggers on house (county, township,
import batch) took half of the time of inserting a million houses, each row locking its division row with
a separate lookup. The same rule, checked set-based over the statement's transition table, costs about a
second per million rows. Deleting or renaming a division that houses refer to is refused the same way.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    ("fk_house_county_code_division", "county_code", "division", "code"),
    ("fk_house_township_code_division", "township_code", "division", "code"),
    ("fk_house_import_batch_id_import_batch", "import_batch_id", "import_batch", "id"),
)


def upgrade() -> None:
    for name, *_ in FOREIGN_KEYS:
        op.drop_constraint(name, "house", type_="foreignkey")
    op.execute(
        """
        CREATE FUNCTION house_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            bad record;
        BEGIN
            SELECT n.survey_code, n.county_code, n.township_code, n.import_batch_id INTO bad
            FROM new_rows AS n
            WHERE NOT EXISTS (SELECT 1 FROM division AS d WHERE d.code = n.county_code)
               OR (n.township_code IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM division AS d WHERE d.code = n.township_code))
               OR (n.import_batch_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM import_batch AS b WHERE b.id = n.import_batch_id))
            LIMIT 1;
            IF FOUND THEN
                RAISE foreign_key_violation USING MESSAGE = format(
                    'house %s refers to an unknown county %s, township %s or import batch %s',
                    bad.survey_code, bad.county_code, bad.township_code, bad.import_batch_id);
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER house_references_on_insert AFTER INSERT ON house
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION house_check_references();
        CREATE TRIGGER house_references_on_update AFTER UPDATE ON house
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION house_check_references();

        CREATE FUNCTION division_check_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM old_rows AS o
                WHERE NOT EXISTS (SELECT 1 FROM division AS d WHERE d.code = o.code)
                  AND (EXISTS (SELECT 1 FROM house AS h WHERE h.county_code = o.code)
                       OR EXISTS (SELECT 1 FROM house AS h WHERE h.township_code = o.code))
            ) THEN
                RAISE foreign_key_violation USING MESSAGE = 'a division that houses refer to cannot be removed';
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER division_unreferenced_on_delete AFTER DELETE ON division
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION division_check_unreferenced();
        CREATE TRIGGER division_unreferenced_on_update AFTER UPDATE ON division
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION division_check_unreferenced();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER division_unreferenced_on_update ON division;
        DROP TRIGGER division_unreferenced_on_delete ON division;
        DROP FUNCTION division_check_unreferenced();
        DROP TRIGGER house_references_on_update ON house;
        DROP TRIGGER house_references_on_insert ON house;
        DROP FUNCTION house_check_references();
        """
    )
    for name, column, table, target in FOREIGN_KEYS:
        op.create_foreign_key(name, "house", table, [column], [target])
