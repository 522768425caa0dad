-- Upsert located houses by survey code: a re-imported house is updated (its hazard history is kept).
WITH upserted AS (
    INSERT INTO house (
        survey_code, census_no, county_code, township_code, village, address, geom, source_crs,
        use_class, business_type, area_type, structure, floors, floors_band, floor_area_m2, build_year,
        build_era, alterations, geohazards, declared_county, declared_township, location_mismatch,
        import_batch_id, synthetic
    )
    SELECT survey_code, census_no, county_code, township_code, village, address, geom, source_crs,
           use_class, business_type, area_type, structure, floors, floors_band, floor_area_m2, build_year,
           build_era, COALESCE(alterations, '{}'), COALESCE(geohazards, '{}'), declared_county,
           declared_township,
           (declared_county_code IS NOT NULL AND declared_county_code <> county_code)
             OR (township_from_polygon AND declared_township_code IS NOT NULL
                 AND declared_township_code <> township_code),
           :batch_id, :synthetic
    FROM located_house
    ORDER BY survey_code
    ON CONFLICT (survey_code) DO UPDATE SET
        census_no = EXCLUDED.census_no,
        county_code = EXCLUDED.county_code,
        township_code = EXCLUDED.township_code,
        village = EXCLUDED.village,
        address = EXCLUDED.address,
        geom = EXCLUDED.geom,
        source_crs = EXCLUDED.source_crs,
        use_class = EXCLUDED.use_class,
        business_type = EXCLUDED.business_type,
        area_type = EXCLUDED.area_type,
        structure = EXCLUDED.structure,
        floors = EXCLUDED.floors,
        floors_band = EXCLUDED.floors_band,
        floor_area_m2 = EXCLUDED.floor_area_m2,
        build_year = EXCLUDED.build_year,
        build_era = EXCLUDED.build_era,
        alterations = EXCLUDED.alterations,
        geohazards = EXCLUDED.geohazards,
        declared_county = EXCLUDED.declared_county,
        declared_township = EXCLUDED.declared_township,
        location_mismatch = EXCLUDED.location_mismatch,
        import_batch_id = EXCLUDED.import_batch_id,
        synthetic = EXCLUDED.synthetic,
        updated_at = now()
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
FROM upserted
