"""House frame: import batches, declared vs derived location, site identities, proximity, polygon pieces.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SRID = 4490
SITE_KINDS = "'college', 'school', 'kindergarten', 'hospital'"


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.Text()),
        sa.Column("declared_crs", sa.Text()),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("warnings", postgresql.JSONB(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("mapping", postgresql.JSONB(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("seconds", sa.Float()),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('houses', 'sites', 'townships')", name="kind"),
    )

    op.add_column("house", sa.Column("declared_county", sa.Text()))
    op.add_column("house", sa.Column("declared_township", sa.Text()))
    op.add_column(
        "house", sa.Column("location_mismatch", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.add_column("house", sa.Column("import_batch_id", sa.BigInteger(), sa.ForeignKey("import_batch.id")))

    op.add_column("sensitive_site", sa.Column("site_code", sa.Text()))
    op.add_column("sensitive_site", sa.Column("township_code", sa.String(12), sa.ForeignKey("division.code")))
    op.add_column("sensitive_site", sa.Column("source_crs", sa.String(16)))
    op.add_column(
        "sensitive_site", sa.Column("import_batch_id", sa.BigInteger(), sa.ForeignKey("import_batch.id"))
    )
    op.create_index(
        "uq_sensitive_site_site_code",
        "sensitive_site",
        ["site_code"],
        unique=True,
        postgresql_where=sa.text("site_code IS NOT NULL"),
    )
    op.create_index(
        "uq_sensitive_site_kind_name_county", "sensitive_site", ["kind", "name", "county_code"], unique=True
    )

    # Nearest site of each kind within that kind's radius, per house (refreshed after every import).
    op.create_table(
        "house_proximity",
        sa.Column(
            "house_id", sa.BigInteger(), sa.ForeignKey("house.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("site_kind", sa.String(16), primary_key=True),
        sa.Column(
            "site_id", sa.BigInteger(), sa.ForeignKey("sensitive_site.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.CheckConstraint(f"site_kind IN ({SITE_KINDS})", name="site_kind"),
        sa.CheckConstraint("distance_m >= 0", name="distance_non_negative"),
    )
    op.create_index("ix_house_proximity_site_id", "house_proximity", ["site_id"])

    # Division polygons cut into small pieces (ST_Subdivide): point-in-polygon over a million houses is
    # fast against pieces of a few hundred vertices, slow against whole county outlines.
    op.create_table(
        "division_piece",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("code", sa.String(12), sa.ForeignKey("division.code", ondelete="CASCADE"), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("geom", Geometry("POLYGON", srid=SRID, spatial_index=False), nullable=False),
    )
    op.create_index("ix_division_piece_geom", "division_piece", ["geom"], postgresql_using="gist")
    op.create_index("ix_division_piece_code", "division_piece", ["code"])


def downgrade() -> None:
    op.drop_table("division_piece")
    op.drop_table("house_proximity")
    op.drop_index("uq_sensitive_site_kind_name_county", table_name="sensitive_site")
    op.drop_index("uq_sensitive_site_site_code", table_name="sensitive_site")
    for column in ("import_batch_id", "source_crs", "township_code", "site_code"):
        op.drop_column("sensitive_site", column)
    for column in ("import_batch_id", "location_mismatch", "declared_township", "declared_county"):
        op.drop_column("house", column)
    op.drop_table("import_batch")
