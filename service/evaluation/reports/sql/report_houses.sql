-- The sampled houses of a draw's units in scope (or of one unit) with their point (CGCS2000 lon/lat), township,
-- inspection state and summary, the form's control measures and whether measures were recorded later.
SELECT dh.unit_code, dh.house_id, dh.role, dh.township_code, t.name AS township_name, ST_X(h.geom) AS lon,
       ST_Y(h.geom) AS lat, i.status, i.summary, i.answers -> 'control_measures' AS form_measures,
       EXISTS (SELECT 1 FROM control_case AS cc JOIN control_record AS cr ON cr.case_id = cc.id
               WHERE cc.house_id = dh.house_id AND cc.draw_id = dh.draw_id) AS recorded_control,
       COALESCE(i.synthetic, hr.synthetic, false) AS synthetic
FROM draw_house AS dh
JOIN house AS h ON h.id = dh.house_id
LEFT JOIN division AS t ON t.code = dh.township_code
LEFT JOIN draw_house_record AS hr ON hr.draw_id = dh.draw_id AND hr.house_id = dh.house_id
LEFT JOIN inspection AS i ON i.draw_id = dh.draw_id AND i.house_id = dh.house_id
WHERE dh.draw_id = :draw_id AND dh.role IN ('sample', 'replacement')
  AND (dh.role = 'sample' OR i.id IS NOT NULL)
  AND (CAST(:unit AS text) IS NULL OR dh.unit_code = CAST(:unit AS text))
  AND (CAST(:scope_all AS boolean) OR dh.unit_code = ANY(CAST(:scope_units AS text[])))
ORDER BY dh.unit_code, dh.township_code, dh.house_id
