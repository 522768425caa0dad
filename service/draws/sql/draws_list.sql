-- Every draw the caller's scope reaches (a firm: draws with one of its units; a team, :scope_team: draws
-- with houses assigned to it), newest first.
SELECT d.id, d.plan_id, p.name AS plan_name, d.seed, d.status, d.created_by, d.created_at, d.published_at,
       d.seed_commitment_id
FROM draw AS d
JOIN sampling_plan AS p ON p.id = d.plan_id
WHERE (CAST(:scope_all AS boolean)
       OR EXISTS (SELECT 1 FROM draw_unit AS u
                  WHERE u.draw_id = d.id AND u.unit_code = ANY(CAST(:scope_units AS text[]))))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.draw_id = d.id AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY d.id DESC
