-- The id of a house in scope given its survey code or its id (a team's scope: a house assigned to it).
-- Parameters: key, scope_all, scope_units, scope_team.
SELECT id FROM house WHERE (survey_code = :key OR (CAST(:key AS text) ~ '^[0-9]{1,18}$'
AND id = CAST(:key AS bigint))) AND (CAST(:scope_all AS boolean)
OR county_code = ANY(CAST(:scope_units AS text[]))) AND (CAST(:scope_team AS bigint) IS NULL OR EXISTS (
SELECT 1 FROM field_assignment AS fa WHERE fa.house_id = house.id AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY survey_code = :key DESC LIMIT 1
