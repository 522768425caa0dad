-- A page of houses as GeoJSON, with their open hazard record and nearby sensitive sites.
-- Filters are all optional (NULL: no filter). Keyset pagination on id (:after_id) keeps deep pages fast.
-- :scope_all, :scope_units, :scope_team  the caller's scope (service.accounts.scope): only houses of its
-- units (a team's: only those assigned to it). "near" is the house's own proximity, whichever county the
-- site lies in.
WITH filtered AS (
    SELECT h.id, h.survey_code, h.county_code, h.township_code, h.village, h.address, h.use_class,
           h.structure, h.floors, h.floors_band, h.build_era, h.location_mismatch, h.synthetic, h.geom,
           r.initial_determination, r.hazard_grade, r.appraisal_grade, r.rectification_status,
           r.rectification_deadline, r.closed_out
    FROM house AS h
    LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    WHERE (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
      AND (CAST(:min_lon AS float8) IS NULL
           OR h.geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4490))
      AND (CAST(:unit AS text) IS NULL OR h.county_code = :unit)
      AND (CAST(:township AS text) IS NULL OR h.township_code = :township)
      AND (CAST(:hazardous AS boolean) IS NULL OR (r.id IS NOT NULL) = :hazardous)
      AND (CAST(:hazard_grade AS text) IS NULL OR r.hazard_grade = :hazard_grade)
      AND (CAST(:rectification_status AS text) IS NULL OR r.rectification_status = :rectification_status)
      AND (CAST(:commercial AS boolean) IS NULL
           OR is_commercial(h.use_class) = :commercial)
      AND (CAST(:near AS text) IS NULL
           OR EXISTS (SELECT 1 FROM house_proximity AS p
                      WHERE p.house_id = h.id AND (:near = 'any' OR p.site_kind = :near)))
      AND (CAST(:mismatch AS boolean) IS NULL OR h.location_mismatch = :mismatch)
),
page AS (
    SELECT * FROM filtered
    WHERE CAST(:after_id AS bigint) IS NULL OR id > :after_id
    ORDER BY id
    LIMIT :limit
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'numberMatched', (SELECT count(*) FROM filtered),
    'numberReturned', (SELECT count(*) FROM page),
    'next_after_id', (SELECT CASE WHEN count(*) = :limit THEN max(id) END FROM page),
    'features', COALESCE((
        SELECT json_agg(json_build_object(
            'type', 'Feature',
            'id', p.id,
            'geometry', ST_AsGeoJSON(p.geom, 6)::json,
            'properties', json_build_object(
                'id', p.id, 'survey_code', p.survey_code, 'county_code', p.county_code,
                'township_code', p.township_code, 'village', p.village, 'address', p.address,
                'use_class', p.use_class, 'structure', p.structure, 'floors', p.floors,
                'floors_band', p.floors_band, 'build_era', p.build_era,
                'hazardous', p.hazard_grade IS NOT NULL,
                'initial_determination', p.initial_determination, 'hazard_grade', p.hazard_grade,
                'appraisal_grade', p.appraisal_grade, 'rectification_status', p.rectification_status,
                'rectification_deadline', p.rectification_deadline, 'closed_out', p.closed_out,
                'location_mismatch', p.location_mismatch, 'synthetic', p.synthetic,
                'near', (SELECT json_object_agg(x.site_kind, round(CAST(x.distance_m AS numeric), 1))
                         FROM house_proximity AS x WHERE x.house_id = p.id)
            )
        ) ORDER BY p.id)
        FROM page AS p
    ), '[]'::json)
)::text
