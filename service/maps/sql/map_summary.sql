-- Key figures of one division (any level) for the side panel, from the pre-counted house_stats view.
-- :scope_all, :scope_units  the caller's scope: only its houses are counted; "partial" says whether the
-- division holds sampling units outside it (then the figures are those of its part in scope).
-- :scope_team  a team's scope counts only the houses assigned to the team (scoped_house_stats, migration
-- 0016: house_stats itself for any other scope); its figures are always partial.
WITH target AS (SELECT code, name, level, parent_code FROM division WHERE code = :code),
stats AS (
    SELECT s.*
    FROM scoped_house_stats(CAST(:scope_team AS bigint)) AS s CROSS JOIN target AS t
    WHERE CASE t.level WHEN 'province' THEN true WHEN 'city' THEN s.city_code = t.code
                       WHEN 'county' THEN s.county_code = t.code ELSE s.township_code = t.code END
      AND (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
)
SELECT t.code, t.name, t.level,
       COALESCE(sum(s.houses), 0) AS houses,
       COALESCE(sum(s.houses) FILTER (WHERE s.hazardous), 0) AS hazardous,
       COALESCE(sum(s.houses) FILTER (WHERE s.hg = 'collapse_risk'), 0) AS collapse_risk,
       COALESCE(sum(s.houses) FILTER (WHERE s.rs = 'pending'), 0) AS pending,
       COALESCE(sum(s.houses) FILTER (WHERE s.rs = 'in_progress'), 0) AS in_progress,
       COALESCE(sum(s.houses) FILTER (WHERE s.rs = 'done'), 0) AS done,
       COALESCE(sum(s.houses) FILTER (WHERE s.hazardous AND s.closed_out), 0) AS closed_out,
       COALESCE(sum(s.houses) FILTER (WHERE s.rs <> 'done' AND s.deadline < CURRENT_DATE), 0) AS overdue,
       COALESCE(sum(s.houses) FILTER (WHERE s.near_school), 0) AS near_school_hazardous,
       CASE WHEN sum(s.houses) FILTER (WHERE s.hazardous) > 0
            THEN round((sum(s.houses) FILTER (WHERE s.rs = 'done'))::numeric / sum(s.houses) FILTER (WHERE s.hazardous), 4)
       END AS rectified_share,
       COALESCE(bool_or(s.synthetic), false) AS synthetic,
       NOT CAST(:scope_all AS boolean) AND (CAST(:scope_team AS bigint) IS NOT NULL OR EXISTS (
           SELECT 1 FROM sampling_unit AS u
           WHERE NOT u.code = ANY(CAST(:scope_units AS text[]))
             AND CASE t.level WHEN 'province' THEN true WHEN 'city' THEN u.city_code = t.code
                              WHEN 'county' THEN u.code = t.code ELSE u.code = t.parent_code END
       )) AS partial
FROM target AS t LEFT JOIN stats AS s ON true
GROUP BY t.code, t.name, t.level, t.parent_code
