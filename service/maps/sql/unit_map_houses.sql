-- The houses of a unit in scope with their current hazard record.
-- Parameters: u, scope_all, scope_units.
SELECT h.survey_code, h.address, h.synthetic, ST_X(h.geom), ST_Y(h.geom), r.rectification_status,
r.hazard_grade FROM house h JOIN hazard_record r ON r.house_id = h.id AND r.closed_on IS NULL
WHERE h.county_code = :u AND (CAST(:scope_all AS boolean)
OR h.county_code = ANY(CAST(:scope_units AS text[]))) ORDER BY h.id
