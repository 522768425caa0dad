-- Every repeat of a key in a staging table, with the first row that has it (at most 5000).
-- No parameters; the caller formats in two names of its own: key (a column, or an expression over the
-- staging table's columns) and staging (the staging table).
SELECT row_no, k, first_row FROM (SELECT row_no, k, row_number() OVER w AS n,
min(row_no) OVER w AS first_row FROM (SELECT row_no, {key} AS k FROM {staging}) AS s
WHERE k IS NOT NULL WINDOW w AS (PARTITION BY k ORDER BY row_no)) AS d
WHERE n > 1 ORDER BY row_no LIMIT 5000
