-- Networks with their provenance and the units they cover (newest first); :id NULL for all.
SELECT n.id, n.name, n.source, n.version, n.licence, n.declared_crs, n.synthetic, n.filename, n.file_sha256,
       n.note, n.imported_by_account_id, n.imported_by, n.imported_at, n.lines, n.edges, n.vertices,
       n.components, n.length_km,
       CASE WHEN n.extent IS NULL THEN NULL
            ELSE ARRAY[ST_XMin(n.extent), ST_YMin(n.extent), ST_XMax(n.extent), ST_YMax(n.extent)] END AS bbox,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('code', c.unit_code, 'name', u.name, 'houses', c.houses,
                                                     'reached', c.reached, 'covered', c.covered)
                                  ORDER BY c.unit_code)
                 FROM road_network_unit AS c JOIN sampling_unit AS u ON u.code = c.unit_code
                 WHERE c.network_id = n.id), '[]'::jsonb) AS units
FROM road_network AS n
WHERE CAST(:id AS bigint) IS NULL OR n.id = CAST(:id AS bigint)
ORDER BY n.imported_at DESC, n.id DESC;
