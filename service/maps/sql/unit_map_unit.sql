-- A unit's name, city, extent and simplified boundary for its printable map.
-- Parameters: u.
SELECT d.name, c.name, d.approximate, ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom),
ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, 0.0005), 6) FROM division d
JOIN division c ON c.code = d.parent_code WHERE d.code = :u
