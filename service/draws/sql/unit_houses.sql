-- The drawn houses of one unit of a draw, samples then reserves, in order.
-- Parameters: d, u.
SELECT house_id, township_code, commercial, stratum, inclusion_probability, role, position
FROM draw_house WHERE draw_id = :d AND unit_code = :u ORDER BY role, position
