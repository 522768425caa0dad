-- The drawn units of a draw in the caller's scope, with their city, firm and the state of their sampled houses
-- (a replaced house counts once, through the house in its place).
SELECT du.unit_code, su.name AS unit_name, du.city_code, c.name AS city_name, du.group_name, du.firm,
       du.reason, du.houses_requested, du.frame_size,
       (SELECT count(*) FROM draw_house AS dh WHERE dh.draw_id = du.draw_id AND dh.unit_code = du.unit_code
          AND dh.role = 'sample') AS drawn,
       (SELECT count(*) FROM inspection AS i WHERE i.draw_id = du.draw_id AND i.unit_code = du.unit_code
          AND i.status = 'approved') AS approved,
       (SELECT count(*) FROM inspection AS i WHERE i.draw_id = du.draw_id AND i.unit_code = du.unit_code
          AND i.status = 'submitted') AS submitted,
       (SELECT count(*) FROM inspection AS i WHERE i.draw_id = du.draw_id AND i.unit_code = du.unit_code
          AND i.status IN ('draft', 'returned')) AS in_progress,
       (SELECT count(DISTINCT dh.township_code) FROM draw_house AS dh WHERE dh.draw_id = du.draw_id
          AND dh.unit_code = du.unit_code AND dh.role = 'sample') AS townships,
       (SELECT count(*) FROM field_team AS t JOIN field_firm AS f ON f.id = t.firm_id
          WHERE f.plan_id = d.plan_id AND f.group_name = du.group_name) AS teams,
       COALESCE((SELECT bool_or(i.synthetic) FROM inspection AS i WHERE i.draw_id = du.draw_id
          AND i.unit_code = du.unit_code), false)
       OR COALESCE((SELECT bool_or(hr.synthetic) FROM draw_house_record AS hr JOIN draw_house AS dh
          ON dh.draw_id = hr.draw_id AND dh.house_id = hr.house_id
          WHERE hr.draw_id = du.draw_id AND dh.unit_code = du.unit_code), false) AS synthetic
FROM draw_unit AS du
JOIN draw AS d ON d.id = du.draw_id
JOIN sampling_unit AS su ON su.code = du.unit_code
LEFT JOIN division AS c ON c.code = du.city_code
WHERE du.draw_id = :draw_id
  AND (CAST(:unit AS text) IS NULL OR du.unit_code = CAST(:unit AS text))
  AND (CAST(:scope_all AS boolean) OR du.unit_code = ANY(CAST(:scope_units AS text[])))
ORDER BY du.city_code, du.unit_order, du.unit_code
