-- The edited sections of one report (target: a unit code or 'province') and year, with who edited them.
SELECT r.section, r.text, r.version, r.edited_at, a.name AS edited_by
FROM report_draft AS r LEFT JOIN account AS a ON a.id = r.edited_by_account_id
WHERE r.target = :target AND r.year = :year
