-- The demo's submitted houses visited at their submission (what mark_visited does one by one, in one
-- statement; the demo's single audit row stands for them).
UPDATE field_assignment AS a
SET visited_at = v.at, version = a.version + 1
FROM unnest(CAST(:houses AS bigint[]), CAST(:ats AS timestamptz[])) AS v(house_id, at)
WHERE a.draw_id = :draw_id AND a.house_id = v.house_id AND a.visited_at IS NULL
