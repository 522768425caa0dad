-- A firm's units: the group's listed units and the units its plan's draws gave the group.
SELECT u FROM (
    SELECT jsonb_array_elements_text(g -> 'units') AS u
    FROM field_firm AS f
    JOIN sampling_plan AS p ON p.id = f.plan_id,
    jsonb_array_elements(COALESCE(p.spec -> 'groups', '[]'::jsonb)) AS g
    WHERE f.id = :firm_id AND g ->> 'name' = f.group_name
    UNION
    SELECT du.unit_code
    FROM field_firm AS f
    JOIN draw AS d ON d.plan_id = f.plan_id
    JOIN draw_unit AS du ON du.draw_id = d.id AND du.group_name = f.group_name
    WHERE f.id = :firm_id
) AS units
ORDER BY u
