-- Every sensitive site within its kind's radius of one house, nearest first (geodesic metres, CGCS2000).
-- :scope_all, :scope_units, :scope_team  the caller's scope: the house and the sites listed are in it (a
-- team's scope: the house is assigned to the team; sites need only lie in its units).
WITH radius AS (
    SELECT kind, metres, metres / 81400.0 AS degrees
    FROM unnest(CAST(:kinds AS text[]), CAST(:metres AS float8[])) AS r(kind, metres)
)
SELECT s.id, s.kind, s.name, s.county_code, s.synthetic, r.metres AS radius_m,
       CAST(round(CAST(ST_Distance(CAST(h.geom AS geography), CAST(s.geom AS geography)) AS numeric), 1) AS float8)
           AS distance_m,
       ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
FROM house AS h
JOIN sensitive_site AS s ON true
JOIN radius AS r ON r.kind = s.kind
WHERE h.id = :house_id
  AND (CAST(:scope_all AS boolean) OR h.county_code = ANY(CAST(:scope_units AS text[])))
  AND (CAST(:scope_team AS bigint) IS NULL
       OR EXISTS (SELECT 1 FROM field_assignment AS fa
                  WHERE fa.house_id = h.id AND fa.team_id = CAST(:scope_team AS bigint)))
  AND (CAST(:scope_all AS boolean) OR s.county_code = ANY(CAST(:scope_units AS text[])))
  AND ST_DWithin(s.geom, h.geom, r.degrees)
  AND ST_DWithin(CAST(s.geom AS geography), CAST(h.geom AS geography), r.metres)
ORDER BY distance_m, s.id
