-- The attributes of every frame house of a draw (d = draw id):
-- What the coverage report compares: each frame house's use class, structure, floors band, current
-- hazard grade, and whether it lies within the radius of a college, school or kindergarten.
SELECT f.house_id, h.use_class, COALESCE(h.structure, 'unknown') AS structure,
       COALESCE(h.floors_band, 'unknown') AS floors_band, COALESCE(r.hazard_grade, 'unknown') AS hazard_grade,
       EXISTS (SELECT 1 FROM house_proximity p WHERE p.house_id = f.house_id
               AND is_school_kind(p.site_kind)) AS near_school
FROM draw_frame AS f
JOIN house AS h ON h.id = f.house_id
LEFT JOIN hazard_record AS r ON r.house_id = f.house_id AND r.closed_on IS NULL
WHERE f.draw_id = :d
