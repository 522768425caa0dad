"""Coordinate reference systems used across the project, in one place.

Everything stored or served is CGCS2000/WGS84 lon/lat (the two agree to well under a metre, i.e. at map
scale). Metric work (distances, buffers) uses the CGCS2000 3-degree Gauss-Krueger zone of the location;
whole-province area work uses one Albers equal-area projection.
"""

from typing import NamedTuple

CGCS2000 = 4490
"""EPSG code of CGCS2000 geographic lon/lat: the national datum, equal to WGS84 at map scale."""

WGS84 = 4326
"""EPSG code of WGS84 geographic lon/lat (what GeoJSON, Leaflet and GPS receivers use)."""

GANSU_EQUAL_AREA = "+proj=aea +lat_1=34 +lat_2=40 +lat_0=0 +lon_0=101 +ellps=GRS80 +units=m +no_defs"
"""Albers equal-area conic for areas over the whole province.

Chosen over the Gauss-Krueger zones because Gansu spans six 3-degree zones (92.3-108.7E): a single
equal-area CRS gives comparable areas for every county without picking a zone per polygon. The standard
parallels 34N and 40N sit inside the province's 32.6-42.8N range and lon_0 101E near its middle, so the
shape distortion is small as well; areas are exact by construction (GRS80 is the CGCS2000 ellipsoid).
"""

# Lowest and highest central meridians that have a CGCS2000 3-degree GK EPSG code without zone prefix:
# EPSG:4534 (CM 75E) ... EPSG:4554 (CM 135E).
_GK_FIRST_EPSG = 4534
_GK_FIRST_CM = 75
_GK_LAST_CM = 135


def gauss_kruger_epsg(lon: float) -> int:
    """Return the EPSG code of the CGCS2000 3-degree Gauss-Krueger zone containing ``lon``.

    The codes are the variants whose easting carries no zone prefix (EPSG:4534 = CM 75E ... EPSG:4540 =
    CM 93E ... EPSG:4545 = CM 108E); Gansu falls in 4540-4545. Raises ValueError outside 73.5-136.5E, the
    range those codes cover.
    """
    lon = float(lon)
    if not (_GK_FIRST_CM - 1.5 <= lon <= _GK_LAST_CM + 1.5):
        raise ValueError(f"longitude {lon} is outside the CGCS2000 3-degree GK zones (73.5-136.5E)")
    cm = 3 * round(lon / 3)
    # A longitude exactly on the outer edge rounds to a zone that does not exist; clamp it inwards.
    cm = min(max(cm, _GK_FIRST_CM), _GK_LAST_CM)
    return _GK_FIRST_EPSG + (cm - _GK_FIRST_CM) // 3


class BBox(NamedTuple):
    """A lon/lat bounding box in degrees."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        """Return True if the point lies inside the box (edges included)."""
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


GANSU_BBOX = BBox(92.1, 32.4, 108.9, 43.0)
"""Gansu's extent in WGS84 lon/lat with about 0.2 degree of margin.

The committed province polygon spans 92.34-108.71E, 32.60-42.79N (see boundaries/); anything outside this
box is not in Gansu and signals swapped or unconverted coordinates.
"""
