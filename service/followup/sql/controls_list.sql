-- Control cases in the caller's scope (an inspector: their team's houses), the alerts (neither acknowledged
-- nor cleared) first, newest first; each with its records of measures (and their photos, no content).
SELECT k.id, k.inspection_id, k.draw_id, k.house_id, h.survey_code, h.address, k.unit_code,
       u.name AS unit_name, k.city_code, k.version, k.synthetic, k.opened_at, k.acknowledged_at,
       ack.name AS acknowledged_by, k.cleared_at, clr.name AS cleared_by, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       COALESCE((SELECT jsonb_agg(jsonb_build_object(
                   'id', r.id, 'source', r.source, 'measures', to_jsonb(r.measures), 'taken_at', r.taken_at,
                   'responsible', r.responsible, 'note', r.note, 'recorded_at', r.recorded_at,
                   'recorded_by', ra.name,
                   'photos', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'filename', p.filename,
                                                                           'sha256', p.sha256) ORDER BY p.id)
                                       FROM control_photo AS p WHERE p.record_id = r.id), '[]'::jsonb))
                   ORDER BY r.taken_at, r.id)
                 FROM control_record AS r JOIN account AS ra ON ra.id = r.recorded_by_account_id
                 WHERE r.case_id = k.id), '[]'::jsonb) AS records
FROM control_case AS k
JOIN house AS h ON h.id = k.house_id
JOIN inspection AS i ON i.id = k.inspection_id
LEFT JOIN sampling_unit AS u ON u.code = k.unit_code
LEFT JOIN account AS ack ON ack.id = k.acknowledged_by_account_id
LEFT JOIN account AS clr ON clr.id = k.cleared_by_account_id
WHERE (:scope_all OR k.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
  AND (CAST(:case_id AS bigint) IS NULL OR k.id = CAST(:case_id AS bigint))
  AND (CAST(:unacknowledged AS boolean) IS NULL
       OR (k.acknowledged_at IS NULL AND k.cleared_at IS NULL) = CAST(:unacknowledged AS boolean))
ORDER BY k.acknowledged_at IS NOT NULL OR k.cleared_at IS NOT NULL, k.opened_at DESC, k.id DESC
LIMIT :limit
