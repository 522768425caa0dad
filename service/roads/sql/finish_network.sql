-- A network's size, components and extent once its edges are in; vertices no edge uses are removed.
DELETE FROM road_vertex AS v WHERE v.network_id = :network AND v.component IS NULL;
UPDATE road_network AS n SET
    lines = :lines,
    edges = e.edges,
    length_km = e.length_m / 1000.0,
    vertices = v.vertices,
    components = v.components,
    extent = ST_Envelope(ST_Expand(CAST(e.box AS geometry), 0.0001)),
    hull = CASE WHEN ST_GeometryType(v.hull) = 'ST_Polygon' THEN v.hull
                ELSE ST_Envelope(ST_Expand(v.hull, 0.0001)) END
FROM (SELECT count(*) AS edges, COALESCE(sum(length_m), 0) AS length_m, ST_SetSRID(ST_Extent(geom), 4490) AS box
      FROM road_edge WHERE network_id = :network) AS e,
     (SELECT count(*) AS vertices, count(DISTINCT component) AS components, ST_ConvexHull(ST_Collect(geom)) AS hull
      FROM road_vertex WHERE network_id = :network) AS v
WHERE n.id = :network
RETURNING n.edges, n.vertices, n.components, n.length_km;
