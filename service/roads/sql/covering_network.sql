-- The newest network covering every unit of :units, if any.
SELECT n.id
FROM road_network AS n
WHERE n.edges > 0
  AND (SELECT count(*) FROM road_network_unit AS c
       WHERE c.network_id = n.id AND c.covered AND c.unit_code = ANY(CAST(:units AS text[])))
      = cardinality(ARRAY(SELECT DISTINCT unnest(CAST(:units AS text[]))))
ORDER BY n.imported_at DESC, n.id DESC
LIMIT 1;
