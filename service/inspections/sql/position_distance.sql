-- Metres on the ellipsoid from a house to a position (EPSG:4490 lon/lat).
SELECT ST_Distance(geography(h.geom), geography(ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)))
FROM house AS h
WHERE h.id = :house_id
