SELECT name FROM field_base
WHERE team_id = :t AND valid_from <= :to AND valid_to >= :fr
LIMIT 1
