-- One Mapbox Vector Tile of counted hazardous houses below zoom 10: layer "clusters", one point per
-- 1/64-tile cell at the houses' mean position. Cells align with tiles, so the tile is a range of cells.
-- :scope_all, :scope_units  the caller's scope (service.accounts.scope). The whole province reads the
-- pre-counted materialized view house_cluster (a range of its (z, cx, cy) index). The view has no county,
-- so a partial scope counts its own hazardous houses here, into the same cells: as the view does, each
-- house gets its zoom-9 cell, rolled up to zoom :z by a shift (migration 0008), so both give equal counts.
-- :scope_team  a team's scope counts only the houses assigned to the team (no other house is counted).
WITH bounds AS (
    SELECT ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), 4490) AS lonlat
),
scoped AS (
    SELECT ST_Transform(h.geom, 3857) AS g,
           r.rectification_status AS rs
    FROM house AS h
    JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    CROSS JOIN bounds AS b
    WHERE NOT CAST(:scope_all AS boolean)
      AND h.county_code = ANY(CAST(:scope_units AS text[]))
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
      AND h.geom && b.lonlat
      AND (CAST(:rectification_status AS text) IS NULL OR r.rectification_status = :rectification_status)
      AND (CAST(:hazard_grade AS text) IS NULL OR r.hazard_grade = :hazard_grade)
      AND (CAST(:commercial AS boolean) IS NULL OR is_commercial(h.use_class) = :commercial)
      AND (CAST(:near AS boolean) IS NULL
           OR EXISTS (SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                      AND is_school_kind(p.site_kind)) = :near)
),
scoped_cells AS (
    -- Web Mercator half-extent 20037508.342789244 m; a zoom-9 cell is 40075016.68557849 / (2^9 * 64) m.
    SELECT floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / (2 ^ 9 * 64)))::int >> (9 - :z) AS cx,
           floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / (2 ^ 9 * 64)))::int >> (9 - :z) AS cy,
           rs, 1 AS count, ST_X(g) AS sx, ST_Y(g) AS sy
    FROM scoped
),
counted AS (
    SELECT cx, cy, rs, count, sx, sy
    FROM house_cluster
    WHERE CAST(:scope_all AS boolean)
      AND z = :z
      AND cx BETWEEN :x * 64 AND :x * 64 + 63
      AND cy BETWEEN :y * 64 AND :y * 64 + 63
      AND (CAST(:rectification_status AS text) IS NULL OR rs = :rectification_status)
      AND (CAST(:hazard_grade AS text) IS NULL OR hg = :hazard_grade)
      AND (CAST(:commercial AS boolean) IS NULL OR c = :commercial)
      AND (CAST(:near AS boolean) IS NULL OR n = :near)
    UNION ALL
    SELECT cx, cy, rs, count, sx, sy
    FROM scoped_cells
    WHERE cx BETWEEN :x * 64 AND :x * 64 + 63
      AND cy BETWEEN :y * 64 AND :y * 64 + 63
),
cells AS (
    SELECT cx, cy,
           sum(count) AS count,
           sum(count) FILTER (WHERE rs = 'pending') AS pending,
           sum(count) FILTER (WHERE rs = 'in_progress') AS in_progress,
           sum(count) FILTER (WHERE rs = 'done') AS done,
           sum(sx) / sum(count) AS x,
           sum(sy) / sum(count) AS y
    FROM counted
    GROUP BY cx, cy
),
features AS (
    SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom,
           CAST(count AS int) AS count, CAST(COALESCE(pending, 0) AS int) AS pending,
           CAST(COALESCE(in_progress, 0) AS int) AS in_progress, CAST(COALESCE(done, 0) AS int) AS done
    FROM cells
)
SELECT COALESCE(ST_AsMVT(features, 'clusters', 4096, 'geom'), '') FROM features WHERE geom IS NOT NULL
