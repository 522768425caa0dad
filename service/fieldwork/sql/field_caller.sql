SELECT a.scope_plan_id, a.scope_group, m.team_id
FROM account AS a
LEFT JOIN field_team_member AS m ON m.account_id = a.id
WHERE a.id = :a
