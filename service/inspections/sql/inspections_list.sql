-- Inspections in the caller's scope (units; an inspector: their team), newest change first.
SELECT i.id, i.draw_id, i.house_id, h.survey_code, i.unit_code, i.team_id, t.name AS team_name, i.status,
       i.version, i.summary, i.submitted_at, i.updated_at, i.synthetic,
       (SELECT count(*) FROM inspection_photo AS p WHERE p.inspection_id = i.id) AS photos,
       COALESCE(i.opened_distance_m > :radius OR i.submitted_distance_m > :radius, false) AS far
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id
JOIN field_team AS t ON t.id = i.team_id
WHERE (:scope_all OR i.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
  AND (CAST(:draw_id AS bigint) IS NULL OR i.draw_id = CAST(:draw_id AS bigint))
  AND (CAST(:status AS text) IS NULL OR i.status = CAST(:status AS text))
ORDER BY i.updated_at DESC, i.id DESC
LIMIT :limit
