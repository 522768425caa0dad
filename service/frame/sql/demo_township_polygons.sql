-- Give townships without a real polygon the synthetic one; returns their codes.
-- Parameters: n.
UPDATE division AS d SET geom = t.geom, geom_dataset = :n, synthetic = true, approximate = true,
note = 'Synthetic polygon: a Voronoi partition of the real county for the demo frame, not a real boundary.' FROM demo_township AS t WHERE d.code = t.code AND d.level = 'township'
AND (d.geom IS NULL OR d.synthetic) RETURNING d.code
