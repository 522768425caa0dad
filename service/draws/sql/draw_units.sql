-- The units of a draw with their names, requests and counts, limited to the caller's scope.
SELECT u.unit_code, d.name AS unit_name, u.city_code, c.name AS city_name, u.reason, u.inclusion_probability,
       u.unit_order, u.group_name, u.firm, u.houses_requested, u.commercial_min, u.commercial_drawn,
       u.frame_size, u.shortfalls,
       (SELECT count(*) FROM draw_house AS h
        WHERE h.draw_id = u.draw_id AND h.unit_code = u.unit_code AND h.role = 'sample') AS houses_drawn
FROM draw_unit AS u
JOIN division AS d ON d.code = u.unit_code
JOIN division AS c ON c.code = u.city_code
WHERE u.draw_id = :d
  AND (CAST(:scope_all AS boolean) OR u.unit_code = ANY(CAST(:scope_units AS text[])))
ORDER BY u.city_code, u.unit_order
