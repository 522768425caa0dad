-- Inspections in the caller's scope (units; an inspector: their team), newest change first.
-- For the review queue: the unit's name, the positions' distances, the photos without EXIF or far from the
-- house, and the control measures on the form and recorded afterwards (service/followup: control_record), for
-- geo.inspection_results.controlled.
SELECT i.id, i.draw_id, i.house_id, h.survey_code, h.address, i.unit_code, d.name AS unit_name, i.team_id,
       t.name AS team_name, i.status, i.version, i.summary, i.submitted_at, i.updated_at, i.synthetic,
       i.opened_distance_m, i.submitted_distance_m,
       COALESCE(i.opened_distance_m > :radius OR i.submitted_distance_m > :radius, false) AS far,
       p.photos, p.photos_far, p.photos_without_gps, p.photos_without_time,
       i.answers -> 'control_measures' AS form_measures, ctl.measures AS recorded_measures
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id
JOIN field_team AS t ON t.id = i.team_id
LEFT JOIN division AS d ON d.code = i.unit_code
CROSS JOIN LATERAL (
    SELECT count(*) AS photos,
           count(*) FILTER (WHERE ph.exif_distance_m > :radius) AS photos_far,
           count(*) FILTER (WHERE ph.exif_geom IS NULL) AS photos_without_gps,
           count(*) FILTER (WHERE ph.taken_at IS NULL) AS photos_without_time
    FROM inspection_photo AS ph
    WHERE ph.inspection_id = i.id
) AS p
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT m.code ORDER BY m.code) AS measures
    FROM control_case AS cc
    JOIN control_record AS cr ON cr.case_id = cc.id
    CROSS JOIN LATERAL unnest(cr.measures) AS m(code)
    WHERE cc.inspection_id = i.id
) AS ctl ON true
WHERE (:scope_all OR i.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
  AND (CAST(:draw_id AS bigint) IS NULL OR i.draw_id = CAST(:draw_id AS bigint))
  AND (CAST(:status AS text) IS NULL OR i.status = CAST(:status AS text))
ORDER BY i.updated_at DESC, i.id DESC
LIMIT :limit
