-- Append one audit event to the hash chain; returns its id.
-- Parameters: account, actor, request, action, ttype, tid, outcome, detail, ip.
SELECT audit_append(:account, :actor, :request, :action, :ttype, :tid, :outcome,
CAST(:detail AS jsonb), :ip)
