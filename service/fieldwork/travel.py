"""Where a plan's travel times come from: the provider chosen in the settings or for the plan.

- ``road``: an imported road network covering every unit of the team's houses, routed with pgRouting
  (``service.roads.matrix``). ``auto`` (the default setting) takes it whenever one covers;
- ``geodesic``: geodesic distance × a detour factor at a speed by terrain and urban/rural class
  (``geo.travel_estimate``; the factors and their sources are in docs/routing.md);
- ``file``: a matrix the firm supplied as CSV (``from,to,duration_s[,distance_m]``; keys are survey codes
  and ``BASE:<base name>``), chosen per plan by its id.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from geo.travel import TravelMatrix
from geo.travel_estimate import geodesic_matrix, location_class
from service.audit.trail import Actor, record
from service.core.errors import InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.fieldwork.models import FieldFirm, TravelMatrixEntry, TravelMatrixFile

SQL = SqlFiles("service.fieldwork")
MAX_MATRIX_ROWS = 250_000


@dataclass(frozen=True)
class Place:
    """A location of a plan: a base or a house, with what the providers need."""

    key: str  # survey code, or BASE:<name>
    lon: float
    lat: float
    unit_code: str | None
    urban: bool


def travel_matrix(
    session: Session, provider: str, places: list[Place], units: list[str], firm: FieldFirm,
    matrix_id: int | None = None,
) -> TravelMatrix:  # fmt: skip
    """The matrix over ``places`` from the provider (``auto``, ``road``, ``geodesic`` or ``file``)."""
    locations = [(p.lon, p.lat) for p in places]
    if provider == "file":
        return _file_matrix(session, firm, matrix_id, places)
    if provider in ("auto", "road"):
        from service.roads.matrix import covering_network, road_matrix

        network = covering_network(session, sorted(set(units)))
        if network is not None:
            return road_matrix(session, network, locations)
        if provider == "road":
            raise InvalidInput(
                f"没有覆盖全部县区（{'、'.join(sorted(set(units)))}）的路网，请先导入路网或改用直线距离估算。",
                "No road network covers every unit of the team's houses.",
            )
    fallback = next(p.unit_code for p in places if p.unit_code)  # a base takes the class of the first house
    classes = [location_class(p.unit_code or fallback, p.urban) for p in places]
    return geodesic_matrix(locations, classes)


def _file_matrix(session: Session, firm: FieldFirm, matrix_id: int | None, places: list[Place]) -> TravelMatrix:
    if matrix_id is None:
        raise InvalidInput("使用用户提供的矩阵时须指定矩阵编号（matrix_id）。", "provider file needs matrix_id.")
    matrix = session.get(TravelMatrixFile, matrix_id)
    if matrix is None or matrix.firm_id != firm.id:
        raise NotFound(f"本机构没有编号为 {matrix_id} 的矩阵。", f"The firm has no matrix {matrix_id}.")
    keys = [p.key for p in places]
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    durations = np.full((n, n), -1, dtype=np.int64)
    distances = np.zeros((n, n), dtype=np.int64)
    np.fill_diagonal(durations, 0)
    rows = session.execute(SQL.one("matrix_entries"), {"matrix_id": matrix_id, "keys": keys})
    for r in rows:
        i, j = index[r.from_key], index[r.to_key]
        durations[i, j] = r.duration_s
        distances[i, j] = r.distance_m or 0
    missing = [(keys[i], keys[j]) for i, j in zip(*np.nonzero(durations < 0), strict=True)]
    if missing:
        shown = "；".join(f"{a}→{b}" for a, b in missing[:5])
        raise InvalidInput(
            f"矩阵“{matrix.name}”缺少 {len(missing)} 对地点的行驶时间，例如：{shown}。",
            f"The matrix lacks {len(missing)} pairs, e.g. {missing[:5]}.",
        )
    return TravelMatrix(
        tuple((p.lon, p.lat) for p in places), durations, distances, "file",
        note=f"用户提供的矩阵“{matrix.name}”（{matrix.uploaded_at:%Y-%m-%d}上传）", detail={"matrix_id": matrix_id},
    )  # fmt: skip


def import_matrix(session: Session, firm: FieldFirm, name: str, data: bytes, actor: Actor) -> TravelMatrixFile:
    """Store a supplied matrix CSV (UTF-8, header ``from,to,duration_s[,distance_m]``); all or nothing."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("矩阵文件须为 UTF-8 编码的 CSV。", "The matrix must be UTF-8 CSV.") from exc
    reader = csv.reader(io.StringIO(content))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["from", "to", "duration_s"] or header[3:] not in ([], ["distance_m"]):
        raise InvalidInput(
            "矩阵文件的表头须为 from,to,duration_s（可加 distance_m）。", "Header must be from,to,duration_s[,distance_m]."
        )
    pairs: dict[tuple[str, str], tuple[int, int | None]] = {}
    for line, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(pairs) >= MAX_MATRIX_ROWS:
            raise InvalidInput(f"矩阵文件超过 {MAX_MATRIX_ROWS} 行。", f"More than {MAX_MATRIX_ROWS} rows.")
        if len(row) != len(header):
            raise InvalidInput(f"第 {line} 行的列数不对。", f"Line {line} has the wrong number of columns.")
        a, b = row[0].strip(), row[1].strip()
        if not a or not b or len(a) > 100 or len(b) > 100:
            raise InvalidInput(f"第 {line} 行的地点编码为空或过长。", f"Line {line}: empty or long key.")
        try:
            seconds = int(float(row[2]))
            metres = int(float(row[3])) if len(row) > 3 and row[3].strip() else None
        except ValueError as exc:
            raise InvalidInput(f"第 {line} 行的时间或距离不是数字。", f"Line {line}: not a number.") from exc
        if not 0 <= seconds <= 86_400 or (metres is not None and not 0 <= metres <= 2_000_000):
            raise InvalidInput(f"第 {line} 行的时间或距离超出范围。", f"Line {line}: out of range.")
        if (a, b) in pairs:
            raise InvalidInput(f"第 {line} 行重复了 {a}→{b}。", f"Line {line} repeats {a}->{b}.")
        pairs[(a, b)] = (seconds, metres)
    if not pairs:
        raise InvalidInput("矩阵文件没有数据行。", "The matrix has no rows.")
    matrix = TravelMatrixFile(
        firm_id=firm.id, name=name, entries=len(pairs), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_account_id=actor.account_id,
    )  # fmt: skip
    session.add(matrix)
    session.flush()
    session.add_all(
        TravelMatrixEntry(matrix_id=matrix.id, from_key=a, to_key=b, duration_s=s, distance_m=m)
        for (a, b), (s, m) in pairs.items()
    )
    record(session, actor, "field_matrix_import", "field_travel_matrix", matrix.id,
           detail={"name": name, "entries": len(pairs), "sha256": matrix.sha256})  # fmt: skip
    session.flush()
    return matrix
