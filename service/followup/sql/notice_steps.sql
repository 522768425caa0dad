-- A notice's steps in order, each with the account's name and its files (no content).
SELECT s.id, s.action, s.text, s.status, s.version, s.at, a.name AS account_name, a.organisation,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'filename', e.filename,
                                                     'content_type', e.content_type, 'size_bytes', e.size_bytes,
                                                     'sha256', e.sha256) ORDER BY e.id)
                 FROM notice_evidence AS e WHERE e.step_id = s.id), '[]'::jsonb) AS files
FROM notice_step AS s
JOIN account AS a ON a.id = s.account_id
WHERE s.notice_id = :notice_id
ORDER BY s.at, s.id
