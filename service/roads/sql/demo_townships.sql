-- The townships of :units with a point inside each and the synthetic houses in it (the demo's seats).
SELECT d.parent_code AS unit_code, d.code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       (SELECT count(*) FROM house AS h WHERE h.township_code = d.code AND h.synthetic) AS houses
FROM division AS d
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(d.geom) AS geom) AS p
WHERE d.level = 'township' AND d.parent_code = ANY(CAST(:units AS text[])) AND d.geom IS NOT NULL
ORDER BY d.parent_code, d.code;
