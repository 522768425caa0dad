"""Evaluation benchmarks on the synthetic demo of `make run` (100,000 houses, its draw, visits, notices,
document review and questionnaires): the leaders' dashboard figures, a county report and the provincial
report as .docx, end to end (queries, narrative, maps, document).

Run: .venv/bin/python bench/bench_reports.py
Targets: the dashboard's figures under 0.5 s; a county report under 5 s; the provincial report under 30 s.
Baseline in the same run: python-docx alone writing a document with the same paragraphs, tables and
pictures as the county report (no query, no narrative, no drawing): the floor any .docx report pays.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from docx.shared import Cm  # noqa: E402

UNITS_TIMED = 5


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def floor_docx(content: bytes) -> float:
    """Seconds python-docx takes to write a document shaped like ``content``: its paragraphs' text, tables of
    the same size and its pictures, with no styles, fields or drawing."""
    model = Document(io.BytesIO(content))
    images = [rel.target_part.blob for rel in model.part.rels.values() if "image" in rel.reltype]
    texts = [p.text for p in model.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in model.tables]

    def write() -> bytes:
        doc = Document()
        for text in texts:
            doc.add_paragraph(text)
        for rows in tables:
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for row, values in zip(table.rows, rows, strict=True):  # by row: table.cell(i, j) is quadratic
                for cell, text in zip(row.cells, values, strict=False):
                    cell.text = text
        for blob in images:
            doc.add_picture(io.BytesIO(blob), width=Cm(15))
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    return _timed(write, 3)[0]


def main() -> None:
    from sqlalchemy.orm import Session

    from bench.scratch import scratch_database
    from geo.synthetic import FrameSpec
    from service.demo.build import ensure_demo_spotcheck
    from service.evaluation.figures import figures
    from service.evaluation.reports.cli import operator
    from service.evaluation.reports.models import PROVINCE_TARGET
    from service.evaluation.reports.service import document, units
    from service.frame.demo import load_demo

    spec = FrameSpec()
    with scratch_database() as (_, engine, _):
        t = time.perf_counter()
        load_demo(engine, spec)
        report = ensure_demo_spotcheck(engine, spec.seed)
        print(f"demo of {spec.houses:,} houses with its spot check built in {time.perf_counter() - t:.1f} s "
              f"(not timed below): {report.line()}")  # fmt: skip
        principal = operator()
        with Session(engine) as session:
            seconds, figs = _timed(lambda: figures(session, principal), 5)
            print(f"dashboard figures of {len(figs.units)} units and {len(figs.cities)} cities: "
                  f"{seconds * 1000:.0f} ms (median of 5) — target < 0.5 s")  # fmt: skip
            codes = [u.code for u in units(session, principal)][:UNITS_TIMED]
            times, sizes, content = [], [], b""
            for code in codes:
                seconds, (content, *_rest) = _timed(lambda code=code: document(session, principal, code))
                times.append(seconds)
                sizes.append(len(content))
            model = Document(io.BytesIO(content))
            print(f"county report (.docx, {len(model.paragraphs)} paragraphs, {len(model.tables)} tables, "
                  f"{len(model.inline_shapes)} pictures, {statistics.median(sizes) / 1024:.0f} KB): "
                  f"{statistics.median(times):.2f} s (median of {len(codes)} units) — target < 5 s")  # fmt: skip
            print(f"  baseline, python-docx alone writing a document of the same shape: {floor_docx(content):.2f} s")
            seconds, (content, *_rest) = _timed(lambda: document(session, principal, PROVINCE_TARGET))
            model = Document(io.BytesIO(content))
            print(f"provincial report (.docx, {len(model.tables)} tables, {len(model.inline_shapes)} pictures, "
                  f"{len(content) / 1024:.0f} KB): {seconds:.2f} s — target < 30 s")  # fmt: skip
            print(f"  baseline, python-docx alone writing a document of the same shape: {floor_docx(content):.2f} s")


if __name__ == "__main__":
    main()
