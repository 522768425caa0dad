-- Years with a published draw (the counties to review) or a loaded checklist, newest first; drawn years
-- flagged.
SELECT year, bool_or(drawn) AS drawn
FROM (
    SELECT p.year, true AS drawn FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id
    WHERE d.status = 'published'
    UNION ALL
    SELECT year, false FROM review_checklist
) AS y
GROUP BY year
ORDER BY year DESC
