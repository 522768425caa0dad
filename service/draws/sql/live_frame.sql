-- The frame: every house with an open hazard record in the drawn units (rectified or not: whether
-- rectification really happened is what the inspectors check).
SELECT h.id AS house_id, h.survey_code, h.county_code AS unit_code,
       COALESCE(h.township_code, '') AS township_code,
       is_commercial(h.use_class) AS commercial,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
FROM house AS h
JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
WHERE h.county_code = ANY(CAST(:units AS text[]))
ORDER BY h.id
