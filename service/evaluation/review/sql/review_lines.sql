-- Every item of a checklist for each of the given counties: the firm's score and comment (none when not
-- scored) and the number of evidence files (not withdrawn). The counties are the caller's (review_units.sql).
SELECT un.code AS unit_code, i.id AS item_id, i.key, i.position, i.title, i.guidance, i.weight,
       s.score, COALESCE(s.comment, '') AS comment, s.version, s.synthetic, s.scored_at,
       a.name AS scored_by,
       (SELECT count(*) FROM review_evidence AS e
        WHERE e.item_id = i.id AND e.unit_code = un.code AND e.withdrawn_at IS NULL) AS evidence,
       EXISTS (SELECT 1 FROM review_evidence AS e
               WHERE e.item_id = i.id AND e.unit_code = un.code AND e.synthetic AND e.withdrawn_at IS NULL)
           AS evidence_synthetic
FROM unnest(CAST(:units AS text[])) AS un(code)
CROSS JOIN review_item AS i
LEFT JOIN review_score AS s ON s.item_id = i.id AND s.unit_code = un.code
LEFT JOIN account AS a ON a.id = s.scored_by_account_id
WHERE i.checklist_id = :checklist_id
ORDER BY un.code, i.position
