-- Nearest sensitive site of each kind within that kind's radius, for every house, or for the listed
-- houses (:house_ids), or for the houses of one import (:batch_id). The exact distance on the CGCS2000
-- ellipsoid decides (geography of SRID 4490 uses GRS80); a degree envelope wide enough for the radius
-- anywhere in Gansu finds the candidates through a GiST index.
--
-- Which side drives is chosen by the caller (:from_sites, service/proximity.py), not by the planner: with
-- the statistics of a table that has just doubled, the planner drove a million new houses through the
-- sites' index (4 million probes, 42 s) where the sites finding their houses takes 2 s. OFFSET 0 keeps
-- each LATERAL subquery a per-row index lookup.
DELETE FROM house_proximity AS p
USING house AS h
WHERE h.id = p.house_id
  AND (CAST(:house_ids AS bigint[]) IS NULL OR h.id = ANY(CAST(:house_ids AS bigint[])))
  AND (CAST(:batch_id AS bigint) IS NULL OR h.import_batch_id = :batch_id);

WITH radius AS (
    SELECT kind, metres,
           -- 1 degree of longitude is at least 81.4 km in Gansu (43 N): a safe envelope.
           metres / 81400.0 AS degrees
    FROM unnest(CAST(:kinds AS text[]), CAST(:metres AS float8[])) AS r(kind, metres)
),
candidate AS (
    -- Many houses (a frame, a big import): each site finds the houses around it.
    SELECT h.id AS house_id, s.kind, s.id AS site_id,
           ST_Distance(CAST(h.geom AS geography), CAST(s.geom AS geography)) AS distance_m, r.metres
    FROM sensitive_site AS s
    JOIN radius AS r ON r.kind = s.kind
    CROSS JOIN LATERAL (
        SELECT h.id, h.geom FROM house AS h
        WHERE ST_DWithin(h.geom, s.geom, r.degrees)
          AND (CAST(:house_ids AS bigint[]) IS NULL OR h.id = ANY(CAST(:house_ids AS bigint[])))
          AND (CAST(:batch_id AS bigint) IS NULL OR h.import_batch_id = :batch_id)
        OFFSET 0
    ) AS h
    WHERE CAST(:from_sites AS boolean)
    UNION ALL
    -- Few houses: each house finds the sites around it.
    SELECT h.id, s.kind, s.id,
           ST_Distance(CAST(h.geom AS geography), CAST(s.geom AS geography)), r.metres
    FROM house AS h
    CROSS JOIN radius AS r
    CROSS JOIN LATERAL (
        SELECT s.id, s.kind, s.geom FROM sensitive_site AS s
        WHERE s.kind = r.kind AND ST_DWithin(s.geom, h.geom, r.degrees)
        OFFSET 0
    ) AS s
    WHERE NOT CAST(:from_sites AS boolean)
      AND (CAST(:house_ids AS bigint[]) IS NULL OR h.id = ANY(CAST(:house_ids AS bigint[])))
      AND (CAST(:batch_id AS bigint) IS NULL OR h.import_batch_id = :batch_id)
)
INSERT INTO house_proximity (house_id, site_kind, site_id, distance_m)
SELECT DISTINCT ON (house_id, kind) house_id, kind, site_id, distance_m
FROM candidate
WHERE distance_m <= metres
ORDER BY house_id, kind, distance_m, site_id
