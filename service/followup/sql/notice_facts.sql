-- What a rectification notice states about one inspection: the house and its place, the open hazard record,
-- the inspecting team, its members and its firm.
SELECT i.id AS inspection_id, i.answers, i.summary, i.submitted_at, i.synthetic, i.unit_code,
       h.survey_code, h.address, h.village, h.use_class, h.structure, h.floors,
       tw.name AS township_name, u.name AS unit_name, u.city_code, c.name AS city_name,
       r.initial_determination, r.hazard_grade, r.rectification_status,
       t.name AS team_name, f.name AS firm_name,
       ARRAY(SELECT a.name FROM field_team_member AS m JOIN account AS a ON a.id = m.account_id
             WHERE m.team_id = i.team_id ORDER BY a.name) AS inspectors
FROM inspection AS i
JOIN house AS h ON h.id = i.house_id
LEFT JOIN division AS tw ON tw.code = h.township_code
LEFT JOIN sampling_unit AS u ON u.code = i.unit_code
LEFT JOIN division AS c ON c.code = u.city_code
LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
LEFT JOIN field_team AS t ON t.id = i.team_id
LEFT JOIN field_firm AS f ON f.id = t.firm_id
WHERE i.id = :inspection_id
