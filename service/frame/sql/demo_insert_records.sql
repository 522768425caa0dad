-- The staged synthetic hazard records into hazard_record, each on its synthetic house, in house and
-- sequence order. No parameters. The record columns are demo.RECORD_COLUMNS, in that order (a test checks).
INSERT INTO hazard_record (house_id, measures, synthetic, record_code, initial_determination, hazard_grade,
    appraisal_status, appraisal_standard, appraisal_grade, rectification_status, rectification_deadline,
    closed_out, closed_out_on, opened_on, closed_on)
SELECT h.id, d.measures, true, d.record_code, d.initial_determination, d.hazard_grade,
    d.appraisal_status, d.appraisal_standard, d.appraisal_grade, d.rectification_status, d.rectification_deadline,
    d.closed_out, d.closed_out_on, d.opened_on, d.closed_on
FROM demo_record AS d JOIN house AS h ON h.survey_code = d.survey_code AND h.synthetic
ORDER BY h.id, d.seq
