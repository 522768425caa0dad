-- Where each staged house really is: county from its point; township from a real (non-synthetic) township
-- polygon when there is one, else the declared township if it belongs to that county.
CREATE TEMP TABLE located_house ON COMMIT DROP AS
SELECT s.*,
       c.code AS county_code,
       COALESCE(t.code, dt.code) AS township_code,
       t.code IS NOT NULL AS township_from_polygon,
       dt.code AS declared_township_code
FROM staging_house AS s
LEFT JOIN LATERAL (
    SELECT p.code FROM division_piece AS p
    WHERE p.level = 'county' AND ST_Intersects(p.geom, s.geom)
    ORDER BY p.code LIMIT 1
) AS c ON true
LEFT JOIN LATERAL (
    SELECT p.code FROM division_piece AS p
    JOIN division AS d ON d.code = p.code AND NOT d.synthetic
    WHERE p.level = 'township' AND ST_Intersects(p.geom, s.geom)
    ORDER BY p.code LIMIT 1
) AS t ON true
LEFT JOIN LATERAL (
    SELECT d.code FROM division AS d
    WHERE d.level = 'township' AND d.parent_code = COALESCE(c.code, s.declared_county_code)
      AND (d.name = s.declared_township OR d.code = s.declared_township)
    ORDER BY d.code LIMIT 1
) AS dt ON true
