-- The frame houses of one unit of a draw, counted by commercial use.
-- Parameters: d, u.
SELECT commercial, count(*) AS frame_count FROM draw_frame WHERE draw_id = :d AND unit_code = :u
GROUP BY commercial
