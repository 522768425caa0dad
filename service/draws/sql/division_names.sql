-- The names of divisions by code.
-- Parameters: codes (text[]).
SELECT code, name FROM division WHERE code = ANY(CAST(:codes AS text[]))
