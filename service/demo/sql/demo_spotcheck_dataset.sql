-- The provenance row of the synthetic demo spot check (its presence means "built").
-- Parameters: n, v, vintage, note.
INSERT INTO dataset (name, source, version, licence, crs, vintage, synthetic, note) VALUES
(:n, 'service.demo + geo.synthetic_inspections (generated, not real data)', :v, 'synthetic: no licence needed',
'EPSG:4490', :vintage, true, :note)
