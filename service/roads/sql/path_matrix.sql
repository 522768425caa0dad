-- Fastest times (s) and the lengths (m) of those fastest paths from :sources to :targets of network :network,
-- on its edges within the box: pgr_dijkstra's paths, their lengths summed edge by edge.
SELECT d.start_vid, d.end_vid, max(d.agg_cost + d.cost) AS seconds, COALESCE(sum(e.length_m), 0) AS metres
FROM pgr_dijkstra(
    format('SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge '
           'WHERE network_id = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4490)',
           CAST(:network AS bigint), CAST(:xmin AS float8), CAST(:ymin AS float8), CAST(:xmax AS float8),
           CAST(:ymax AS float8)),
    CAST(:sources AS bigint[]), CAST(:targets AS bigint[]), directed => true
) AS d
LEFT JOIN road_edge AS e ON e.id = d.edge
GROUP BY d.start_vid, d.end_vid;
