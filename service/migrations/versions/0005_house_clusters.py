"""Pre-counted clusters of hazardous houses for the low-zoom map tiles.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Below zoom 10 a tile covers thousands of houses; counting them per request made the overview tiles the
slowest of all (bench/bench_tiles.py). The counts per 1/64-tile cell, zoom 3-9, by every filter the map
offers, are kept in a materialized view, refreshed after imports and demo loads
(``service.maps.refresh_map_views``). Cells align with tiles, so a tile reads a range of the index.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WORLD = 40075016.68557849  # Web Mercator extent (m)
HALF = 20037508.342789244


def upgrade() -> None:
    op.execute(
        f"""
        CREATE MATERIALIZED VIEW house_cluster AS
        WITH hazardous AS (
            SELECT ST_Transform(h.geom, 3857) AS g,
                   r.rectification_status AS rs, r.hazard_grade AS hg,
                   h.use_class IN ('commercial', 'mixed') AS c,
                   EXISTS (SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                           AND p.site_kind IN ('college', 'school', 'kindergarten')) AS n,
                   h.synthetic AS s
            FROM house AS h
            JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
        )
        SELECT z::smallint AS z,
               floor((ST_X(g) + {HALF}) / ({WORLD} / (2 ^ z * 64)))::int AS cx,
               floor(({HALF} - ST_Y(g)) / ({WORLD} / (2 ^ z * 64)))::int AS cy,
               rs, hg, c, n, s,
               count(*)::int AS count, sum(ST_X(g)) AS sx, sum(ST_Y(g)) AS sy
        FROM hazardous CROSS JOIN generate_series(3, 9) AS z
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

        CREATE UNIQUE INDEX ix_house_cluster_cell ON house_cluster (z, cx, cy, rs, hg, c, n, s);
        """
    )


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW house_cluster")
