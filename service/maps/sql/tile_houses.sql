-- One Mapbox Vector Tile of hazardous houses (houses with an open hazard record).
-- Positions are stored in CGCS2000 lon/lat; the tile is in Web Mercator (EPSG:3857). The tile's envelope
-- is transformed once to CGCS2000 so the GiST index on house.geom finds the candidates.
-- Layer "houses", one point per house, from zoom 10 on (below it, tile_clusters.sql serves counts).
-- :scope_all, :scope_units, :scope_team  the caller's scope (service.accounts.scope): only the houses of its
-- units (a team's: only those assigned to it).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS merc,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), 4490) AS lonlat
),
hazardous AS (
    SELECT h.id, h.geom, h.synthetic, is_commercial(h.use_class) AS commercial,
           r.rectification_status, r.hazard_grade,
           EXISTS (SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                   AND is_school_kind(p.site_kind)) AS near
    FROM house AS h
    JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    CROSS JOIN bounds AS b
    WHERE h.geom && b.lonlat
      AND (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
      AND (CAST(:rectification_status AS text) IS NULL OR r.rectification_status = :rectification_status)
      AND (CAST(:hazard_grade AS text) IS NULL OR r.hazard_grade = :hazard_grade)
      AND (CAST(:commercial AS boolean) IS NULL OR is_commercial(h.use_class) = :commercial)
),
selected AS (
    SELECT * FROM hazardous WHERE CAST(:near AS boolean) IS NULL OR near = :near
),
points AS (
    SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.merc, 4096, 64, true) AS geom,
           s.id, s.rectification_status AS rs, s.hazard_grade AS hg, s.commercial AS c, s.near AS n, s.synthetic AS s
    FROM selected AS s CROSS JOIN bounds AS b
)
SELECT COALESCE(ST_AsMVT(points, 'houses', 4096, 'geom'), '') FROM points WHERE geom IS NOT NULL
