-- Each vertex's weakly connected component (one-way lines counted both ways), named by its smallest vertex.
UPDATE road_vertex AS v SET component = c.component
FROM pgr_connectedComponents(
    format('SELECT id, source, target, 1.0 AS cost, 1.0 AS reverse_cost FROM road_edge WHERE network_id = %s',
           CAST(:network AS bigint))
) AS c
WHERE v.id = c.node AND v.network_id = :network;
