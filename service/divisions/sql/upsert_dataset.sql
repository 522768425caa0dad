-- Insert or update the provenance row of one dataset.
-- Parameters: name, source, version, licence, crs, vintage, sha256, note.
INSERT INTO dataset (name, source, version, licence, crs, vintage, sha256, note)
VALUES (:name, :source, :version, :licence, :crs, :vintage, :sha256, :note)
ON CONFLICT (name) DO UPDATE SET
    source = EXCLUDED.source, version = EXCLUDED.version, licence = EXCLUDED.licence,
    crs = EXCLUDED.crs, vintage = EXCLUDED.vintage, sha256 = EXCLUDED.sha256, note = EXCLUDED.note,
    loaded_at = now()
