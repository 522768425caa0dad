-- Save one section: insert it at version 1 when :version is 0 and no row exists, else update the row whose
-- version is :version. No row back: the version read is stale (409).
INSERT INTO report_draft AS r (target, year, section, text, version, edited_by_account_id)
VALUES (:target, :year, :section, :text, 1, :by)
ON CONFLICT (target, year, section) DO UPDATE
SET text = EXCLUDED.text, version = r.version + 1, edited_by_account_id = EXCLUDED.edited_by_account_id,
    edited_at = now()
WHERE r.version = :version
RETURNING version, edited_at
