"""Domain rules defined once in the database, mirroring geo.enums: what counts as commercial (经营性) and
which sites make a house "near a school" (学校周边).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Queries call ``is_commercial(use_class)`` and ``is_school_kind(site_kind)`` instead of repeating the code
lists; both are IMMUTABLE SQL functions, which PostgreSQL inlines, so plans are unchanged. A test checks
them against ``geo.enums.UseClass.is_commercial`` and ``geo.enums.SiteKind.is_school`` for every code.
(The materialized views of migrations 0005/0006/0008 keep their own copy: migrations are frozen history.)
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION is_commercial(use_class text) RETURNS boolean
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN use_class IN ('commercial', 'mixed');
        CREATE FUNCTION is_school_kind(site_kind text) RETURNS boolean
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN site_kind IN ('college', 'school', 'kindergarten');
        GRANT EXECUTE ON FUNCTION is_commercial(text), is_school_kind(text) TO PUBLIC;
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION is_school_kind(text); DROP FUNCTION is_commercial(text);")
