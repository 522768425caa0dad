-- The houses of a draw to be visited in the given units: the sample with every replaced house swapped
-- for its replacement (draw_event 'replacement_used'; a replacement may itself be replaced), with what
-- assignment and route planning need: the record as drawn, floors, and whether a school is near.
-- Parameters: draw_id, units (text[]).
WITH replaced AS (
    SELECT house_id, replacement_house_id
    FROM draw_event
    WHERE draw_id = :draw_id AND kind = 'replacement_used'
), in_use AS (
    SELECT dh.house_id FROM draw_house AS dh
    WHERE dh.draw_id = :draw_id AND dh.role = 'sample'
    UNION
    SELECT replacement_house_id FROM replaced
    EXCEPT
    SELECT house_id FROM replaced
)
SELECT dh.house_id, dh.unit_code, dh.role, r.survey_code, r.township_name, r.village, r.address,
       r.use_class, r.hazard_grade, r.rectification_status, r.lon, r.lat, r.synthetic, h.floors, h.area_type,
       EXISTS (
           SELECT 1 FROM house_proximity AS p WHERE p.house_id = dh.house_id AND is_school_kind(p.site_kind)
       ) AS near_school
FROM in_use AS u
JOIN draw_house AS dh ON dh.draw_id = :draw_id AND dh.house_id = u.house_id
JOIN draw_house_record AS r ON r.draw_id = dh.draw_id AND r.house_id = dh.house_id
LEFT JOIN house AS h ON h.id = dh.house_id
WHERE dh.unit_code = ANY(CAST(:units AS text[]))
ORDER BY dh.unit_code, dh.house_id
