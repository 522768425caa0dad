-- Assignments of a draw for some teams, with the team's name.
SELECT a.draw_id, a.house_id, a.team_id, t.name AS team_name, a.unit_code, a.source, a.service_minutes,
       a.appointment_start, a.appointment_end, a.visited_at, a.version
FROM field_assignment AS a
JOIN field_team AS t ON t.id = a.team_id
WHERE a.draw_id = :draw_id AND a.team_id = ANY(CAST(:teams AS bigint[]))
ORDER BY a.unit_code, a.house_id
