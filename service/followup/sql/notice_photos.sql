-- The photos a notice shows: JPEG and PNG only (the .docx embeds them), in the order taken.
SELECT content, caption, taken_at
FROM inspection_photo
WHERE inspection_id = :i AND content_type IN ('image/jpeg', 'image/png')
ORDER BY id
LIMIT :n
