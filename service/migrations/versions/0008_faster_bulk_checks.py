"""Cheaper set-based work after a bulk load: house reference checks and the cluster counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

Measured with a million imported houses (bench/bench_frame.py):
- house_check_references looked up the division and import batch of every new row; a statement's rows
  carry a few hundred distinct (county, township, batch) combinations, so checking those is enough.
- house_cluster grouped every hazardous house seven times (zoom 3-9, 3.0 s). It now groups them once, at
  zoom 9, and rolls the cells up: at zoom z a cell is (cx >> (9 - z), cy >> (9 - z)) of its zoom-9 cells,
  exactly, since floor(floor(a) / 2^k) = floor(a / 2^k). Same rows and counts, 1.3 s.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WORLD = 40075016.68557849  # Web Mercator extent (m)
HALF = 20037508.342789244
FINEST = 9  # the cluster views' finest zoom; tiles from zoom 10 draw the houses themselves

HAZARDOUS = """
    SELECT ST_Transform(h.geom, 3857) AS g,
           r.rectification_status AS rs, r.hazard_grade AS hg,
           h.use_class IN ('commercial', 'mixed') AS c,
           EXISTS (SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                   AND p.site_kind IN ('college', 'school', 'kindergarten')) AS n,
           h.synthetic AS s
    FROM house AS h
    JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
"""

CHECK_REFERENCES = """
CREATE OR REPLACE FUNCTION house_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT {select} INTO bad
    FROM {source} AS n
    WHERE NOT EXISTS (SELECT 1 FROM division AS d WHERE d.code = n.county_code)
       OR (n.township_code IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM division AS d WHERE d.code = n.township_code))
       OR (n.import_batch_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM import_batch AS b WHERE b.id = n.import_batch_id))
    LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = {message};
    END IF;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.execute(
        CHECK_REFERENCES.format(
            select="n.county_code, n.township_code, n.import_batch_id",
            source="(SELECT DISTINCT county_code, township_code, import_batch_id FROM new_rows)",
            message="format('a house refers to an unknown county %s, township %s or import batch %s', "
            "bad.county_code, bad.township_code, bad.import_batch_id)",
        )
    )
    cell = f"{WORLD} / (2 ^ {FINEST} * 64)"
    op.execute(
        f"""
        DROP MATERIALIZED VIEW house_cluster;
        CREATE MATERIALIZED VIEW house_cluster AS
        WITH hazardous AS ({HAZARDOUS}),
        finest AS (
            SELECT floor((ST_X(g) + {HALF}) / ({cell}))::int AS cx,
                   floor(({HALF} - ST_Y(g)) / ({cell}))::int AS cy,
                   rs, hg, c, n, s, count(*)::int AS count, sum(ST_X(g)) AS sx, sum(ST_Y(g)) AS sy
            FROM hazardous
            GROUP BY 1, 2, 3, 4, 5, 6, 7
        )
        SELECT z::smallint AS z, cx >> ({FINEST} - z) AS cx, cy >> ({FINEST} - z) AS cy, rs, hg, c, n, s,
               sum(count)::int AS count, sum(sx) AS sx, sum(sy) AS sy
        FROM finest CROSS JOIN generate_series(3, {FINEST}) AS z
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
        CREATE UNIQUE INDEX ix_house_cluster_cell ON house_cluster (z, cx, cy, rs, hg, c, n, s);
        """
    )


def downgrade() -> None:
    op.execute(
        CHECK_REFERENCES.format(
            select="n.survey_code, n.county_code, n.township_code, n.import_batch_id",
            source="new_rows",
            message="format('house %s refers to an unknown county %s, township %s or import batch %s', "
            "bad.survey_code, bad.county_code, bad.township_code, bad.import_batch_id)",
        )
    )
    cell = f"{WORLD} / (2 ^ z * 64)"
    op.execute(
        f"""
        DROP MATERIALIZED VIEW house_cluster;
        CREATE MATERIALIZED VIEW house_cluster AS
        WITH hazardous AS ({HAZARDOUS})
        SELECT z::smallint AS z,
               floor((ST_X(g) + {HALF}) / ({cell}))::int AS cx,
               floor(({HALF} - ST_Y(g)) / ({cell}))::int AS cy,
               rs, hg, c, n, s,
               count(*)::int AS count, sum(ST_X(g)) AS sx, sum(ST_Y(g)) AS sy
        FROM hazardous CROSS JOIN generate_series(3, 9) AS z
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
        CREATE UNIQUE INDEX ix_house_cluster_cell ON house_cluster (z, cx, cy, rs, hg, c, n, s);
        """
    )
