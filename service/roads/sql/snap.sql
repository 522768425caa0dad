-- Each location's nearest vertex of network :network (KNN on the GiST index) and the distance to it (m).
SELECT p.i, v.id AS vertex, v.component, ST_Distance(CAST(v.geom AS geography), CAST(s.geom AS geography)) AS d
FROM unnest(CAST(:lon AS float8[]), CAST(:lat AS float8[])) WITH ORDINALITY AS p(lon, lat, i)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490) AS geom) AS s
CROSS JOIN LATERAL (
    SELECT v.id, v.component, v.geom FROM road_vertex AS v
    WHERE v.network_id = :network
    ORDER BY v.geom <-> s.geom
    LIMIT 1
) AS v
ORDER BY p.i;
