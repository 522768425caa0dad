-- The next number of a city's notices in a year. The row lock taken by the update is held until the issuing
-- transaction ends: a concurrent issue waits, then counts on; a rolled-back issue gives its number back.
INSERT INTO notice_counter (city_code, year, last) VALUES (:city_code, :year, 1)
ON CONFLICT (city_code, year) DO UPDATE SET last = notice_counter.last + 1
RETURNING last
