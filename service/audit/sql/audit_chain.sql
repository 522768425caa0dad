-- Every audit row in chain order with its hash recomputed by the same function that wrote it.
SELECT id,
       prev_hash,
       hash,
       audit_digest(prev_hash, id, at, account_id, actor, request_id, action, target_type, target_id,
                    outcome, detail, ip) AS recomputed
FROM audit_event
ORDER BY id
