-- The units of a draw, canonically ordered, for its digest.
-- Parameters: d.
SELECT unit_code, city_code, reason, inclusion_probability, unit_order FROM draw_unit
WHERE draw_id = :d ORDER BY unit_code
