-- The sampling units an account may answer about: those of its scope, by city and code.
SELECT u.code, u.name
FROM sampling_unit AS u
WHERE (CAST(:scope_all AS boolean) OR u.code = ANY(CAST(:scope_units AS text[])))
ORDER BY u.city_code, u.code
LIMIT 200
