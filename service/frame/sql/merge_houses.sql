-- Houses of one staged chunk by survey code (existing_house: chunk_existing_houses.sql): known ones are
-- updated (their hazard history is kept), new ones inserted. Two plain statements rather than INSERT ...
-- ON CONFLICT: about twice as fast for a million rows. The chunk is staged in county/township order
-- (service/importing/pipeline.py), so the insert keeps neighbours together in the table and the index.
UPDATE house AS h SET
    census_no = s.census_no,
    county_code = s.county_code,
    township_code = s.township_code,
    village = s.village,
    address = s.address,
    geom = s.geom,
    source_crs = s.source_crs,
    use_class = s.use_class,
    business_type = s.business_type,
    area_type = s.area_type,
    structure = s.structure,
    floors = s.floors,
    floors_band = s.floors_band,
    floor_area_m2 = s.floor_area_m2,
    build_year = s.build_year,
    build_era = s.build_era,
    alterations = s.alterations,
    geohazards = s.geohazards,
    declared_county = s.declared_county,
    declared_township = s.declared_township,
    location_mismatch = s.location_mismatch,
    import_batch_id = s.import_batch_id,
    synthetic = s.synthetic,
    updated_at = now()
FROM existing_house AS e
JOIN staging_house AS s USING (row_no)
WHERE h.id = e.id;

INSERT INTO house (
    survey_code, census_no, county_code, township_code, village, address, geom, source_crs,
    use_class, business_type, area_type, structure, floors, floors_band, floor_area_m2, build_year,
    build_era, alterations, geohazards, declared_county, declared_township, location_mismatch,
    import_batch_id, synthetic
)
SELECT s.survey_code, s.census_no, s.county_code, s.township_code, s.village, s.address, s.geom,
       s.source_crs, s.use_class, s.business_type, s.area_type, s.structure, s.floors, s.floors_band,
       s.floor_area_m2, s.build_year, s.build_era, s.alterations, s.geohazards, s.declared_county,
       s.declared_township, s.location_mismatch, s.import_batch_id, s.synthetic
FROM staging_house AS s
WHERE NOT EXISTS (SELECT 1 FROM existing_house AS e WHERE e.row_no = s.row_no);

SELECT (SELECT count(*) FROM staging_house) - (SELECT count(*) FROM existing_house) AS inserted,
       (SELECT count(*) FROM existing_house) AS updated
