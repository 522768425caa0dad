-- Real township polygons replace synthetic ones; the import is recorded as a data set of its own.
INSERT INTO dataset (name, source, version, licence, crs, vintage, sha256, synthetic, note)
SELECT :dataset, 'import_batch ' || b.id || ': ' || b.filename, b.created_at::date::text,
       'supplied by the importing office', 'EPSG:4490 (declared ' || COALESCE(b.declared_crs, '?') || ')',
       'as supplied', b.file_sha256, false, 'Township polygons imported by a user.'
FROM import_batch AS b WHERE b.id = :batch_id;

UPDATE division AS d SET
    geom = ST_Multi(ST_CollectionExtract(s.geom, 3)),
    geom_dataset = :dataset,
    synthetic = false,
    approximate = false,
    note = NULL
FROM staging_township AS s
WHERE d.code = s.code AND d.level = 'township';

SELECT count(*) FROM staging_township
