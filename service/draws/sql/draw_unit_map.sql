-- One unit of a draw on the map: every frame house with its role, and the unit's townships with coverage.
-- Houses come from the draw's record (draw_frame; drawn and replacement houses with their attributes as
-- drawn, draw_house_record), never from the live house table a later import may change.
-- :scope_team  a team's scope: only the houses assigned to the team in this draw, and the townships'
-- counts are of those (the unit itself is checked by the caller).
WITH frame AS (
    SELECT f.house_id, f.survey_code, f.township_code, f.commercial, f.lon, f.lat,
           COALESCE(dh.role, 'frame') AS role, dh.position, dh.inclusion_probability,
           hr.village, hr.address, hr.use_class, hr.hazard_grade, hr.rectification_status, hr.synthetic,
           (SELECT e.replacement_house_id FROM draw_event AS e WHERE e.draw_id = f.draw_id
              AND e.kind = 'replacement_used' AND e.house_id = f.house_id ORDER BY e.id DESC LIMIT 1) AS replaced_by
    FROM draw_frame AS f
    LEFT JOIN draw_house AS dh ON dh.draw_id = f.draw_id AND dh.house_id = f.house_id
    LEFT JOIN draw_house_record AS hr ON hr.draw_id = f.draw_id AND hr.house_id = f.house_id
    WHERE f.draw_id = :draw_id AND f.unit_code = :unit
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.draw_id = f.draw_id AND fa.house_id = f.house_id
                        AND fa.team_id = CAST(:scope_team AS bigint)))
),
towns AS (
    SELECT d.code, d.name, d.synthetic, d.approximate, d.geom,
           (SELECT count(*) FROM frame WHERE frame.township_code = d.code) AS frame_count,
           (SELECT count(*) FROM frame WHERE frame.township_code = d.code AND frame.role = 'sample') AS sample_count
    FROM division AS d
    WHERE d.parent_code = :unit AND d.level = 'township' AND d.geom IS NOT NULL
)
SELECT json_build_object(
    'frame', json_build_object('type', 'FeatureCollection', 'features', COALESCE((
        SELECT json_agg(json_build_object(
            'type', 'Feature',
            'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(round(lon::numeric, 7), round(lat::numeric, 7))),
            'properties', json_build_object(
                'house_id', house_id, 'survey_code', survey_code, 'role', role, 'position', position,
                'commercial', commercial, 'township_code', township_code,
                'inclusion_probability', inclusion_probability, 'replaced_by', replaced_by,
                'village', village, 'address', address, 'use_class', use_class, 'hazard_grade', hazard_grade,
                'rectification_status', rectification_status, 'synthetic', synthetic)
        ) ORDER BY role, position, house_id) FROM frame), '[]'::json)),
    'townships', json_build_object('type', 'FeatureCollection', 'features', COALESCE((
        SELECT json_agg(json_build_object(
            'type', 'Feature',
            'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0005), 5)::json,
            'properties', json_build_object(
                'code', code, 'name', name, 'frame_count', frame_count, 'sample_count', sample_count,
                'covered', sample_count > 0, 'synthetic', synthetic, 'approximate', approximate)
        ) ORDER BY code) FROM towns), '[]'::json))
)::text
