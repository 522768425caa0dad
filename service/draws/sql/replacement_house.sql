-- A house a replacement is asked for: its unit, role and survey code in the draw, and whether it was
-- inspected already (an inspection submitted, approved or returned: the visit took place).
-- Parameters: d (draw), h (house).
SELECT dh.unit_code, dh.role, r.survey_code,
       (SELECT i.status FROM inspection AS i
        WHERE i.draw_id = dh.draw_id AND i.house_id = dh.house_id AND i.status <> 'draft') AS inspected
FROM draw_house AS dh
LEFT JOIN draw_house_record AS r ON r.draw_id = dh.draw_id AND r.house_id = dh.house_id
WHERE dh.draw_id = :d AND dh.house_id = :h
