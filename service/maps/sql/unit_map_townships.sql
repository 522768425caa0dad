-- The townships of a unit in scope with simplified polygons.
-- Parameters: u, scope_all, scope_units.
SELECT name, synthetic, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0003), 6) FROM division
WHERE parent_code = :u AND level = 'township' AND geom IS NOT NULL AND (CAST(:scope_all AS boolean)
OR parent_code = ANY(CAST(:scope_units AS text[]))) ORDER BY code
