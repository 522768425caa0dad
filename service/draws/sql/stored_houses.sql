-- The houses a draw recorded, for verifying the house draw.
-- Parameters: d.
SELECT unit_code, role, position, house_id FROM draw_house WHERE draw_id = :d
ORDER BY unit_code, role, position
