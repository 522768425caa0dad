-- The units a draw recorded, for verifying the unit draw.
-- Parameters: d.
SELECT unit_code, reason, inclusion_probability, unit_order FROM draw_unit WHERE draw_id = :d
ORDER BY unit_code
