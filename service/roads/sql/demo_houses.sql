-- The synthetic houses of :units (where the demo's village roads go).
SELECT h.county_code AS unit_code, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
FROM house AS h
WHERE h.synthetic AND h.county_code = ANY(CAST(:units AS text[]))
ORDER BY h.county_code, h.id;
