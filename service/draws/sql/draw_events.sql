-- The events of a draw in the order they happened, with the survey codes of the houses they name (as
-- recorded with the draw).
-- Parameters: d.
SELECT e.id, e.kind, e.house_id, h.survey_code, e.replacement_house_id,
       r.survey_code AS replacement_survey_code, e.reason, e.actor, e.account_id, e.note, e.detail, e.at
FROM draw_event AS e
LEFT JOIN draw_house_record AS h ON h.draw_id = e.draw_id AND h.house_id = e.house_id
LEFT JOIN draw_house_record AS r ON r.draw_id = e.draw_id AND r.house_id = e.replacement_house_id
WHERE e.draw_id = :d ORDER BY e.id
