-- The sensitive sites of a unit in scope.
-- Parameters: u, scope_all, scope_units.
SELECT kind, name, ST_X(geom), ST_Y(geom) FROM sensitive_site WHERE county_code = :u
AND (CAST(:scope_all AS boolean) OR county_code = ANY(CAST(:scope_units AS text[]))) ORDER BY id
