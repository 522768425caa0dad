-- One synthetic photo of an inspection (found by its client_id), its EXIF position's distance to the house.
INSERT INTO inspection_photo (
    client_id, inspection_id, content, content_type, sha256, size_bytes, width, height, caption, taken_at,
    exif_geom, exif_distance_m, uploaded_by_account_id, uploaded_at)
SELECT CAST(:client_id AS uuid), i.id, :content, 'image/jpeg', :sha256, :size_bytes, :width, :height, :caption,
       :taken_at, g.p, round(ST_Distance(h.geom::geography, g.p::geography)::numeric, 1), :uploaded_by, :uploaded_at
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id,
     LATERAL (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4490) AS p) AS g
WHERE i.client_id = CAST(:inspection_client_id AS uuid)
