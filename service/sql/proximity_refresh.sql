-- Nearest sensitive site of each kind within that kind's radius, for every house, or for the listed
-- houses (:house_ids), or for the houses of one import (:batch_id). Driven from the sites: each site finds the houses around it through the GiST
-- index on house.geom (a degree envelope wide enough for the radius anywhere in Gansu), then the exact
-- distance on the CGCS2000 ellipsoid decides (geography of SRID 4490 uses GRS80).
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
    SELECT h.id AS house_id, s.kind, s.id AS site_id,
           ST_Distance(CAST(h.geom AS geography), CAST(s.geom AS geography)) AS distance_m,
           r.metres
    FROM sensitive_site AS s
    JOIN radius AS r ON r.kind = s.kind
    JOIN house AS h ON ST_DWithin(h.geom, s.geom, r.degrees)
    WHERE (CAST(:house_ids AS bigint[]) IS NULL OR h.id = ANY(CAST(:house_ids AS bigint[])))
      AND (CAST(:batch_id AS bigint) IS NULL OR h.import_batch_id = :batch_id)
)
INSERT INTO house_proximity (house_id, site_kind, site_id, distance_m)
SELECT DISTINCT ON (house_id, kind) house_id, kind, site_id, distance_m
FROM candidate
WHERE distance_m <= metres
ORDER BY house_id, kind, distance_m, site_id
