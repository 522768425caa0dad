-- Each firm's progress in its plan's newest published draw, within the caller's scope (units; an inspector:
-- their team's houses): houses drawn (the sample of the firm's units), inspected (submitted or approved),
-- approved; when field work started (the first inspection opened, else the first planned day, else the
-- draw's publication) and the plan's deadline.
-- Parameters: firms (ids the caller may see), scope_all, scope_units, scope_team.
WITH firm AS (
    SELECT f.id, f.name, f.group_name, f.plan_id, p.deadline, d.id AS draw_id, d.published_at
    FROM field_firm AS f
    JOIN sampling_plan AS p ON p.id = f.plan_id
    JOIN LATERAL (
        SELECT id, published_at FROM draw
        WHERE plan_id = f.plan_id AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1
    ) AS d ON true
    WHERE f.id = ANY(CAST(:firms AS bigint[]))
)
SELECT firm.id AS firm_id, firm.name AS firm_name, firm.group_name, firm.plan_id, firm.draw_id, firm.deadline,
       drawn.n AS drawn, drawn.synthetic, done.inspected, done.approved,
       COALESCE(done.first_opened, planned.first_day, CAST(firm.published_at AT TIME ZONE 'Asia/Shanghai' AS date))
           AS started
FROM firm
CROSS JOIN LATERAL (
    SELECT count(*) AS n, COALESCE(bool_or(h.synthetic), false) AS synthetic
    FROM draw_house AS dh
    JOIN draw_unit AS du ON du.draw_id = dh.draw_id AND du.unit_code = dh.unit_code
    JOIN house AS h ON h.id = dh.house_id
    WHERE dh.draw_id = firm.draw_id AND dh.role = 'sample' AND du.group_name = firm.group_name
      AND (CAST(:scope_all AS boolean) OR dh.unit_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL OR EXISTS (
            SELECT 1 FROM field_assignment AS fa
            WHERE fa.draw_id = dh.draw_id AND fa.house_id = dh.house_id AND fa.team_id = CAST(:scope_team AS bigint)))
) AS drawn
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE i.status IN ('submitted', 'approved')) AS inspected,
           count(*) FILTER (WHERE i.status = 'approved') AS approved,
           CAST(min(i.opened_at AT TIME ZONE 'Asia/Shanghai') AS date) AS first_opened
    FROM inspection AS i
    JOIN field_team AS t ON t.id = i.team_id
    WHERE i.draw_id = firm.draw_id AND t.firm_id = firm.id
      AND (CAST(:scope_all AS boolean) OR i.unit_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL OR i.team_id = CAST(:scope_team AS bigint))
) AS done
CROSS JOIN LATERAL (
    SELECT min(rd.day) AS first_day
    FROM field_route_day AS rd
    JOIN field_route_plan AS rp ON rp.id = rd.plan_id
    JOIN field_team AS t ON t.id = rp.team_id
    WHERE t.firm_id = firm.id AND rp.draw_id = firm.draw_id
) AS planned
ORDER BY firm.plan_id DESC, firm.id
