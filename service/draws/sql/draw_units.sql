-- The units of a draw with their names, requests and counts, limited to the caller's scope. A team's scope
-- (:scope_team): only the units where the team has houses of this draw, and houses_drawn counts those.
SELECT u.unit_code, d.name AS unit_name, u.city_code, c.name AS city_name, u.reason, u.inclusion_probability,
       u.unit_order, u.group_name, u.firm, u.houses_requested, u.commercial_min, u.commercial_drawn,
       u.frame_size, u.shortfalls,
       (SELECT count(*) FROM draw_house AS h
        WHERE h.draw_id = u.draw_id AND h.unit_code = u.unit_code AND h.role = 'sample'
          AND (CAST(:scope_team AS bigint) IS NULL
               OR EXISTS (SELECT 1 FROM field_assignment AS fa
                          WHERE fa.draw_id = h.draw_id AND fa.house_id = h.house_id
                            AND fa.team_id = CAST(:scope_team AS bigint)))) AS houses_drawn
FROM draw_unit AS u
JOIN division AS d ON d.code = u.unit_code
JOIN division AS c ON c.code = u.city_code
WHERE u.draw_id = :d
  AND (CAST(:scope_all AS boolean) OR u.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.draw_id = u.draw_id AND fa.unit_code = u.unit_code
                    AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY u.city_code, u.unit_order
