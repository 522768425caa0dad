-- Every county with its name and its city's name.
-- No parameters.
SELECT d.code, d.name, c.name FROM division AS d JOIN division AS c ON c.code = d.parent_code
WHERE d.level = 'county'
