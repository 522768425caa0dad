-- Staged townships whose code is not a known township.
-- No parameters.
SELECT s.row_no, s.code FROM staging_township AS s LEFT JOIN division AS d
ON d.code = s.code AND d.level = 'township' WHERE d.code IS NULL ORDER BY s.row_no
