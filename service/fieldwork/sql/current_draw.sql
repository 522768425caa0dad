-- The newest published draw of a plan: the one field work follows.
SELECT id FROM draw WHERE plan_id = :plan_id AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1
