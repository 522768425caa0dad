-- Sampling units with their division's polygon, as a GeoJSON FeatureCollection.
-- :city_code  only units of this city (NULL: all)
-- :digits     decimal digits kept in coordinates
-- :scope_all, :scope_units  the caller's scope: only units it covers
SELECT json_build_object(
    'type', 'FeatureCollection',
    'crs_note', 'EPSG:4490 (CGCS2000) lon/lat; equal to WGS84 at map scale',
    'features', COALESCE(json_agg(
        json_build_object(
            'type', 'Feature',
            'id', u.code,
            'geometry', ST_AsGeoJSON(d.geom, :digits)::json,
            'properties', json_build_object(
                'code', u.code,
                'name', u.name,
                'kind', u.kind,
                'city_code', u.city_code,
                'city_name', c.name,
                'is_city_seat', u.is_city_seat,
                'stands_alone', u.stands_alone,
                'approximate', d.approximate,
                'townships', (SELECT count(*) FROM division t WHERE t.parent_code = u.code)
            )
        ) ORDER BY u.code
    ), '[]'::json)
)::text
FROM sampling_unit AS u
JOIN division AS d ON d.code = u.code
JOIN division AS c ON c.code = u.city_code
WHERE (CAST(:city_code AS text) IS NULL OR u.city_code = :city_code)
  AND (CAST(:scope_all AS boolean) OR u.code = ANY(CAST(:scope_units AS text[])))
