-- Link each closed synthetic record to the one that followed it.
-- No parameters.
UPDATE hazard_record AS r SET superseded_by = n.next_id FROM (
  SELECT id, lead(id) OVER (PARTITION BY house_id ORDER BY opened_on, id) AS next_id
  FROM hazard_record WHERE synthetic) AS n
WHERE r.id = n.id AND r.closed_on IS NOT NULL
