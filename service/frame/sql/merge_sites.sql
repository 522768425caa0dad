-- A staged site is the known site with its code, or else with its kind, name and county.
CREATE TEMP TABLE matched_site ON COMMIT DROP AS
SELECT l.row_no, s.id
FROM staging_site AS l
JOIN LATERAL (
    SELECT x.id FROM sensitive_site AS x
    WHERE (l.site_code IS NOT NULL AND x.site_code = l.site_code)
       OR (x.kind = l.kind AND x.name = l.name AND x.county_code = l.county_code)
    ORDER BY (x.site_code = l.site_code) DESC NULLS LAST, x.id
    LIMIT 1
) AS s ON true;

UPDATE sensitive_site AS x SET
    site_code = COALESCE(l.site_code, x.site_code), name = l.name, kind = l.kind,
    county_code = l.county_code, township_code = l.township_code, address = l.address, geom = l.geom,
    source_crs = l.source_crs, source = 'import', import_batch_id = :batch_id, synthetic = :synthetic
FROM matched_site AS m JOIN staging_site AS l USING (row_no)
WHERE x.id = m.id;

INSERT INTO sensitive_site (
    site_code, name, kind, county_code, township_code, address, geom, source_crs, source, import_batch_id,
    synthetic
)
SELECT l.site_code, l.name, l.kind, l.county_code, l.township_code, l.address, l.geom, l.source_crs,
       'import', :batch_id, :synthetic
FROM staging_site AS l
WHERE NOT EXISTS (SELECT 1 FROM matched_site AS m WHERE m.row_no = l.row_no)
ORDER BY l.row_no;

SELECT (SELECT count(*) FROM staging_site) - (SELECT count(*) FROM matched_site) AS inserted,
       (SELECT count(*) FROM matched_site) AS updated
