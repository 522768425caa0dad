-- Whether any house in scope is synthetic.
-- Parameters: scope_all, scope_units.
SELECT EXISTS (SELECT 1 FROM house WHERE synthetic AND (CAST(:scope_all AS boolean)
OR county_code = ANY(CAST(:scope_units AS text[]))))
