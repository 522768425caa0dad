-- Every drawn sample house of a draw as the inspection form reads it (the columns of
-- service/inspections/sql/house_registry.sql), with its team, the team's group and the unit's group.
SELECT h.id AS house_id, h.survey_code, h.census_no, dh.unit_code, fa.team_id, h.synthetic,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       h.county_code, h.township_code, h.village, h.address,
       h.use_class, h.business_type, h.area_type, h.structure, h.floors, h.floors_band, h.floor_area_m2,
       h.build_year, h.build_era, h.alterations, h.geohazards,
       r.record_code, r.initial_determination, r.hazard_grade, r.appraisal_status, r.appraisal_standard,
       r.appraisal_grade, r.rectification_status, r.rectification_deadline, r.measures, r.closed_out,
       f.group_name AS "group", f.id AS firm_id
FROM draw_house AS dh
JOIN house AS h ON h.id = dh.house_id
JOIN field_assignment AS fa ON fa.draw_id = dh.draw_id AND fa.house_id = dh.house_id
JOIN field_team AS t ON t.id = fa.team_id
JOIN field_firm AS f ON f.id = t.firm_id
LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
WHERE dh.draw_id = :draw_id AND dh.role = 'sample'
ORDER BY h.id
