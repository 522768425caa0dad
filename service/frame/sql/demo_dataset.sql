-- The provenance row of the synthetic demo frame.
-- Parameters: n, v, vintage, note.
INSERT INTO dataset (name, source, version, licence, crs, vintage, synthetic, note) VALUES
(:n, 'geo.synthetic (generated, not real data)', :v, 'synthetic: no licence needed',
'EPSG:4490', :vintage, true, :note)
