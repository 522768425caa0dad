-- The province's cities and sampling units' boundaries, simplified (GeoJSON, CGCS2000 lon/lat), for its map.
SELECT d.code, d.name, d.level, ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, 0.005), 4) AS geojson
FROM division AS d
WHERE d.geom IS NOT NULL AND (d.level = 'city' OR d.code IN (SELECT code FROM sampling_unit))
  AND CAST(:scope_all AS boolean)
ORDER BY d.level = 'city' DESC, d.code
