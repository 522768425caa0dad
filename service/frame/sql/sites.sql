-- Sensitive sites as GeoJSON, optionally by kind, unit and bounding box.
-- :scope_all, :scope_units, :scope_team  the caller's scope: only the sites of its units, and houses_near
-- counts its houses only (a team's: those assigned to it).
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature', 'id', s.id, 'geometry', ST_AsGeoJSON(s.geom, 6)::json,
        'properties', json_build_object(
            'id', s.id, 'site_code', s.site_code, 'kind', s.kind, 'name', s.name,
            'county_code', s.county_code, 'township_code', s.township_code, 'address', s.address,
            'synthetic', s.synthetic,
            'houses_near', (SELECT count(*) FROM house_proximity AS p
                            WHERE p.site_id = s.id
                              AND (CAST(:scope_all AS boolean) OR EXISTS (
                                       SELECT 1 FROM house AS h
                                       WHERE h.id = p.house_id
                                         AND h.county_code = ANY(CAST(:scope_units AS text[]))))
                              AND (CAST(:scope_team AS bigint) IS NULL OR EXISTS (
                                       SELECT 1 FROM field_assignment AS fa
                                       WHERE fa.house_id = p.house_id
                                         AND fa.team_id = CAST(:scope_team AS bigint)))))
    ) ORDER BY s.id), '[]'::json)
)::text
FROM sensitive_site AS s
WHERE (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:kind AS text) IS NULL OR s.kind = :kind)
  AND (CAST(:unit AS text) IS NULL OR s.county_code = :unit)
  AND (CAST(:min_lon AS float8) IS NULL
       OR s.geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4490))
