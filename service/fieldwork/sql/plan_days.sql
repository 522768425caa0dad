-- The days of route plans, with the line as GeoJSON (EPSG:4490).
SELECT d.plan_id, d.day, d.vehicle, d.base_name, ST_X(d.base_geom) AS base_lon, ST_Y(d.base_geom) AS base_lat,
       d.start_at, d.end_at, d.break_start, d.break_end, d.houses, d.duration_s, d.travel_s, d.distance_m,
       ST_AsGeoJSON(d.line, 6) AS line
FROM field_route_day AS d
WHERE d.plan_id = ANY(CAST(:plans AS bigint[]))
  AND (CAST(:day AS date) IS NULL OR d.day = CAST(:day AS date))
ORDER BY d.plan_id, d.day, d.vehicle
