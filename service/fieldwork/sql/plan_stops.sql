-- The stops of a plan, in order, with the house's record as drawn and its visit details.
SELECT s.day, s.vehicle, s.seq, s.house_id, s.priority, s.arrival, s.service_start, s.departure,
       s.travel_s, s.distance_m, r.survey_code, r.township_name, r.village, r.address, r.use_class,
       r.hazard_grade, r.rectification_status, r.lon, r.lat, r.synthetic, h.floors,
       a.appointment_start, a.appointment_end, a.visited_at
FROM field_route_stop AS s
JOIN field_route_plan AS p ON p.id = s.plan_id
JOIN draw_house_record AS r ON r.draw_id = p.draw_id AND r.house_id = s.house_id
LEFT JOIN house AS h ON h.id = s.house_id
LEFT JOIN field_assignment AS a ON a.draw_id = p.draw_id AND a.house_id = s.house_id
WHERE s.plan_id = :plan_id
  AND (CAST(:day AS date) IS NULL OR s.day = CAST(:day AS date))
ORDER BY s.day, s.vehicle, s.seq
