-- The inspected houses of a draw for the national platform's verification module (核查管理模块): one row
-- per inspection in the given statuses, within the caller's scope (units; an inspector: their team), with
-- the house's divisions, the firm and team, who submitted and who approved, the house's position, and the
-- control measures recorded for it after the visit (service/followup: control_record) with their latest time.
-- Sorted by county, township, survey code and inspection id, so the same data gives the same rows.
-- Parameters: draw_id, statuses (text[]), scope_all, scope_units, scope_team.
SELECT i.id, i.draw_id, i.house_id, i.unit_code, i.status, i.summary, i.answers, i.synthetic,
       i.submitted_at, i.updated_at,
       h.survey_code, h.county_code, cty.name AS county_name, su.city_code, city.name AS city_name,
       h.township_code, tw.name AS township_name, h.village, h.address, h.synthetic AS house_synthetic,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       f.name AS firm_name, t.name AS team_name,
       COALESCE(sub.name, cb.name) AS inspector, appr.name AS reviewer, appr.at AS approved_at,
       ctl.measures AS recorded_measures, ctl.changed AS measures_changed
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id
JOIN field_team AS t ON t.id = i.team_id
JOIN field_firm AS f ON f.id = t.firm_id
JOIN account AS cb ON cb.id = i.created_by_account_id
LEFT JOIN sampling_unit AS su ON su.code = i.unit_code
LEFT JOIN division AS city ON city.code = su.city_code
LEFT JOIN division AS cty ON cty.code = h.county_code
LEFT JOIN division AS tw ON tw.code = h.township_code
LEFT JOIN LATERAL (
    SELECT a.name FROM inspection_review AS r JOIN account AS a ON a.id = r.account_id
    WHERE r.inspection_id = i.id AND r.action = 'submit' ORDER BY r.at DESC, r.id DESC LIMIT 1
) AS sub ON true
LEFT JOIN LATERAL (
    SELECT a.name, r.at FROM inspection_review AS r JOIN account AS a ON a.id = r.account_id
    WHERE r.inspection_id = i.id AND r.action = 'approve' ORDER BY r.at DESC, r.id DESC LIMIT 1
) AS appr ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT m.code ORDER BY m.code) AS measures, max(cr.recorded_at) AS changed
    FROM control_case AS cc
    JOIN control_record AS cr ON cr.case_id = cc.id
    CROSS JOIN LATERAL unnest(cr.measures) AS m(code)
    WHERE cc.inspection_id = i.id
) AS ctl ON true
WHERE i.draw_id = :draw_id
  AND i.status = ANY(CAST(:statuses AS text[]))
  AND (CAST(:scope_all AS boolean) OR i.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
ORDER BY h.county_code, h.township_code NULLS FIRST, h.survey_code, i.id
