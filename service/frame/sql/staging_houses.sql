-- Staging for one house import, one chunk at a time: dropped at the end of the transaction, so nothing
-- half-written remains. The house columns are named and typed as in house (HOUSE_COLUMNS in
-- service/importing/pipeline.py), then the row's hazard finding.
CREATE TEMP TABLE staging_house (
    row_no integer NOT NULL,
    survey_code text,
    census_no text,
    county_code text,                    -- where the point is (geo.locate), not what the row declares
    township_code text,                  -- from a real township polygon, else the declared township
    village text,
    address text,
    geom geometry(Point, 4490),          -- CGCS2000, converted from the declared CRS in Python
    source_crs text,
    use_class text,
    business_type text,
    area_type text,
    structure text,
    floors smallint,
    floors_band text,
    floor_area_m2 numeric(10, 1),
    build_year smallint,
    build_era text,
    alterations text[],
    geohazards text[],
    declared_county text,
    declared_township text,
    location_mismatch boolean,
    import_batch_id bigint,
    synthetic boolean,
    hazardous boolean,
    none_found boolean,
    record_code text,
    initial_determination text,
    hazard_grade text,
    appraisal_status text,
    appraisal_standard text,
    appraisal_grade text,
    rectification_status text,
    rectification_deadline date,
    measures text[],
    closed_out boolean,
    closed_out_on date,
    opened_on date
) ON COMMIT DROP
