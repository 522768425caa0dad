-- The plan digest recorded when the units were drawn.
-- Parameters: d.
SELECT detail->>'plan_sha256' FROM draw_event WHERE draw_id = :d AND kind = 'units_drawn'
ORDER BY id LIMIT 1
