-- The counties reviewed in a year: the units of the published draws of that year's plans, in the caller's
-- scope, with their names and cities.
SELECT DISTINCT u.code AS unit_code, u.name AS unit_name, u.city_code, c.name AS city_name
FROM draw_unit AS du
JOIN draw AS d ON d.id = du.draw_id AND d.status = 'published'
JOIN sampling_plan AS p ON p.id = d.plan_id
JOIN sampling_unit AS u ON u.code = du.unit_code
LEFT JOIN division AS c ON c.code = u.city_code
WHERE p.year = :year
  AND (CAST(:scope_all AS boolean) OR u.code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:unit_code AS text) IS NULL OR u.code = CAST(:unit_code AS text))
ORDER BY u.city_code, u.code
