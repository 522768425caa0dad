-- The drawn houses of a draw as the estimates read them: each sampled house followed through its
-- replacements (draw_event 'replacement_used', a replacement may itself be replaced) to the house that
-- stands in its place, which keeps the sampled house's unit, stratum and inclusion probability; the house's
-- record at the draw (rectification status, synthetic) and its inspection, if any.
-- Parameters: d.
WITH RECURSIVE chain AS (
    SELECT dh.house_id AS origin, dh.house_id, 0 AS depth
    FROM draw_house AS dh
    WHERE dh.draw_id = :d AND dh.role = 'sample'
    UNION ALL
    SELECT c.origin, e.replacement_house_id, c.depth + 1
    FROM chain AS c
    JOIN draw_event AS e ON e.draw_id = :d AND e.kind = 'replacement_used' AND e.house_id = c.house_id
    WHERE c.depth < 100
), final AS (
    SELECT DISTINCT ON (origin) origin, house_id FROM chain ORDER BY origin, depth DESC
)
SELECT s.unit_code, s.house_id AS drawn_house_id, f.house_id, s.stratum, s.inclusion_probability AS pi_house,
       rec.rectification_status AS recorded_rectification, COALESCE(rec.synthetic, false) AS synthetic,
       i.status, i.summary
FROM draw_house AS s
JOIN final AS f ON f.origin = s.house_id
LEFT JOIN draw_house_record AS rec ON rec.draw_id = :d AND rec.house_id = f.house_id
LEFT JOIN inspection AS i ON i.draw_id = :d AND i.house_id = f.house_id
WHERE s.draw_id = :d AND s.role = 'sample'
ORDER BY s.unit_code, s.house_id
