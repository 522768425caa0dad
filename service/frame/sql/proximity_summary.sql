-- Houses and hazardous houses near each kind of sensitive site, per sampling unit (or per city).
-- :scope_all, :scope_units, :scope_team  the caller's scope: only its houses are counted (a team's: those
-- assigned to it), so a city's row holds the figures of its units in scope (a county office's city row is
-- its county's). Nearness is the house's own.
WITH base AS (
    SELECT CASE WHEN :by = 'city' THEN u.city_code ELSE u.code END AS code,
           h.id, r.id IS NOT NULL AS hazardous, p.site_kind
    FROM house AS h
    JOIN sampling_unit AS u ON u.code = h.county_code
    LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    LEFT JOIN house_proximity AS p ON p.house_id = h.id
    WHERE (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
      AND (CAST(:scope_team AS bigint) IS NULL
           OR EXISTS (SELECT 1 FROM field_assignment AS fa
                      WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
)
SELECT b.code, d.name,
       count(DISTINCT b.id) AS houses,
       count(DISTINCT b.id) FILTER (WHERE b.hazardous) AS hazardous,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind IS NOT NULL) AS near_any,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind IS NOT NULL AND b.hazardous) AS hazardous_near_any,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'college') AS near_college,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'school') AS near_school,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'kindergarten') AS near_kindergarten,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'hospital') AS near_hospital,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'college' AND b.hazardous) AS hazardous_near_college,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'school' AND b.hazardous) AS hazardous_near_school,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'kindergarten' AND b.hazardous)
           AS hazardous_near_kindergarten,
       count(DISTINCT b.id) FILTER (WHERE b.site_kind = 'hospital' AND b.hazardous) AS hazardous_near_hospital
FROM base AS b JOIN division AS d ON d.code = b.code
GROUP BY b.code, d.name
ORDER BY b.code
