-- Fastest times (s) between the vertices :vids of network :network, on its edges within the box (pgRouting).
SELECT start_vid, end_vid, agg_cost
FROM pgr_dijkstraCostMatrix(
    format('SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge '
           'WHERE network_id = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4490)',
           CAST(:network AS bigint), CAST(:xmin AS float8), CAST(:ymin AS float8), CAST(:xmax AS float8),
           CAST(:ymax AS float8)),
    CAST(:vids AS bigint[]), directed => true
);
