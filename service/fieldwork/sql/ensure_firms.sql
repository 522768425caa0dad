-- One firm per group of a plan (the plan's spec lists its groups: name, firm, units); idempotent.
INSERT INTO field_firm (plan_id, group_name, name)
SELECT p.id, g ->> 'name', COALESCE(NULLIF(g ->> 'firm', ''), g ->> 'name')
FROM sampling_plan AS p, jsonb_array_elements(COALESCE(p.spec -> 'groups', '[]'::jsonb)) AS g
WHERE p.id = :plan_id
ON CONFLICT (plan_id, group_name) DO NOTHING
