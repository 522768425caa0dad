-- One review step of a synthetic inspection (found by its client_id).
INSERT INTO inspection_review (inspection_id, action, comment, version, account_id, at)
SELECT i.id, :action, :comment, :version, :account_id, :at
FROM inspection AS i WHERE i.client_id = CAST(:inspection_client_id AS uuid)
