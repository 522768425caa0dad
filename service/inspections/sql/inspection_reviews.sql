-- The review steps of an inspection with who made them, in order.
SELECT r.action, r.comment, r.version, r.at, a.name, a.username
FROM inspection_review AS r
JOIN account AS a ON a.id = r.account_id
WHERE r.inspection_id = :inspection_id
ORDER BY r.id
