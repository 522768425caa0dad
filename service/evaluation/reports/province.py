"""The provincial summary report (全省抽查评估汇总报告) as .docx: every drawn unit of the year, a province map
of the drawn units coloured by a figure, and comparison tables per unit, city and firm."""

from __future__ import annotations

from collections import Counter

from service.evaluation.reports import charts, tables
from service.evaluation.reports.data import Facts
from service.evaluation.reports.document import ReportDoc, chinese_date
from service.evaluation.reports.narrative import PROVINCE_SECTIONS

ISSUER = "甘肃省自建房安全专项整治工作领导小组办公室"


def province_title(f: Facts) -> str:
    """The report's title."""
    return f"甘肃省{f.year}年自建房安全专项整治抽查评估汇总报告"


def _map_values(f: Facts, key: str) -> dict[str, float | None]:
    return {u.code: (u.estimates.get(key) or {}).get("estimate") for u in f.units}


def province_docx(f: Facts, texts: dict[str, str]) -> bytes:
    """The summary with the sections' ``texts`` (section key → paragraphs, one a line)."""
    title = province_title(f)
    doc = ReportDoc(title, synthetic=f.synthetic, author=ISSUER, day=f.today)
    doc.title(title, f"（{chinese_date(f.today)}）")
    for key, (level, heading) in PROVINCE_SECTIONS.items():
        doc.heading(level, heading)
        doc.para(texts.get(key, ""))
        if key == "basic":
            doc.figure(charts.province_map(f.shapes, _map_values(f, "record_accurate"), "抽中县（市、区）排查信息准确率",
                                           "排查信息准确率（估计值）"), "全省抽中县（市、区）分布及排查信息准确率")  # fmt: skip
            tables.group_comparison(doc, f, "firm")
        elif key == "effect":
            tables.estimates_table(doc, f.province, "全省", f.estimate_note)
            results: Counter = Counter()
            for u in f.units:
                results.update(u.results)
            tables.results_table(doc, results, "全省")
            doc.figure(charts.province_map(f.shapes, _map_values(f, "paper_rectification"), "抽中县（市、区）数字整治比例",
                                           "数字整治比例（估计值）"), "全省抽中县（市、区）数字整治比例")  # fmt: skip
        elif key == "comparison":
            tables.unit_comparison(doc, f)
            tables.group_comparison(doc, f, "city")
        elif key == "evaluation":
            reviewed = {u.code: getattr(u.review, "total", None) for u in f.units}
            if any(v is not None for v in reviewed.values()):
                png = charts.province_map(f.shapes, reviewed, "抽中县（市、区）资料查阅得分", "资料查阅得分（满分100）",
                                          percent=False)  # fmt: skip
                doc.figure(png, "全省抽中县（市、区）资料查阅得分")
    doc.signature(ISSUER, f.today)
    return doc.bytes()
