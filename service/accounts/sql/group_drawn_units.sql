-- The units of a plan's group that a draw has taken already.
-- Parameters: p, g.
SELECT u.unit_code FROM draw_unit u JOIN draw d ON d.id = u.draw_id
WHERE d.plan_id = :p AND u.group_name = :g
