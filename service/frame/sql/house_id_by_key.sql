-- The id of a house in scope given its survey code or its id.
-- Parameters: key, scope_all, scope_units.
SELECT id FROM house WHERE (survey_code = :key OR (CAST(:key AS text) ~ '^[0-9]{1,18}$'
AND id = CAST(:key AS bigint))) AND (CAST(:scope_all AS boolean)
OR county_code = ANY(CAST(:scope_units AS text[]))) ORDER BY survey_code = :key DESC LIMIT 1
