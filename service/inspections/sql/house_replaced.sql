-- A drawn house that was replaced (draw_event replacement_used): when, why, both survey codes, and the team
-- the replacement is assigned to now (none if not assigned). At most one row (a house is replaced once).
-- Parameters: d (draw), h (house).
SELECT e.at, e.reason, o.survey_code AS old_code, n.survey_code AS new_code, a.team_id
FROM draw_event AS e
JOIN draw_house_record AS o ON o.draw_id = e.draw_id AND o.house_id = e.house_id
JOIN draw_house_record AS n ON n.draw_id = e.draw_id AND n.house_id = e.replacement_house_id
LEFT JOIN field_assignment AS a ON a.draw_id = e.draw_id AND a.house_id = e.replacement_house_id
WHERE e.draw_id = :d AND e.house_id = :h AND e.kind = 'replacement_used'
