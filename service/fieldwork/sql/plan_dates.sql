SELECT DISTINCT day FROM field_route_day WHERE plan_id = :plan_id ORDER BY day
