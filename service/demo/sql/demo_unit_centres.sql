-- The centre of each unit's drawn sample houses in a draw (where the demo puts a team's base).
SELECT dh.unit_code, ST_X(c) AS lon, ST_Y(c) AS lat
FROM (
    SELECT dh.unit_code, ST_Centroid(ST_Collect(h.geom)) AS c
    FROM draw_house AS dh JOIN house AS h ON h.id = dh.house_id
    WHERE dh.draw_id = :draw_id AND dh.role = 'sample'
    GROUP BY dh.unit_code
) AS dh
