-- The photos of an inspection (without their content), oldest first.
SELECT p.id, p.client_id, p.content_type, p.width, p.height, p.size_bytes, p.caption, p.taken_at,
       ST_X(p.exif_geom) AS exif_lon, ST_Y(p.exif_geom) AS exif_lat, p.exif_distance_m
FROM inspection_photo AS p
WHERE p.inspection_id = :inspection_id
ORDER BY p.id
