SELECT b.id, b.team_id, b.name, ST_X(b.geom) AS lon, ST_Y(b.geom) AS lat, b.valid_from, b.valid_to
FROM field_base AS b
WHERE b.team_id = ANY(CAST(:teams AS bigint[]))
ORDER BY b.valid_from, b.id
