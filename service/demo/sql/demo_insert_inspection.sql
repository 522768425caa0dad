-- One synthetic inspection; distances to the house on the ellipsoid, as the service measures them.
INSERT INTO inspection (
    client_id, draw_id, house_id, team_id, unit_code, form_version, status, answers, summary, version,
    opened_at, opened_geom, opened_accuracy_m, opened_distance_m,
    submitted_at, submitted_geom, submitted_accuracy_m, submitted_distance_m,
    synthetic, created_by_account_id, updated_by_account_id, created_at, updated_at)
SELECT CAST(:client_id AS uuid), :draw_id, :house_id, :team_id, :unit_code, 'v1', :status,
       CAST(:answers AS jsonb), CAST(:summary AS jsonb), :version,
       :opened_at, o.p, :opened_accuracy_m, round(ST_Distance(h.geom::geography, o.p::geography)::numeric, 1),
       :submitted_at, s.p, :submitted_accuracy_m, round(ST_Distance(h.geom::geography, s.p::geography)::numeric, 1),
       true, :created_by, :updated_by, :opened_at, :updated_at
FROM house AS h,
     LATERAL (SELECT ST_SetSRID(ST_MakePoint(:opened_lon, :opened_lat), 4490) AS p) AS o,
     LATERAL (SELECT CASE WHEN CAST(:submitted_lon AS float8) IS NULL THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(:submitted_lon, :submitted_lat), 4490) END AS p) AS s
WHERE h.id = :house_id
