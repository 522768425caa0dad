-- A draw if it is published (an unpublished or unknown one reads the same: nothing).
SELECT id FROM draw WHERE id = :draw_id AND status = 'published'
