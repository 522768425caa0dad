-- Hazard records of houses this chunk has just inserted (the direct path of a first load): by the history
-- rule of merge_hazards.sql, a new house has no record to update or close, so each hazardous row opens
-- one record and a 未发现安全隐患 row has nothing to do. The same columns and defaults as merge_hazards.sql.
INSERT INTO hazard_record (
    house_id, record_code, initial_determination, hazard_grade, appraisal_status, appraisal_standard,
    appraisal_grade, rectification_status, rectification_deadline, measures, closed_out, closed_out_on,
    opened_on, synthetic
)
SELECT h.id, l.record_code, l.initial_determination, l.hazard_grade, l.appraisal_status, l.appraisal_standard,
       l.appraisal_grade, l.rectification_status, l.rectification_deadline, COALESCE(l.measures, '{}'),
       COALESCE(l.closed_out, false), l.closed_out_on, COALESCE(l.opened_on, CAST(:today AS date)), :synthetic
FROM staging_house AS l
-- An index lookup per row, not a hash join over every house (chunk_existing_houses.sql says why).
CROSS JOIN LATERAL (SELECT id FROM house WHERE house.survey_code = l.survey_code OFFSET 0) AS h
WHERE l.hazardous
