-- One Mapbox Vector Tile of counted hazardous houses below zoom 10: layer "clusters", one point per
-- 1/64-tile cell at the houses' mean position, from the pre-counted materialized view house_cluster.
-- Cells align with tiles, so the tile is a range of the (z, cx, cy) index.
WITH cells AS (
    SELECT cx, cy,
           sum(count) AS count,
           sum(count) FILTER (WHERE rs = 'pending') AS pending,
           sum(count) FILTER (WHERE rs = 'in_progress') AS in_progress,
           sum(count) FILTER (WHERE rs = 'done') AS done,
           sum(sx) / sum(count) AS x,
           sum(sy) / sum(count) AS y
    FROM house_cluster
    WHERE z = :z
      AND cx BETWEEN :x * 64 AND :x * 64 + 63
      AND cy BETWEEN :y * 64 AND :y * 64 + 63
      AND (CAST(:rectification_status AS text) IS NULL OR rs = :rectification_status)
      AND (CAST(:hazard_grade AS text) IS NULL OR hg = :hazard_grade)
      AND (CAST(:commercial AS boolean) IS NULL OR c = :commercial)
      AND (CAST(:near AS boolean) IS NULL OR n = :near)
    GROUP BY cx, cy
),
features AS (
    SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom,
           CAST(count AS int) AS count, CAST(COALESCE(pending, 0) AS int) AS pending,
           CAST(COALESCE(in_progress, 0) AS int) AS in_progress, CAST(COALESCE(done, 0) AS int) AS done
    FROM cells
)
SELECT COALESCE(ST_AsMVT(features, 'clusters', 4096, 'geom'), '') FROM features WHERE geom IS NOT NULL
