-- The drawn and replacement houses of a draw as they are at the house draw, in the draw's own frozen rows
-- (what the export and the unit map show; a later import changes the house, not this). Code, township and
-- position are those of the recorded frame; the rest is read in the same transaction.
INSERT INTO draw_house_record (draw_id, house_id, survey_code, township_code, township_name, village, address,
                               use_class, hazard_grade, rectification_status, lon, lat, synthetic)
SELECT dh.draw_id, dh.house_id, f.survey_code, NULLIF(f.township_code, ''), t.name, h.village, h.address,
       h.use_class, r.hazard_grade, r.rectification_status, f.lon, f.lat, h.synthetic
FROM draw_house AS dh
JOIN draw_frame AS f ON f.draw_id = dh.draw_id AND f.house_id = dh.house_id
JOIN house AS h ON h.id = dh.house_id
LEFT JOIN division AS t ON t.code = NULLIF(f.township_code, '')
LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
WHERE dh.draw_id = :d
