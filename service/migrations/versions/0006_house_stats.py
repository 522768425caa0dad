"""Pre-counted house figures per township for the map's choropleths and key figures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Counting a million houses for every choropleth and side panel made the provincial map take 7 s to
render (bench/bench_tiles.py). The counts per county, township and every dimension the figures need
(rectification status, grade, close-out, deadline, near a school, synthetic) are kept in a materialized
view refreshed with house_cluster; "overdue" still compares deadlines with today at query time.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE MATERIALIZED VIEW house_stats AS
        SELECT c.parent_code AS city_code, h.county_code, COALESCE(h.township_code, '') AS township_code,
               r.id IS NOT NULL AS hazardous, r.rectification_status AS rs, r.hazard_grade AS hg,
               COALESCE(r.closed_out, false) AS closed_out, r.rectification_deadline AS deadline,
               r.id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                   AND p.site_kind IN ('college', 'school', 'kindergarten')) AS near_school,
               h.synthetic,
               count(*)::int AS houses
        FROM house AS h
        JOIN division AS c ON c.code = h.county_code
        LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

        CREATE INDEX ix_house_stats_county ON house_stats (county_code);
        CREATE INDEX ix_house_stats_city ON house_stats (city_code);
        """
    )


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW house_stats")
