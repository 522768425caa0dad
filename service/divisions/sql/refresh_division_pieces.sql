-- Cut county and township polygons into pieces of at most 128 vertices for fast point-in-polygon.
DELETE FROM division_piece
WHERE CAST(:codes AS text[]) IS NULL OR code = ANY(CAST(:codes AS text[]));

INSERT INTO division_piece (code, level, geom)
SELECT code, level, ST_Subdivide(geom, 128)
FROM division
WHERE geom IS NOT NULL AND level IN ('county', 'township')
  AND (CAST(:codes AS text[]) IS NULL OR code = ANY(CAST(:codes AS text[])))
