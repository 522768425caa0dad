-- Houses and units assigned to each team in its firm's current draw.
SELECT a.team_id, count(*) AS houses, array_agg(DISTINCT a.unit_code ORDER BY a.unit_code) AS units
FROM field_assignment AS a
WHERE a.team_id = ANY(CAST(:teams AS bigint[])) AND a.draw_id = :draw_id
GROUP BY a.team_id
