-- The edges of the fastest path of each (source, target) pair of network :network within the box, in
-- order, each oriented in the direction driven (lon/lat coordinates as WKB).
SELECT d.start_vid, d.end_vid, d.path_seq,
       ST_AsBinary(CASE WHEN d.node = e.source THEN e.geom ELSE ST_Reverse(e.geom) END) AS wkb
FROM pgr_dijkstra(
    format('SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge '
           'WHERE network_id = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4490)',
           CAST(:network AS bigint), CAST(:xmin AS float8), CAST(:ymin AS float8), CAST(:xmax AS float8),
           CAST(:ymax AS float8)),
    format('SELECT s AS source, t AS target FROM unnest(%L::bigint[], %L::bigint[]) AS p(s, t)',
           CAST(:sources AS bigint[]), CAST(:targets AS bigint[])),
    directed => true
) AS d
JOIN road_edge AS e ON e.id = d.edge
ORDER BY d.start_vid, d.end_vid, d.path_seq;
