-- The lines of one import, as read from the file (converted to EPSG:4490 and snapped to the grid), and the
-- points where each must be cut (service/roads/topology.py).
CREATE TEMP TABLE road_line (
    part integer PRIMARY KEY,
    line_no integer NOT NULL,
    road_class text NOT NULL,
    speed_kmh double precision NOT NULL,
    oneway smallint NOT NULL,
    name text,
    geom geometry(LineString, 4490) NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE road_blade (part integer PRIMARY KEY, blade geometry(MultiPoint, 4490) NOT NULL) ON COMMIT DROP;
