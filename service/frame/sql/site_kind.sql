-- The kind of a sensitive site in scope.
-- Parameters: id, scope_all, scope_units.
SELECT kind FROM sensitive_site WHERE id = :id AND (CAST(:scope_all AS boolean)
OR county_code = ANY(CAST(:scope_units AS text[])))
