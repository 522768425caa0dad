"""A version number for the map's data, bumped whenever the pre-counted map views are refreshed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Tiles are cached in the server process under this version (service/maps.py): every change that reaches
the map goes through refresh_map_views, which takes the next value, so a cached tile never outlives the
data it was drawn from by more than the moment between an import's commit and its refresh.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE map_version_seq")


def downgrade() -> None:
    op.execute("DROP SEQUENCE map_version_seq")
