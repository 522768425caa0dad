-- The draw a report is about: the newest published draw (of :year when given), with its plan's year.
SELECT d.id, p.year, p.name AS plan_name, d.published_at
FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id
WHERE d.status = 'published' AND (CAST(:year AS integer) IS NULL OR p.year = CAST(:year AS integer))
ORDER BY p.year DESC, d.published_at DESC NULLS LAST, d.id DESC
LIMIT 1
