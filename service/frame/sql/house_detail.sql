-- One house as a GeoJSON Feature with its whole hazard history and the sites within their radius.
-- :scope_all, :scope_units, :scope_team  the caller's scope: the house must be in it (a team's: assigned to
-- it; else no row), and only the sites in its units are named.
SELECT json_build_object(
    'type', 'Feature',
    'id', h.id,
    'geometry', ST_AsGeoJSON(h.geom, 6)::json,
    'properties', to_jsonb(h) - 'geom' || jsonb_build_object(
        'county_name', c.name,
        'township_name', t.name,
        'hazard_history', COALESCE((
            SELECT jsonb_agg(to_jsonb(r) ORDER BY r.opened_on, r.id)
            FROM hazard_record AS r WHERE r.house_id = h.id
        ), '[]'::jsonb),
        'near_sites', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                'site_id', s.id, 'kind', s.kind, 'name', s.name, 'distance_m', round(CAST(p.distance_m AS numeric), 1),
                'synthetic', s.synthetic) ORDER BY p.site_kind)
            FROM house_proximity AS p JOIN sensitive_site AS s ON s.id = p.site_id
            WHERE p.house_id = h.id
              AND (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
        ), '[]'::jsonb)
    )
)::text
FROM house AS h
LEFT JOIN division AS c ON c.code = h.county_code
LEFT JOIN division AS t ON t.code = h.township_code
WHERE h.id = :id
  AND (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
