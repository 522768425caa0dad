-- Divisions of one level with the leaders' indicators, as GeoJSON for choropleths. Polygons are
-- simplified for display (:tolerance in degrees, topology preserved); figures count hazardous houses
-- (an open hazard record) in each division.
WITH divisions AS (
    SELECT d.code, d.name, d.level, d.parent_code, d.approximate, d.synthetic, d.geom
    FROM division AS d
    WHERE d.level = :level AND (CAST(:parent AS text) IS NULL OR d.parent_code = :parent)
),
figures AS (
    SELECT CASE :level WHEN 'city' THEN c.parent_code WHEN 'county' THEN h.county_code ELSE h.township_code END AS code,
           count(*) AS houses,
           count(r.id) AS hazardous,
           count(r.id) FILTER (WHERE r.hazard_grade = 'collapse_risk') AS collapse_risk,
           count(r.id) FILTER (WHERE r.rectification_status = 'done') AS rectified,
           count(r.id) FILTER (WHERE r.rectification_status <> 'done' AND r.rectification_deadline < CURRENT_DATE)
               AS overdue,
           count(r.id) FILTER (WHERE EXISTS (
               SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
               AND p.site_kind IN ('college', 'school', 'kindergarten'))) AS near_school_hazardous
    FROM house AS h
    JOIN division AS c ON c.code = h.county_code
    LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    WHERE CASE :level WHEN 'city' THEN true
                      WHEN 'county' THEN (CAST(:parent AS text) IS NULL OR c.parent_code = :parent)
                      ELSE h.county_code = :parent END
    GROUP BY 1
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', d.code,
        'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, :tolerance), 5)::json,
        'properties', json_build_object(
            'code', d.code, 'name', d.name, 'level', d.level, 'parent_code', d.parent_code,
            'approximate', d.approximate, 'synthetic', d.synthetic,
            'houses', COALESCE(f.houses, 0), 'hazardous', COALESCE(f.hazardous, 0),
            'collapse_risk', COALESCE(f.collapse_risk, 0), 'rectified', COALESCE(f.rectified, 0),
            'rectified_share', CASE WHEN COALESCE(f.hazardous, 0) > 0
                                    THEN round(f.rectified::numeric / f.hazardous, 4) END,
            'overdue', COALESCE(f.overdue, 0), 'near_school_hazardous', COALESCE(f.near_school_hazardous, 0)
        )
    ) ORDER BY d.code), '[]'::json)
)::text
FROM divisions AS d
LEFT JOIN figures AS f ON f.code = d.code
WHERE d.geom IS NOT NULL
