-- A year's checklist as loaded from its file; nothing when another request loaded it first.
INSERT INTO review_checklist (year, title, source)
VALUES (:year, :title, :source)
ON CONFLICT (year) DO NOTHING
RETURNING id
