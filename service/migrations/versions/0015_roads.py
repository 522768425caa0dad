"""Road networks for the travel-time matrix (pgRouting): networks with provenance, edges, vertices, units.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

A ``road_network`` is one imported line layer (or the synthetic demo network) with its provenance: name,
source, version, licence, the CRS it was declared in, the synthetic flag, who imported it and when, its
size and extent. Its lines, noded at shared vertices and crossings, are ``road_edge`` rows in the shape
pgRouting reads (``id, source, target, cost, reverse_cost``: cost_s and reverse_cost_s in seconds, a
negative reverse cost for a one-way line); ``road_vertex`` holds the nodes with their weakly connected
component. ``road_network_unit`` says how well the network reaches each sampling unit's hazardous houses
and whether it covers the unit (docs/roads.md). Deleting a network deletes its rows (cascade).

The pgrouting extension is created here, as postgis is in 0001 (the migration's user must be allowed to);
its functions are executable by PUBLIC, so the service role (0011) can call them, and it reads and writes
the new tables through 0011's default privileges.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")
    op.create_table(
        "road_network",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("declared_crs", sa.String(16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("filename", sa.Text()),
        sa.Column("file_sha256", sa.String(64)),
        sa.Column("note", sa.Text()),
        sa.Column("imported_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id", ondelete="SET NULL")),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("imported_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("lines", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("edges", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("vertices", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("components", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("length_km", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("extent", Geometry("POLYGON", srid=4490, spatial_index=False)),
        sa.Column("hull", Geometry("POLYGON", srid=4490, spatial_index=False)),
    )
    op.create_table(
        "road_vertex",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "network_id", sa.BigInteger(), sa.ForeignKey("road_network.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("component", sa.BigInteger()),
        sa.Column("geom", Geometry("POINT", srid=4490, spatial_index=False), nullable=False),
    )
    op.create_index("ix_road_vertex_network_id", "road_vertex", ["network_id"])
    op.create_index("ix_road_vertex_geom", "road_vertex", ["geom"], postgresql_using="gist")
    op.create_table(
        "road_edge",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "network_id", sa.BigInteger(), sa.ForeignKey("road_network.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("road_class", sa.String(16), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("one_way", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("cost_s", sa.Float(), nullable=False),
        sa.Column("reverse_cost_s", sa.Float(), nullable=False),
        sa.Column("line_no", sa.Integer()),
        sa.Column("geom", Geometry("LINESTRING", srid=4490, spatial_index=False), nullable=False),
        sa.CheckConstraint("speed_kmh > 0 AND speed_kmh <= 150", name="speed"),
        sa.CheckConstraint("length_m >= 0 AND cost_s >= 0", name="cost"),
        sa.CheckConstraint(
            "road_class IN ('expressway', 'national', 'provincial', 'county', 'township', 'village', 'urban', "
            "'service', 'other')",
            name="road_class",
        ),
    )
    op.create_index("ix_road_edge_network_id", "road_edge", ["network_id"])
    op.create_index("ix_road_edge_geom", "road_edge", ["geom"], postgresql_using="gist")
    op.create_table(
        "road_network_unit",
        sa.Column(
            "network_id", sa.BigInteger(), sa.ForeignKey("road_network.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("unit_code", sa.String(12), sa.ForeignKey("sampling_unit.code"), primary_key=True),
        sa.Column("houses", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_road_network_unit_unit_code", "road_network_unit", ["unit_code"])


def downgrade() -> None:
    for table in ("road_network_unit", "road_edge", "road_vertex", "road_network"):
        op.drop_table(table)
    # The pgrouting extension stays, as postgis does in 0001: other databases' objects may depend on it.
