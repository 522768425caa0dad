"""Inspections: one per drawn house a team visits, its photos and its review steps.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

``inspection.client_id`` is generated on the phone (a resent form is stored once); ``version`` counts the
changes (a change made from an older version is a conflict, never an overwrite). Photos are stored in the
database with what their EXIF says (time, position) and their distance to the house.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _point():
    return Geometry("POINT", srid=4490, spatial_index=False)


def _account():
    return sa.ForeignKey("account.id")


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("client_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("draw_id", sa.BigInteger(), nullable=False),
        sa.Column("house_id", sa.BigInteger(), nullable=False),
        sa.Column("team_id", sa.BigInteger(), sa.ForeignKey("field_team.id"), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("form_version", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default=sa.text("'draft'")),
        sa.Column("answers", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("summary", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("last_request_sha256", sa.String(64)),
        sa.Column("opened_at", TZ),
        sa.Column("opened_geom", _point()),
        sa.Column("opened_accuracy_m", sa.Float()),
        sa.Column("opened_distance_m", sa.Float()),
        sa.Column("submitted_at", TZ),
        sa.Column("submitted_geom", _point()),
        sa.Column("submitted_accuracy_m", sa.Float()),
        sa.Column("submitted_distance_m", sa.Float()),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_by_account_id", sa.BigInteger(), _account(), nullable=False),
        sa.Column("updated_by_account_id", sa.BigInteger(), _account(), nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("draw_id", "house_id"),
        sa.ForeignKeyConstraint(["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"]),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned')", name="status"),
        sa.CheckConstraint("version >= 1", name="version"),
    )
    op.create_index("ix_inspection_team", "inspection", ["team_id"])
    op.create_table(
        "inspection_photo",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("client_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("inspection_id", sa.BigInteger(), sa.ForeignKey("inspection.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text()),
        sa.Column("taken_at", TZ),
        sa.Column("exif_geom", _point()),
        sa.Column("exif_distance_m", sa.Float()),
        sa.Column("uploaded_by_account_id", sa.BigInteger(), _account(), nullable=False),
        sa.Column("uploaded_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_inspection_photo_inspection", "inspection_photo", ["inspection_id"])
    op.create_table(
        "inspection_review",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("inspection_id", sa.BigInteger(), sa.ForeignKey("inspection.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), _account(), nullable=False),
        sa.Column("at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("action IN ('submit', 'approve', 'return')", name="action"),
    )
    op.create_index("ix_inspection_review_inspection", "inspection_review", ["inspection_id"])


def downgrade() -> None:
    op.drop_table("inspection_review")
    op.drop_table("inspection_photo")
    op.drop_table("inspection")
