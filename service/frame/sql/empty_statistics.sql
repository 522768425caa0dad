-- Frame tables whose planner statistics say empty although they hold pages.
-- No parameters.
SELECT relname FROM pg_class WHERE relname IN ('house', 'hazard_record', 'house_proximity')
AND relkind = 'r' AND reltuples = 0 AND relpages > 0
