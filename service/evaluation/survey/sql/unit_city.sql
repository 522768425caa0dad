-- The city of a sampling unit (none: the code is not a sampling unit).
SELECT city_code, name FROM sampling_unit WHERE code = :unit
