-- The staged chunk's houses that exist already: to update, or, when this import wrote them, repeats.
DROP TABLE IF EXISTS existing_house;

CREATE TEMP TABLE existing_house ON COMMIT DROP AS
SELECT s.row_no, h.id, s.survey_code, h.import_batch_id = :batch_id AS repeated
FROM staging_house AS s
-- An index lookup per staged row: the staging table has no statistics, and a hash join would scan the
-- whole (growing) house table for every chunk.
CROSS JOIN LATERAL (SELECT id, import_batch_id FROM house WHERE house.survey_code = s.survey_code) AS h;

ANALYZE existing_house;
