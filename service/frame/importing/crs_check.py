"""The house import's check of the declared CRS against the real township polygons (geo.crs_detect).

Points are sampled chunk by chunk (up to :data:`SAMPLE_PER_CHUNK` of each, deterministic), then judged once
all rows are read: a file shifted out of its declared townships by another CRS is refused (error
``crs_suspected``, naming the probable CRS), or, when the user has confirmed the CRS (``trust_crs``),
reported as the warning ``crs_suspected_trusted``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.coords import GCJ02
from geo.crs_detect import GCJ02 as DETECT_GCJ02
from geo.crs_detect import WGS84 as DETECT_WGS84
from geo.crs_detect import check_declared_crs, message_zh
from geo.locate import PolygonIndex
from service.frame.importing.report import Report

#: Declared CRSs whose points are checked, as geo.crs_detect names them (Gauss-Krüger files are not).
CHECKED = {"EPSG:4490": DETECT_WGS84, "EPSG:4326": DETECT_WGS84, GCJ02: DETECT_GCJ02}
SAMPLE_PER_CHUNK = 5000


class TownshipCrsCheck:
    """Collects (declared township, lon, lat) of the houses and judges them at the end."""

    def __init__(self, crs_code: str, townships: PolygonIndex) -> None:
        self.declared = CHECKED.get(crs_code)
        self.townships = townships
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    @property
    def active(self) -> bool:
        """Whether the check can run: a lon/lat CRS it knows, and real township polygons loaded."""
        return self.declared is not None and len(self.townships) > 0

    def add(self, codes: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> None:
        """Keep (a sample of) one chunk's points whose declared township is known."""
        keep = np.flatnonzero(pd.notna(codes) & np.isfinite(lon) & np.isfinite(lat))
        if len(keep) > SAMPLE_PER_CHUNK:
            rng = np.random.default_rng(len(self.parts))
            keep = np.sort(rng.choice(keep, SAMPLE_PER_CHUNK, replace=False))
        if len(keep):
            self.parts.append((codes[keep], lon[keep], lat[keep]))

    def judge(self, report: Report, column: str | None, trust: bool) -> bool:
        """Report a suspected CRS (an error, or a warning when trusted); whether one was suspected."""
        if not self.active or not self.parts:
            return False
        codes, lon, lat = (np.concatenate(part) for part in zip(*self.parts, strict=True))
        check = check_declared_crs(self.declared, self.townships, codes, lon, lat)
        if not check.suspected:
            return False
        value = f"{check.outside}/{check.tested} → {check.probable.inside}/{check.tested}"
        if trust:
            report.warning(None, column, value, "crs_suspected_trusted",
                           message_zh(check) + "（导入时已确认坐标系无误：按声明的坐标系导入。）")  # fmt: skip
        else:
            report.error(None, column, value, "crs_suspected", message_zh(check)
                         + "如已核实坐标确为声明的坐标系，可加 --trust-crs（网页/接口：trust_crs=true）按声明导入。")  # fmt: skip
        return True
