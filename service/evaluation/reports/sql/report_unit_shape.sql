-- A unit's boundary and its townships' boundaries, simplified (GeoJSON, CGCS2000 lon/lat), for its map.
SELECT d.code, d.name, d.level, COALESCE(d.synthetic, false) AS synthetic,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, CASE WHEN d.level = 'township' THEN 0.0003 ELSE 0.0005 END), 5) AS geojson
FROM division AS d
WHERE d.geom IS NOT NULL AND (d.code = :unit OR (d.parent_code = :unit AND d.level = 'township'))
  AND (CAST(:scope_all AS boolean) OR :unit = ANY(CAST(:scope_units AS text[])))
ORDER BY d.level <> 'township' DESC, d.code
