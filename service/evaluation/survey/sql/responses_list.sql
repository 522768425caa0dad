-- Answers in the caller's scope (a year; optionally a unit and a group), newest first.
SELECT r.id, r.year, r.definition_year, r.respondent_group AS "group", r.unit_code, u.name AS unit_name,
       r.city_code, r.channel, r.paper_ref, r.basic, r.ratings, r.needs, r.open_answers, r.synthetic,
       r.submitted_at
FROM survey_response AS r
LEFT JOIN sampling_unit AS u ON u.code = r.unit_code
WHERE (CAST(:scope_all AS boolean) OR r.unit_code = ANY(CAST(:scope_units AS text[])))
  AND r.year = CAST(:year AS integer)
  AND (CAST(:unit AS text) IS NULL OR r.unit_code = CAST(:unit AS text))
  AND (CAST(:group AS text) IS NULL OR r.respondent_group = CAST(:group AS text))
ORDER BY r.submitted_at DESC, r.id DESC
LIMIT :limit
