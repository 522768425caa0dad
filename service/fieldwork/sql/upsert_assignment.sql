-- Assign a house to a team (automatic or replacement); a changed team bumps the version.
INSERT INTO field_assignment (draw_id, house_id, team_id, unit_code, source)
VALUES (:draw_id, :house_id, :team_id, :unit_code, :source)
ON CONFLICT (draw_id, house_id) DO UPDATE
SET team_id = EXCLUDED.team_id, source = EXCLUDED.source, version = field_assignment.version + 1,
    updated_at = now()
WHERE field_assignment.team_id <> EXCLUDED.team_id
