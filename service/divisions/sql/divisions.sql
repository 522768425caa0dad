-- Divisions of one level as a GeoJSON FeatureCollection, built in PostGIS so that Python never re-encodes
-- geometry. Coordinates stay in CGCS2000 lon/lat (EPSG:4490, RFC 7946 compatible at map scale).
-- :level        division level code
-- :parent_code  only children of this division (NULL: all)
-- :code         only this division (NULL: all)
-- :digits       decimal digits kept in coordinates
-- :scope_all, :scope_units  the caller's scope (service.accounts.scope): only divisions it covers
WITH selected AS (
    SELECT d.code, d.name, d.level, d.parent_code, d.township_kind, d.approximate, d.synthetic,
           d.geom_dataset, d.note, d.geom,
           (SELECT count(*) FROM division c WHERE c.parent_code = d.code) AS children
    FROM division AS d
    WHERE d.level = :level
      AND (CAST(:parent_code AS text) IS NULL OR d.parent_code = :parent_code)
      AND (CAST(:code AS text) IS NULL OR d.code = :code)
      AND (CAST(:scope_all AS boolean)
           OR (d.level = 'county' AND d.code = ANY(CAST(:scope_units AS text[])))
           OR (d.level = 'township' AND d.parent_code = ANY(CAST(:scope_units AS text[])))
           OR (d.level = 'city' AND EXISTS (
                   SELECT 1 FROM sampling_unit AS su
                   WHERE su.city_code = d.code AND su.code = ANY(CAST(:scope_units AS text[])))))
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'crs_note', 'EPSG:4490 (CGCS2000) lon/lat; equal to WGS84 at map scale',
    'features', COALESCE(json_agg(
        json_build_object(
            'type', 'Feature',
            'id', s.code,
            'geometry', ST_AsGeoJSON(s.geom, :digits)::json,
            'properties', json_build_object(
                'code', s.code,
                'name', s.name,
                'level', s.level,
                'parent_code', s.parent_code,
                'township_kind', s.township_kind,
                'children', s.children,
                'has_polygon', s.geom IS NOT NULL,
                'approximate', s.approximate,
                'synthetic', s.synthetic,
                'geom_dataset', s.geom_dataset,
                'note', s.note
            )
        ) ORDER BY s.code
    ), '[]'::json)
)::text
FROM selected AS s
