-- Whether any house in scope (a team's: assigned to it) is synthetic.
-- Parameters: scope_all, scope_units, scope_team.
SELECT EXISTS (SELECT 1 FROM house WHERE synthetic AND (CAST(:scope_all AS boolean)
OR county_code = ANY(CAST(:scope_units AS text[]))) AND (CAST(:scope_team AS bigint) IS NULL OR EXISTS (
SELECT 1 FROM field_assignment AS fa WHERE fa.house_id = house.id AND fa.team_id = CAST(:scope_team AS bigint))))
