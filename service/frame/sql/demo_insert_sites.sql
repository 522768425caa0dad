-- The staged synthetic sites into sensitive_site; a real site of the same kind, name and county keeps
-- its place. No parameters. The columns are demo.SITE_COLUMNS, in that order (checked where it runs).
INSERT INTO sensitive_site (kind, name, county_code, township_code, address, geom, source, source_crs, synthetic)
SELECT kind, name, county_code, township_code, address, geom, source, source_crs, synthetic FROM demo_site
ORDER BY id
ON CONFLICT DO NOTHING
