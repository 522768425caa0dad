-- Notices in the caller's scope (the house's unit), with the house's point (CGCS2000 lon/lat) and whether
-- the notice is overdue: issued, not closed, and its deadline before :today (the date in Asia/Shanghai).
-- This is the one statement of the overdue rule; it is computed, never stored.
SELECT n.id, n.inspection_id, n.draw_id, n.house_id, h.survey_code, h.address, n.unit_code,
       u.name AS unit_name, n.city_code, c.name AS city_name, n.status, n.number, n.issued_on, n.deadline,
       n.version, n.synthetic, n.issued_at, n.closed_at, n.updated_at, n.document_sha256,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       (n.status NOT IN ('draft', 'closed') AND n.deadline < CAST(:today AS date)) AS overdue
FROM notice AS n
JOIN house AS h ON h.id = n.house_id
LEFT JOIN sampling_unit AS u ON u.code = n.unit_code
LEFT JOIN division AS c ON c.code = n.city_code
WHERE (:scope_all OR n.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:notice_id AS bigint) IS NULL OR n.id = CAST(:notice_id AS bigint))
  AND (CAST(:status AS text) IS NULL OR n.status = CAST(:status AS text))
  AND (CAST(:overdue AS boolean) IS NULL
       OR (n.status NOT IN ('draft', 'closed') AND n.deadline < CAST(:today AS date)) = CAST(:overdue AS boolean))
ORDER BY (n.status NOT IN ('draft', 'closed') AND n.deadline < CAST(:today AS date)) DESC,
         n.status = 'closed', n.deadline NULLS FIRST, n.id
LIMIT :limit
