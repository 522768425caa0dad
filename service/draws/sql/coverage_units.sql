-- The units of a draw with their requests and inclusion probabilities.
-- Parameters: d.
SELECT u.unit_code, d.name AS unit_name, u.city_code, u.houses_requested, u.commercial_min,
u.inclusion_probability AS pi_unit FROM draw_unit u JOIN division d ON d.code = u.unit_code
WHERE u.draw_id = :d ORDER BY u.unit_code
