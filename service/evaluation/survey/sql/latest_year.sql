-- The newest year with answers in the caller's scope (none: no answers yet).
SELECT max(r.year)
FROM survey_response AS r
WHERE (CAST(:scope_all AS boolean) OR r.unit_code = ANY(CAST(:scope_units AS text[])))
