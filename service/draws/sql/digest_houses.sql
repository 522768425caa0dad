-- The houses of a draw, canonically ordered, for its digest.
-- Parameters: d.
SELECT unit_code, role, position, house_id, stratum, inclusion_probability FROM draw_house
WHERE draw_id = :d ORDER BY unit_code, role, position
