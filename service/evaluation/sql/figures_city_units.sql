-- How many units each city has in a draw (to tell a city seen only in part). Parameters: d (draw id).
SELECT city_code, count(*) AS units FROM draw_unit WHERE draw_id = :d GROUP BY city_code
