-- Inspected houses (submitted or approved) of published draws in the caller's scope (units; an inspector:
-- their team), for the maps: where, when, by whom, the stored summary, the control measures on the form and
-- those recorded afterwards (service/followup: control_record); geo.inspection_results.controlled decides.
-- Parameters: draw_id (null: the newest published draw), unit (null: all), scope_all, scope_units, scope_team.
SELECT i.id, i.draw_id, i.house_id, h.survey_code, i.unit_code, u.name AS unit_name, i.status,
       i.summary, i.synthetic, COALESCE(i.submitted_at, i.opened_at) AS inspected_at,
       t.name AS team_name, f.name AS firm_name,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       i.answers -> 'control_measures' AS form_measures, ctl.measures AS recorded_measures
FROM inspection AS i
JOIN draw AS d ON d.id = i.draw_id AND d.status = 'published'
JOIN house AS h ON h.id = i.house_id
JOIN field_team AS t ON t.id = i.team_id
JOIN field_firm AS f ON f.id = t.firm_id
LEFT JOIN division AS u ON u.code = i.unit_code
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT m.code ORDER BY m.code) AS measures
    FROM control_case AS cc
    JOIN control_record AS cr ON cr.case_id = cc.id
    CROSS JOIN LATERAL unnest(cr.measures) AS m(code)
    WHERE cc.inspection_id = i.id
) AS ctl ON true
WHERE i.status IN ('submitted', 'approved')
  AND i.draw_id = COALESCE(CAST(:draw_id AS bigint), (
        SELECT id FROM draw WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1))
  AND (CAST(:unit AS text) IS NULL OR i.unit_code = CAST(:unit AS text))
  AND (CAST(:scope_all AS boolean) OR i.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
ORDER BY i.id
