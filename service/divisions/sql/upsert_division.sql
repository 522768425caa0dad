-- Insert or update one division of the committed boundary files.
-- Parameters: code, name, level, parent_code, township_kind, geom, geom_dataset, approximate, note.
INSERT INTO division
    (code, name, level, parent_code, township_kind, geom, geom_dataset, approximate, note)
VALUES (
    :code, :name, :level, :parent_code, :township_kind,
    ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(CAST(:geom AS text)), 4490)),
    :geom_dataset, :approximate, :note
)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name,
    level = EXCLUDED.level,
    parent_code = EXCLUDED.parent_code,
    township_kind = EXCLUDED.township_kind,
    -- A township keeps the polygon an import gave it; the committed files have none for townships.
    geom = COALESCE(EXCLUDED.geom, division.geom),
    geom_dataset = COALESCE(EXCLUDED.geom_dataset, division.geom_dataset),
    approximate = EXCLUDED.approximate OR (EXCLUDED.geom IS NULL AND division.approximate),
    note = COALESCE(EXCLUDED.note, division.note)
