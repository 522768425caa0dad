-- Where the phone was when the form was opened and when it was submitted (CGCS2000 lon/lat), for the map.
SELECT ST_X(i.opened_geom) AS opened_lon, ST_Y(i.opened_geom) AS opened_lat, i.opened_accuracy_m,
       ST_X(i.submitted_geom) AS submitted_lon, ST_Y(i.submitted_geom) AS submitted_lat, i.submitted_accuracy_m
FROM inspection AS i
WHERE i.id = :inspection_id
