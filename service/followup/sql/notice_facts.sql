-- What a rectification notice states about one inspection beyond the house's platform record (read with
-- service/inspections/sql/house_registry.sql): the unit and city, the inspecting team, its members and firm.
SELECT i.id AS inspection_id, i.draw_id, i.house_id, i.answers, i.summary, i.submitted_at, i.synthetic,
       i.unit_code, u.name AS unit_name, u.city_code, c.name AS city_name,
       t.name AS team_name, f.name AS firm_name,
       ARRAY(SELECT a.name FROM field_team_member AS m JOIN account AS a ON a.id = m.account_id
             WHERE m.team_id = i.team_id ORDER BY a.name) AS inspectors
FROM inspection AS i
LEFT JOIN sampling_unit AS u ON u.code = i.unit_code
LEFT JOIN division AS c ON c.code = u.city_code
LEFT JOIN field_team AS t ON t.id = i.team_id
LEFT JOIN field_firm AS f ON f.id = t.firm_id
WHERE i.id = :inspection_id
