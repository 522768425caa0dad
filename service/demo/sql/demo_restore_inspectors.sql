-- The demo plan's teams and their inspector accounts, to restore a demo's context.
-- Parameters: plan_id, prefix (the demo accounts' username prefix as a LIKE pattern).
SELECT t.id AS team_id, m.account_id
FROM field_team AS t
JOIN field_firm AS f ON f.id = t.firm_id
JOIN field_team_member AS m ON m.team_id = t.id
JOIN account AS a ON a.id = m.account_id AND a.username LIKE :prefix
WHERE f.plan_id = :plan_id
ORDER BY t.id, m.account_id
