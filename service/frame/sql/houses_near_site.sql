-- Every house within the site kind's radius of one site, nearest first, as GeoJSON.
-- :scope_all, :scope_units, :scope_team  the caller's scope: the site and the houses listed are in it (a
-- team's scope lists only the houses assigned to it).
WITH site AS (
    SELECT * FROM sensitive_site AS s
    WHERE s.id = :site_id
      AND (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
),
near AS (
    SELECT h.id, h.survey_code, h.use_class, h.synthetic, h.geom,
           r.hazard_grade, r.rectification_status,
           ST_Distance(CAST(h.geom AS geography), CAST(s.geom AS geography)) AS distance_m
    FROM site AS s
    JOIN house AS h ON ST_DWithin(h.geom, s.geom, :metres / 81400.0)
    LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    WHERE ST_DWithin(CAST(h.geom AS geography), CAST(s.geom AS geography), :metres)
      AND (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'radius_m', :metres,
    'numberMatched', (SELECT count(*) FROM near),
    'features', COALESCE((SELECT json_agg(json_build_object(
        'type', 'Feature', 'id', n.id, 'geometry', ST_AsGeoJSON(n.geom, 6)::json,
        'properties', json_build_object(
            'id', n.id, 'survey_code', n.survey_code, 'use_class', n.use_class,
            'hazardous', n.hazard_grade IS NOT NULL, 'hazard_grade', n.hazard_grade,
            'rectification_status', n.rectification_status,
            'distance_m', round(CAST(n.distance_m AS numeric), 1), 'synthetic', n.synthetic)
    ) ORDER BY n.distance_m, n.id) FROM near AS n), '[]'::json)
)::text
