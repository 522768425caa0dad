-- Every drawn and replacement house of a draw for the export, as the draw recorded it (draw_house_record):
-- a later import that changes a house does not change a published draw's lists. A team's scope
-- (:scope_team) exports only the houses assigned to the team in this draw, and names a replacing or
-- replaced house only if it is assigned to the team too.
SELECT u.group_name, u.firm, c.name AS city_name, d.name AS unit_name, dh.unit_code, dh.role, dh.position,
       hr.survey_code, hr.township_name, hr.village, hr.address, hr.use_class, dh.commercial,
       hr.hazard_grade, hr.rectification_status, dh.stratum, dh.inclusion_probability AS house_probability,
       u.inclusion_probability AS unit_probability, hr.lon, hr.lat,
       rh.survey_code AS replaced_by, e.reason AS replaced_reason, sh.survey_code AS replaces, hr.synthetic
FROM draw_house AS dh
JOIN draw_house_record AS hr ON hr.draw_id = dh.draw_id AND hr.house_id = dh.house_id
JOIN draw_unit AS u ON u.draw_id = dh.draw_id AND u.unit_code = dh.unit_code
JOIN division AS d ON d.code = dh.unit_code
JOIN division AS c ON c.code = u.city_code
LEFT JOIN draw_event AS e ON e.draw_id = dh.draw_id AND e.kind = 'replacement_used' AND e.house_id = dh.house_id
LEFT JOIN draw_house_record AS rh ON rh.draw_id = dh.draw_id AND rh.house_id = e.replacement_house_id
    AND (CAST(:scope_team AS bigint) IS NULL
         OR EXISTS (SELECT 1 FROM field_assignment AS fa WHERE fa.draw_id = rh.draw_id
                    AND fa.house_id = rh.house_id AND fa.team_id = CAST(:scope_team AS bigint)))
-- A used replacement names the house it stands in for (one event each: ux_draw_event_replacement).
LEFT JOIN draw_event AS se
    ON se.draw_id = dh.draw_id AND se.kind = 'replacement_used' AND se.replacement_house_id = dh.house_id
LEFT JOIN draw_house_record AS sh ON sh.draw_id = dh.draw_id AND sh.house_id = se.house_id
    AND (CAST(:scope_team AS bigint) IS NULL
         OR EXISTS (SELECT 1 FROM field_assignment AS fa WHERE fa.draw_id = sh.draw_id
                    AND fa.house_id = sh.house_id AND fa.team_id = CAST(:scope_team AS bigint)))
WHERE dh.draw_id = :d
  AND (CAST(:scope_all AS boolean) OR dh.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.draw_id = dh.draw_id AND fa.house_id = dh.house_id
                    AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY u.group_name NULLS LAST, u.city_code, dh.unit_code, dh.role DESC, dh.position
