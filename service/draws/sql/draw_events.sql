-- The events of a draw in the order they happened.
-- Parameters: d.
SELECT id, kind, house_id, replacement_house_id, reason, actor, account_id, note, detail, at
FROM draw_event WHERE draw_id = :d ORDER BY id
