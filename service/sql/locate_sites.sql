-- County of each staged site from its point; township from a real township polygon only.
CREATE TEMP TABLE located_site ON COMMIT DROP AS
SELECT s.*, c.code AS county_code, t.code AS township_code
FROM staging_site AS s
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
