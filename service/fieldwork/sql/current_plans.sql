SELECT p.id, p.team_id, t.name AS team_name, p.unscheduled, p.draw_id
FROM field_route_plan AS p
JOIN field_team AS t ON t.id = p.team_id
WHERE t.firm_id = :firm_id AND p.current AND p.draw_id = :draw_id
  AND (CAST(:team AS bigint) IS NULL OR t.id = CAST(:team AS bigint))  -- an inspector: their team only
ORDER BY t.name
