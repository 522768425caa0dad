-- Which sampling units network :network covers: a unit with hazardous houses (an open hazard record) in the
-- network's extent is covered when at least :share of all its hazardous houses lie within :radius_m metres
-- of a vertex of the network (docs/roads.md); each house's nearest vertex comes from the GiST index (KNN).
DELETE FROM road_network_unit WHERE network_id = :network;
INSERT INTO road_network_unit (network_id, unit_code, houses, reached, covered)
SELECT :network, h.county_code, count(*), count(*) FILTER (WHERE reached),
       count(*) FILTER (WHERE reached) >= CAST(:share AS float8) * count(*)
FROM (
    SELECT h.county_code,
           (SELECT ST_Distance(CAST(v.geom AS geography), CAST(h.geom AS geography))
            FROM road_vertex AS v WHERE v.network_id = :network
            ORDER BY v.geom <-> h.geom LIMIT 1) <= CAST(:radius_m AS float8) AS reached
    FROM house AS h
    JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
    WHERE h.county_code IN (
        SELECT DISTINCT h2.county_code FROM house AS h2
        JOIN hazard_record AS r2 ON r2.house_id = h2.id AND r2.closed_on IS NULL
        JOIN sampling_unit AS u ON u.code = h2.county_code
        WHERE h2.geom && (SELECT extent FROM road_network WHERE id = :network)
    )
) AS h
GROUP BY h.county_code;
