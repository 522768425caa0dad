SELECT m.team_id, a.id AS account_id, a.username, a.name
FROM field_team_member AS m
JOIN account AS a ON a.id = m.account_id
WHERE m.team_id = ANY(CAST(:teams AS bigint[]))
ORDER BY a.username
