-- Take the synthetic polygons off the townships.
-- No parameters.
UPDATE division SET geom = NULL, geom_dataset = NULL, synthetic = false, approximate = false,
note = NULL WHERE level = 'township' AND synthetic
