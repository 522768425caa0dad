-- Divisions of one level with the leaders' indicators, as GeoJSON for choropleths. Polygons are
-- simplified for display (:tolerance in degrees, topology preserved); figures come from the pre-counted
-- house_stats view (hazardous = an open hazard record).
-- :scope_all, :scope_units  the caller's scope (service.accounts.scope): only the divisions it covers, and
-- only its houses counted, so a city's figures are those of its units in scope.
-- :scope_team  a team's scope counts only the houses assigned to the team (scoped_house_stats, migration
-- 0016: house_stats itself for any other scope).
WITH divisions AS (
    SELECT d.code, d.name, d.level, d.parent_code, d.approximate, d.synthetic, d.geom
    FROM division AS d
    WHERE d.level = :level AND (CAST(:parent AS text) IS NULL OR d.parent_code = :parent)
      AND (CAST(:scope_all AS boolean)
           OR (d.level = 'county' AND d.code = ANY(CAST(:scope_units AS text[])))
           OR (d.level = 'township' AND d.parent_code = ANY(CAST(:scope_units AS text[])))
           OR (d.level = 'city' AND EXISTS (
                   SELECT 1 FROM sampling_unit AS su
                   WHERE su.city_code = d.code AND su.code = ANY(CAST(:scope_units AS text[])))))
),
figures AS (
    SELECT CASE :level WHEN 'city' THEN s.city_code WHEN 'county' THEN s.county_code ELSE s.township_code END AS code,
           sum(s.houses) AS houses,
           sum(s.houses) FILTER (WHERE s.hazardous) AS hazardous,
           sum(s.houses) FILTER (WHERE s.hg = 'collapse_risk') AS collapse_risk,
           sum(s.houses) FILTER (WHERE s.rs = 'done') AS rectified,
           sum(s.houses) FILTER (WHERE s.rs <> 'done' AND s.deadline < CURRENT_DATE) AS overdue,
           sum(s.houses) FILTER (WHERE s.near_school) AS near_school_hazardous
    FROM scoped_house_stats(CAST(:scope_team AS bigint)) AS s
    WHERE CASE :level WHEN 'city' THEN true
                      WHEN 'county' THEN (CAST(:parent AS text) IS NULL OR s.city_code = :parent)
                      ELSE s.county_code = :parent END
      AND (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
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
