"""Travel-time matrices: the one shape every provider returns and the route planner reads.

A matrix is square over a list of locations (lon/lat in CGCS2000 / EPSG:4490, which equals WGS84 to well
under a metre); ``durations[i][j]`` is the driving time in whole seconds from location i to j and
``distances[i][j]`` the road (or estimated) distance in metres. Providers (docs/fieldwork.md):

- ``road``: a road network the office imported, routed in PostGIS with pgRouting (``service.roads``);
- ``geodesic``: geodesic distance × a detour factor at a speed by terrain and urban/rural class
  (``geo.travel_estimate``);
- ``file``: a matrix the user supplied (``service.fieldwork.matrix_file``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PROVIDERS = ("road", "geodesic", "file")
PROVIDER_LABELS = {"road": "路网（pgRouting）", "geodesic": "直线距离×绕行系数估算", "file": "用户提供的矩阵"}


@dataclass(frozen=True)
class TravelMatrix:
    """Durations (s) and distances (m) between ``locations`` (lon, lat, EPSG:4490), from one provider."""

    locations: tuple[tuple[float, float], ...]
    durations: np.ndarray  # int64 (n, n), seconds
    distances: np.ndarray  # int64 (n, n), metres
    provider: str
    note: str = ""  # where the figures come from, in Chinese, shown with the plan
    detail: dict = field(default_factory=dict)  # provider specifics (network id, factors used)

    def __post_init__(self) -> None:
        n = len(self.locations)
        if self.durations.shape != (n, n) or self.distances.shape != (n, n):
            raise ValueError(f"matrix shape {self.durations.shape} does not match {n} locations")
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider}")
        if (self.durations < 0).any() or (self.distances < 0).any():
            raise ValueError("negative travel time or distance")

    @property
    def size(self) -> int:
        """The number of locations (rows and columns of the matrix)."""
        return len(self.locations)
