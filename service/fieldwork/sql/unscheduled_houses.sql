SELECT house_id, survey_code FROM draw_house_record
WHERE draw_id = :draw_id AND house_id = ANY(CAST(:houses AS bigint[]))
