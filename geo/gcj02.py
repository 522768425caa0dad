"""GCJ-02 ("Mars coordinates") <-> WGS84 lon/lat.

Chinese web maps (Amap, Tencent) publish coordinates in GCJ-02, an obfuscated WGS84 whose offset is a
smooth closed-form function of the WGS84 position (20-470 m over Gansu; about 220 m at Lanzhou).
The forward transform is the widely published algorithm; the inverse has no closed form, so it is solved
by fixed-point iteration to 1e-10 degrees (~0.01 mm), far below the 1e-6 degree rounding of our files.

All functions accept scalars or numpy arrays (broadcast together) and return arrays of the broadcast
shape (0-d arrays for scalar input; ``float()`` them if needed). Outside the rough China box used by the
standard algorithm, GCJ-02 equals WGS84 and points pass through unchanged.
"""

import numpy as np
import shapely

# Krasovsky 1940 ellipsoid, as fixed by the published algorithm (not GRS80/WGS84: changing these would
# no longer reproduce what Amap serves).
_A = 6378245.0
_EE = 0.00669342162296594323

# The rough China box of the published algorithm; outside it GCJ-02 == WGS84.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ITER = 30


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 minus WGS84 offset (dlon, dlat) in degrees at WGS84 position (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    # Shared periodic term of both components.
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    # The offsets above are in metres-like units on the Krasovsky ellipsoid; turn them into degrees.
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)

    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 lon/lat (degrees) to GCJ-02 lon/lat; returns ``(lon, lat)`` arrays."""
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 lon/lat (degrees) to WGS84 lon/lat exactly; returns ``(lon, lat)`` arrays.

    Solves ``wgs84_to_gcj02(w) == g`` by the fixed-point iteration ``w <- g - offset(w)``, which converges
    because the offset changes by well under 1e-3 of a degree per degree. Stops when no coordinate moves
    by more than 1e-10 degrees; raises RuntimeError if that does not happen within the iteration cap
    (it takes 3-5 iterations in practice).
    """
    g_lon, g_lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    if not (np.all(np.isfinite(g_lon)) and np.all(np.isfinite(g_lat))):
        raise ValueError("GCJ-02 coordinates must be finite numbers")
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_INVERSE_MAX_ITER):
        dlon, dlat = _offset(w_lon, w_lat)
        new_lon, new_lat = g_lon - dlon, g_lat - dlat
        change = max(
            float(np.max(np.abs(new_lon - w_lon), initial=0.0)),
            float(np.max(np.abs(new_lat - w_lat), initial=0.0)),
        )
        w_lon, w_lat = new_lon, new_lat
        if change < _INVERSE_TOL_DEG:
            return w_lon, w_lat
    raise RuntimeError(
        f"GCJ-02 inverse did not converge to {_INVERSE_TOL_DEG} degrees in {_INVERSE_MAX_ITER} iterations"
    )


def _gcj02_to_wgs84_xy(coords: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def transform_geometry_gcj02_to_wgs84(geom):
    """Return a copy of a shapely geometry (or array of them) with GCJ-02 coordinates converted to WGS84.

    Every vertex goes through the exact inverse in one vectorised call. Equal input vertices give equal
    output vertices, so edges shared by neighbouring polygons stay shared.
    """
    return shapely.transform(geom, _gcj02_to_wgs84_xy)
