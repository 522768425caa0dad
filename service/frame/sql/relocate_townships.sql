-- After real township polygons arrive: houses and sites inside them take their township from them.
UPDATE house AS h SET township_code = p.code, updated_at = now()
FROM division_piece AS p
WHERE p.level = 'township' AND p.code = ANY(CAST(:codes AS text[]))
  AND ST_Intersects(p.geom, h.geom) AND h.township_code IS DISTINCT FROM p.code;

UPDATE sensitive_site AS s SET township_code = p.code
FROM division_piece AS p
WHERE p.level = 'township' AND p.code = ANY(CAST(:codes AS text[]))
  AND ST_Intersects(p.geom, s.geom) AND s.township_code IS DISTINCT FROM p.code
