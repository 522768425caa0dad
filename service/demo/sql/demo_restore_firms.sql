-- The demo plan's firms and their reviewer accounts (demo-g<k>-firm), to restore a demo's context.
-- Parameters: plan_id, prefix (the demo accounts' username prefix as a LIKE pattern).
SELECT f.id AS firm_id, f.group_name, a.id AS reviewer_id
FROM field_firm AS f
LEFT JOIN account AS a
    ON a.role = 'firm' AND a.scope_plan_id = f.plan_id AND a.scope_group = f.group_name AND a.username LIKE :prefix
WHERE f.plan_id = :plan_id
ORDER BY f.id
