-- The sampled houses of a draw with their strata and inclusion probabilities.
-- Parameters: d.
SELECT unit_code, house_id, stratum, inclusion_probability AS pi_house FROM draw_house
WHERE draw_id = :d AND role = 'sample'
