-- Insert or update one sampling unit.
-- Parameters: code, name, kind, city_code, is_city_seat, stands_alone.
INSERT INTO sampling_unit (code, name, kind, city_code, is_city_seat, stands_alone)
VALUES (:code, :name, :kind, :city_code, :is_city_seat, :stands_alone)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, kind = EXCLUDED.kind, city_code = EXCLUDED.city_code,
    is_city_seat = EXCLUDED.is_city_seat, stands_alone = EXCLUDED.stands_alone
