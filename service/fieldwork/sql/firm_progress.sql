-- A firm's progress in a draw: houses assigned, planned in the teams' current plans, visited.
SELECT count(*) AS assigned,
       count(*) FILTER (WHERE a.visited_at IS NOT NULL) AS visited,
       count(*) FILTER (WHERE a.visited_at IS NULL AND EXISTS (
           SELECT 1 FROM field_route_stop AS s JOIN field_route_plan AS p ON p.id = s.plan_id
           WHERE p.current AND p.team_id = a.team_id AND s.house_id = a.house_id
       )) AS planned
FROM field_assignment AS a
JOIN field_team AS t ON t.id = a.team_id
WHERE t.firm_id = :firm_id AND a.draw_id = :draw_id
  AND (CAST(:team AS bigint) IS NULL OR t.id = CAST(:team AS bigint))  -- an inspector: their team only
