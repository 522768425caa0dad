-- Rectification notices per unit in scope by state: issued (numbered), open, overdue (the rule of
-- service/followup/sql/notices_list.sql: issued, not closed, deadline before :today), closed.
SELECT n.unit_code,
       count(*) FILTER (WHERE n.status <> 'draft') AS issued,
       count(*) FILTER (WHERE n.status NOT IN ('draft', 'closed')) AS open,
       count(*) FILTER (WHERE n.status = 'reported_done') AS reported_done,
       count(*) FILTER (WHERE n.status NOT IN ('draft', 'closed') AND n.deadline < CAST(:today AS date)) AS overdue,
       count(*) FILTER (WHERE n.status = 'closed') AS closed,
       count(*) FILTER (WHERE n.status = 'draft') AS drafts,
       COALESCE(bool_or(n.synthetic), false) AS synthetic
FROM notice AS n
WHERE n.draw_id = :draw_id
  AND (CAST(:scope_all AS boolean) OR n.unit_code = ANY(CAST(:scope_units AS text[])))
GROUP BY n.unit_code
