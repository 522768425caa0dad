-- Hazard records of the imported rows, by the history rule (service/hazards.py says it in Python):
-- the same determination updates the open record; a different one, or 未发现安全隐患, closes it; a
-- hazardous row without an open record opens a new one, which the closed record points to.
DROP TABLE IF EXISTS incoming_hazard, closed_hazard, opened_hazard;

CREATE TEMP TABLE incoming_hazard ON COMMIT DROP AS
SELECT h.id AS house_id, l.*, COALESCE(l.opened_on, CAST(:today AS date)) AS on_date
FROM staging_house AS l
-- An index lookup per row, not a hash join over every house (chunk_existing_houses.sql says why).
CROSS JOIN LATERAL (SELECT id FROM house WHERE house.survey_code = l.survey_code OFFSET 0) AS h
WHERE l.hazardous OR l.none_found;

UPDATE hazard_record AS r SET
    record_code = COALESCE(i.record_code, r.record_code),
    appraisal_status = i.appraisal_status,
    appraisal_standard = i.appraisal_standard,
    appraisal_grade = i.appraisal_grade,
    rectification_status = i.rectification_status,
    rectification_deadline = i.rectification_deadline,
    measures = COALESCE(i.measures, '{}'),
    closed_out = COALESCE(i.closed_out, false),
    closed_out_on = i.closed_out_on,
    synthetic = :synthetic
FROM incoming_hazard AS i
WHERE r.house_id = i.house_id AND r.closed_on IS NULL AND i.hazardous
  AND r.initial_determination = i.initial_determination AND r.hazard_grade = i.hazard_grade;

CREATE TEMP TABLE closed_hazard ON COMMIT DROP AS
WITH closed AS (
    UPDATE hazard_record AS r SET closed_on = GREATEST(i.on_date, r.opened_on)
    FROM incoming_hazard AS i
    WHERE r.house_id = i.house_id AND r.closed_on IS NULL
      AND (i.none_found OR r.initial_determination <> i.initial_determination
           OR r.hazard_grade <> i.hazard_grade)
    RETURNING r.id, r.house_id
)
SELECT * FROM closed;

CREATE TEMP TABLE opened_hazard ON COMMIT DROP AS
WITH before AS (
    -- What the houses' records look like now that the changed ones are closed (set-based: hazard_record
    -- has no fresh statistics inside a long import, so per-row subqueries would plan badly).
    SELECT r.house_id, max(r.closed_on) AS last_closed, bool_or(r.closed_on IS NULL) AS has_open
    FROM hazard_record AS r
    JOIN incoming_hazard AS i USING (house_id)
    GROUP BY r.house_id
),
opened AS (
    INSERT INTO hazard_record (
        house_id, record_code, initial_determination, hazard_grade, appraisal_status, appraisal_standard,
        appraisal_grade, rectification_status, rectification_deadline, measures, closed_out, closed_out_on,
        opened_on, synthetic
    )
    SELECT i.house_id, i.record_code, i.initial_determination, i.hazard_grade, i.appraisal_status,
           i.appraisal_standard, i.appraisal_grade, i.rectification_status, i.rectification_deadline,
           COALESCE(i.measures, '{}'), COALESCE(i.closed_out, false), i.closed_out_on,
           GREATEST(i.on_date, COALESCE(b.last_closed, i.on_date)), :synthetic
    FROM incoming_hazard AS i
    LEFT JOIN before AS b USING (house_id)
    WHERE i.hazardous AND NOT COALESCE(b.has_open, false)
    RETURNING id, house_id
)
SELECT * FROM opened;

UPDATE hazard_record AS r SET superseded_by = o.id
FROM closed_hazard AS c JOIN opened_hazard AS o USING (house_id)
WHERE r.id = c.id
