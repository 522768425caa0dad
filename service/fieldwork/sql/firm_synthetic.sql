-- Whether any house a firm's teams visit in the draw is synthetic (demo data).
SELECT COALESCE(bool_or(r.synthetic), false)
FROM field_assignment AS a
JOIN draw_house_record AS r ON r.draw_id = a.draw_id AND r.house_id = a.house_id
JOIN field_team AS t ON t.id = a.team_id
WHERE t.firm_id = :f AND a.draw_id = :d
  AND (CAST(:team AS bigint) IS NULL OR t.id = CAST(:team AS bigint))  -- an inspector: their team only
