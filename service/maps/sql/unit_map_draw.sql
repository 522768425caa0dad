-- A unit's drawn and replacement houses as the draw recorded them (draw_house_record, frozen with the
-- draw), not as later imports may have changed them. Positions in CGCS2000 lon/lat. A team's scope: only
-- the houses assigned to the team in this draw.
SELECT dh.role, dh.position, r.survey_code, r.lon, r.lat
FROM draw_house AS dh
JOIN draw_house_record AS r ON r.draw_id = dh.draw_id AND r.house_id = dh.house_id
WHERE dh.draw_id = :d
  AND dh.unit_code = :u
  AND (CAST(:scope_all AS boolean) OR dh.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.draw_id = dh.draw_id AND fa.house_id = dh.house_id
                    AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY dh.role DESC, dh.position
