-- The counts behind every drawn county unit's key figures in the caller's scope (service/evaluation/figures.py):
-- sampled houses (draw_house role 'sample'), inspections of the draw in the unit (inspected = submitted or
-- approved, approved, collapse risk found among the inspected), the draw's notices of the unit by state
-- (issued = every notice past draft; open = issued and not closed; overdue = open with its deadline before
-- :today, the date in Asia/Shanghai, the rule of service/followup/sql/notices_list.sql; closed = 已销号),
-- and whether the unit's drawn records are synthetic.
-- Parameters: d (draw id), today, scope_all, scope_units.
SELECT du.unit_code, u.name AS unit_name, du.city_code, c.name AS city_name, du.group_name, du.firm,
       drawn.n AS drawn, drawn.synthetic, ins.inspected, ins.approved, ins.collapse_risk, ins.synthetic_inspections,
       nt.issued, nt.open, nt.overdue, nt.closed, nt.synthetic_notices
FROM draw_unit AS du
JOIN division AS u ON u.code = du.unit_code
LEFT JOIN division AS c ON c.code = du.city_code
CROSS JOIN LATERAL (
    SELECT count(*) AS n, COALESCE(bool_or(rec.synthetic), false) AS synthetic
    FROM draw_house AS dh
    LEFT JOIN draw_house_record AS rec ON rec.draw_id = dh.draw_id AND rec.house_id = dh.house_id
    WHERE dh.draw_id = du.draw_id AND dh.unit_code = du.unit_code AND dh.role = 'sample'
) AS drawn
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE i.status IN ('submitted', 'approved')) AS inspected,
           count(*) FILTER (WHERE i.status = 'approved') AS approved,
           count(*) FILTER (WHERE i.status IN ('submitted', 'approved')
                              AND COALESCE(i.summary ->> 'collapse_risk', 'false') = 'true') AS collapse_risk,
           COALESCE(bool_or(i.synthetic), false) AS synthetic_inspections
    FROM inspection AS i
    WHERE i.draw_id = du.draw_id AND i.unit_code = du.unit_code
) AS ins
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE n.status <> 'draft') AS issued,
           count(*) FILTER (WHERE n.status NOT IN ('draft', 'closed')) AS open,
           count(*) FILTER (WHERE n.status NOT IN ('draft', 'closed') AND n.deadline < CAST(:today AS date)) AS overdue,
           count(*) FILTER (WHERE n.status = 'closed') AS closed,
           COALESCE(bool_or(n.synthetic), false) AS synthetic_notices
    FROM notice AS n
    WHERE n.draw_id = du.draw_id AND n.unit_code = du.unit_code
) AS nt
WHERE du.draw_id = :d
  AND (CAST(:scope_all AS boolean) OR du.unit_code = ANY(CAST(:scope_units AS text[])))
ORDER BY du.city_code, du.unit_order, du.unit_code
