-- Staging for one township-polygon import (dropped at the end of the transaction).
CREATE TEMP TABLE staging_township (
    row_no integer NOT NULL,
    code text,
    name text,
    geom geometry(Geometry, 4490)
) ON COMMIT DROP
