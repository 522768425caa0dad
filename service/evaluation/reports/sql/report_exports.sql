-- The final exports of one report (target: a unit code or 'province'), newest first, without their bytes.
SELECT e.id, e.target, e.year, e.filename, e.sha256, e.size_bytes, e.synthetic, e.exported_at,
       a.name AS exported_by
FROM report_export AS e LEFT JOIN account AS a ON a.id = e.exported_by_account_id
WHERE e.target = :target AND (CAST(:year AS integer) IS NULL OR e.year = CAST(:year AS integer))
ORDER BY e.id DESC
LIMIT 50
