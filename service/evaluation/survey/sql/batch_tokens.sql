-- The links of one batch, in the order they were made, and whether each was answered.
SELECT t.id, t.token, t.revoked_at IS NOT NULL AS revoked,
       EXISTS (SELECT 1 FROM survey_response AS r WHERE r.token_id = t.id) AS answered
FROM survey_token AS t
WHERE t.batch_id = :batch_id
ORDER BY t.id
