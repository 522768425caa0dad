-- Batches of resident links in the caller's scope, with how many of their links were answered and stopped.
SELECT b.id, b.year, b.unit_code, u.name AS unit_name, b.label, b.size, b.synthetic, b.created_at,
       (SELECT count(*) FROM survey_response AS r JOIN survey_token AS t ON t.id = r.token_id
        WHERE t.batch_id = b.id) AS answered,
       (SELECT count(*) FROM survey_token AS t WHERE t.batch_id = b.id AND t.revoked_at IS NOT NULL) AS revoked
FROM survey_batch AS b
LEFT JOIN sampling_unit AS u ON u.code = b.unit_code
WHERE (CAST(:scope_all AS boolean) OR b.unit_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:unit AS text) IS NULL OR b.unit_code = CAST(:unit AS text))
  AND (CAST(:year AS integer) IS NULL OR b.year = CAST(:year AS integer))
  AND (CAST(:batch_id AS bigint) IS NULL OR b.id = CAST(:batch_id AS bigint))
ORDER BY b.created_at DESC, b.id DESC
LIMIT 500
