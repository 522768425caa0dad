-- Staging for one sensitive-site import (dropped at the end of the transaction).
CREATE TEMP TABLE staging_site (
    row_no integer NOT NULL,
    site_code text,
    name text,
    kind text,
    address text,
    geom geometry(Point, 4490),
    county_code text,
    township_code text,
    source_crs text
) ON COMMIT DROP
