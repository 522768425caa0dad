-- The draw whose figures the dashboard shows: the newest published draw of a plan of :year (null: of any
-- year), with its plan's year. Parameters: year.
SELECT d.id, p.year
FROM draw AS d
JOIN sampling_plan AS p ON p.id = d.plan_id
WHERE d.status = 'published' AND (CAST(:year AS integer) IS NULL OR p.year = CAST(:year AS integer))
ORDER BY p.year DESC, d.published_at DESC, d.id DESC
LIMIT 1
