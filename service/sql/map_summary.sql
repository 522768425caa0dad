-- Key figures of one division (any level) for the side panel.
WITH target AS (SELECT code, name, level FROM division WHERE code = :code),
houses AS (
    SELECT h.id, h.synthetic, r.id AS record, r.hazard_grade, r.rectification_status, r.closed_out,
           r.rectification_deadline
    FROM house AS h
    JOIN division AS c ON c.code = h.county_code
    LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    CROSS JOIN target AS t
    WHERE CASE t.level WHEN 'province' THEN true WHEN 'city' THEN c.parent_code = t.code
                       WHEN 'county' THEN h.county_code = t.code ELSE h.township_code = t.code END
)
SELECT t.code, t.name, t.level,
       count(h.id) AS houses,
       count(h.record) AS hazardous,
       count(h.record) FILTER (WHERE h.hazard_grade = 'collapse_risk') AS collapse_risk,
       count(h.record) FILTER (WHERE h.rectification_status = 'pending') AS pending,
       count(h.record) FILTER (WHERE h.rectification_status = 'in_progress') AS in_progress,
       count(h.record) FILTER (WHERE h.rectification_status = 'done') AS done,
       count(h.record) FILTER (WHERE h.closed_out) AS closed_out,
       count(h.record) FILTER (WHERE h.rectification_status <> 'done' AND h.rectification_deadline < CURRENT_DATE)
           AS overdue,
       count(h.record) FILTER (WHERE EXISTS (SELECT 1 FROM house_proximity AS p WHERE p.house_id = h.id
                                             AND p.site_kind IN ('college', 'school', 'kindergarten')))
           AS near_school_hazardous,
       CASE WHEN count(h.record) > 0
            THEN round((count(h.record) FILTER (WHERE h.rectification_status = 'done'))::numeric / count(h.record), 4)
       END AS rectified_share,
       COALESCE(bool_or(h.synthetic), false) AS synthetic
FROM target AS t LEFT JOIN houses AS h ON true
GROUP BY t.code, t.name, t.level
