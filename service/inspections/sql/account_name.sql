-- An account's name and username (who changed a record).
SELECT name, username
FROM account
WHERE id = :a
