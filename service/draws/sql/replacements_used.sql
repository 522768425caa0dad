-- Each replaced house of a draw with the house that replaced it.
-- Parameters: d.
SELECT house_id, replacement_house_id FROM draw_event WHERE draw_id = :d AND kind = 'replacement_used'
ORDER BY id
