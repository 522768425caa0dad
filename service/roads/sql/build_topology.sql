-- Topology of network :network from the staged lines (road_line, on a grid of :grid degrees, about 0.1 m):
-- each line is cut at its split points (road_blade: vertices it shares with another line, and where another
-- line crosses it or ends on it); the pieces keep their line's attributes and direction, and their end
-- points, on the same grid, become the vertices.
ANALYZE road_blade;
CREATE TEMP TABLE road_part ON COMMIT DROP AS
SELECT l.line_no, l.road_class, l.speed_kmh, l.oneway, l.name, d.geom
FROM road_line AS l
LEFT JOIN road_blade AS b ON b.part = l.part
CROSS JOIN LATERAL ST_Dump(
    CASE WHEN b.blade IS NULL THEN l.geom
         ELSE ST_Split(ST_Snap(l.geom, b.blade, CAST(:grid AS float8)), b.blade) END
) AS d
WHERE ST_Length(d.geom) > 0;
ALTER TABLE road_part
    ADD COLUMN a geometry(Point, 4490), ADD COLUMN b geometry(Point, 4490),
    ADD COLUMN source bigint, ADD COLUMN target bigint;
UPDATE road_part SET a = ST_SnapToGrid(ST_StartPoint(geom), CAST(:grid AS float8)),
                     b = ST_SnapToGrid(ST_EndPoint(geom), CAST(:grid AS float8));
CREATE TEMP TABLE road_node ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('road_vertex', 'id')) AS id, x, y
FROM (SELECT ST_X(a) AS x, ST_Y(a) AS y FROM road_part UNION SELECT ST_X(b), ST_Y(b) FROM road_part) AS ends;
CREATE UNIQUE INDEX road_node_xy ON road_node (x, y);
ANALYZE road_node;
UPDATE road_part AS p SET source = n.id FROM road_node AS n WHERE n.x = ST_X(p.a) AND n.y = ST_Y(p.a);
UPDATE road_part AS p SET target = n.id FROM road_node AS n WHERE n.x = ST_X(p.b) AND n.y = ST_Y(p.b);
INSERT INTO road_vertex (id, network_id, geom)
SELECT id, :network, ST_SetSRID(ST_MakePoint(x, y), 4490) FROM road_node;
-- Lengths on the spheroid; a piece with its ends on one grid point (shorter than the grid) is dropped.
INSERT INTO road_edge (network_id, source, target, road_class, name, speed_kmh, one_way, length_m, cost_s,
                       reverse_cost_s, line_no, geom)
SELECT :network, source, target, road_class, name, speed_kmh, oneway <> 0, length_m,
       length_m / (speed_kmh / 3.6),
       CASE WHEN oneway <> 0 THEN -1 ELSE length_m / (speed_kmh / 3.6) END,
       line_no, ST_SetPoint(ST_SetPoint(geom, 0, a), ST_NPoints(geom) - 1, b)
FROM (SELECT *, ST_Length(CAST(geom AS geography)) AS length_m FROM road_part WHERE source <> target) AS p;
