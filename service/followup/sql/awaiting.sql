-- Approved inspections in the caller's scope that no issued notice answers yet (none, or only a draft):
-- the caller keeps those whose summary calls for a notice (geo.inspection_results.needs_notice).
SELECT i.id AS inspection_id, i.draw_id, i.house_id, h.survey_code, h.address, i.unit_code,
       u.name AS unit_name, u.city_code, i.summary, i.updated_at AS approved_at, n.id AS notice_id,
       n.version AS notice_version, i.synthetic
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id
LEFT JOIN sampling_unit AS u ON u.code = i.unit_code
LEFT JOIN notice AS n ON n.inspection_id = i.id
WHERE i.status = 'approved'
  AND (n.id IS NULL OR n.status = 'draft')
  AND (:scope_all OR i.unit_code = ANY(CAST(:scope_units AS text[])))
ORDER BY i.updated_at, i.id
