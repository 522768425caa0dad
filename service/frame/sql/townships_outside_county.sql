-- Staged townships reaching outside their county, with the share of area outside.
-- No parameters.
SELECT s.row_no, s.code, ST_Area(ST_Difference(s.geom, c.geom)::geography)
/ NULLIF(ST_Area(s.geom::geography), 0) FROM staging_township AS s
JOIN division AS t ON t.code = s.code JOIN division AS c ON c.code = t.parent_code
WHERE ST_IsValid(s.geom) AND NOT ST_CoveredBy(s.geom, c.geom) ORDER BY s.row_no
