-- The evidence files (without their content, not withdrawn) of one county for a checklist's items, oldest
-- first.
SELECT e.id, i.key AS item_key, e.filename, e.content_type, e.size_bytes, e.sha256, e.uploaded_at,
       COALESCE(a.name, a.username, '') AS uploaded_by, e.synthetic
FROM review_evidence AS e
JOIN review_item AS i ON i.id = e.item_id
LEFT JOIN account AS a ON a.id = e.uploaded_by_account_id
WHERE i.checklist_id = :checklist_id AND e.unit_code = :unit_code AND e.withdrawn_at IS NULL
ORDER BY e.uploaded_at, e.id
