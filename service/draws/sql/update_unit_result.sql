-- Record what a unit's house draw produced.
-- Parameters: c, n, s, d, u.
UPDATE draw_unit SET commercial_drawn = :c, frame_size = :n, shortfalls = CAST(:s AS jsonb)
WHERE draw_id = :d AND unit_code = :u
