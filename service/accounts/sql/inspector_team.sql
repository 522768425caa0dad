-- An inspector's team (no row: in no team) with its name and the units of the houses assigned to it in
-- any draw. Parameters: a (the account id).
SELECT t.id, t.name,
       COALESCE(array_agg(DISTINCT fa.unit_code) FILTER (WHERE fa.unit_code IS NOT NULL), '{}') AS units
FROM field_team_member AS m
JOIN field_team AS t ON t.id = m.team_id
LEFT JOIN field_assignment AS fa ON fa.team_id = t.id
WHERE m.account_id = :a
GROUP BY t.id, t.name
