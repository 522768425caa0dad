-- The pairs of a supplied matrix among the given keys.
SELECT from_key, to_key, duration_s, distance_m
FROM field_travel_matrix_entry
WHERE matrix_id = :matrix_id
  AND from_key = ANY(CAST(:keys AS text[])) AND to_key = ANY(CAST(:keys AS text[]))
