-- Drop the pieces of townships left without a polygon.
-- No parameters.
DELETE FROM division_piece WHERE level = 'township' AND code NOT IN
(SELECT code FROM division WHERE geom IS NOT NULL)
