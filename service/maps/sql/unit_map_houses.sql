-- The houses of a unit in scope (a team's: assigned to it) with their current hazard record.
-- Parameters: u, scope_all, scope_units, scope_team.
SELECT h.survey_code, h.address, h.synthetic, ST_X(h.geom), ST_Y(h.geom), r.rectification_status,
r.hazard_grade FROM house h JOIN hazard_record r ON r.house_id = h.id AND r.closed_on IS NULL
WHERE h.county_code = :u AND (CAST(:scope_all AS boolean)
OR h.county_code = ANY(CAST(:scope_units AS text[]))) AND (CAST(:scope_team AS bigint) IS NULL OR EXISTS (
SELECT 1 FROM field_assignment AS fa WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
ORDER BY h.id
