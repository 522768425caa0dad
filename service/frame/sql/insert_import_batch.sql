-- Open an import batch; returns its id.
-- Parameters: kind, filename, sha, format, encoding, crs, mapping, synthetic.
INSERT INTO import_batch (kind, filename, file_sha256, format, encoding, declared_crs, rows,
inserted, updated, mapping, synthetic) VALUES (:kind, :filename, :sha, :format, :encoding, :crs,
0, 0, 0, CAST(:mapping AS jsonb), :synthetic) RETURNING id
