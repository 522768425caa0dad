-- The simplified polygons (CGCS2000 lon/lat, 5 decimals) of the divisions given, for the dashboard's map.
-- Parameters: codes (the drawn units or their cities, already limited to the caller's scope), tolerance.
SELECT d.code, d.approximate, ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, :tolerance), 5) AS geometry
FROM division AS d
WHERE d.code = ANY(CAST(:codes AS text[])) AND d.geom IS NOT NULL
ORDER BY d.code
