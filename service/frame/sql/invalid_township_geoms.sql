-- Staged townships whose polygon is not valid, with the reason.
-- No parameters.
SELECT row_no, code, ST_IsValidReason(geom) FROM staging_township
WHERE geom IS NOT NULL AND NOT ST_IsValid(geom) ORDER BY row_no
