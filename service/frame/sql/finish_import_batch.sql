-- Record the outcome of an import batch.
-- Parameters: r, i, u, s, w, id.
UPDATE import_batch SET rows = :r, inserted = :i, updated = :u, seconds = :s, warnings =
CAST(:w AS jsonb) WHERE id = :id
