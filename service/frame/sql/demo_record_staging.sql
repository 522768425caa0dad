-- The staging table for the synthetic hazard records.
-- No parameters.
CREATE TEMP TABLE demo_record (survey_code text, seq int, record_code text,
initial_determination text, hazard_grade text, appraisal_status text, appraisal_standard text,
appraisal_grade text, rectification_status text, rectification_deadline date, closed_out boolean,
closed_out_on date, opened_on date, closed_on date, measures text[]) ON COMMIT DROP
