"""The county evaluation report (县区评估报告) of one drawn unit as .docx: the sections of the notice (二(三))
with their narrative (drafted from the figures, or as edited), and the tables and figures placed in the
section they belong to."""

from __future__ import annotations

from service.evaluation.reports import charts, tables
from service.evaluation.reports.data import RESULT_NAMES, Facts, Unit
from service.evaluation.reports.document import ReportDoc, chinese_date
from service.evaluation.reports.narrative import COUNTY_SECTIONS, EFFECT_HEADING, GROUP_LABELS

ISSUER = "甘肃省自建房安全专项整治抽查评估组"


def county_title(f: Facts, u: Unit) -> str:
    """The report's title."""
    return f"{u.city_name}{u.name}{f.year}年自建房安全专项整治抽查评估报告"


def _basic(doc: ReportDoc, f: Facts, u: Unit) -> None:
    tables.sample_table(doc, f, u)
    shapes = [s for s in f.shapes if s["code"] == u.code or s["level"] == "township"]
    houses = [h for h in f.houses if h["unit_code"] == u.code]
    doc.figure(charts.unit_map(shapes, houses, RESULT_NAMES, f"{u.name}抽查房屋分布及检查结果"),
               f"{u.name}抽查房屋分布及检查结果（按检查结果分类着色）")  # fmt: skip


def _results(doc: ReportDoc, f: Facts, u: Unit) -> None:
    tables.results_table(doc, u.results, u.name)
    tables.estimates_table(doc, u.estimates, u.name, f.estimate_note)
    shares = [(k, u.results[k]) for k in RESULT_NAMES if u.results.get(k)]  # in the order of precedence
    if shares:
        total = sum(v for _, v in shares)
        png = charts.bars([RESULT_NAMES[k] for k, _ in shares], [v / total for _, v in shares], f"{u.name}入户检查结果构成",
                          [charts.RESULT_COLOURS.get(k, "#bbbbbb") for k, _ in shares], percent=True)  # fmt: skip
        doc.figure(png, f"{u.name}入户检查结果构成", width_mm=130)


def _survey(doc: ReportDoc, f: Facts, u: Unit) -> None:
    tables.survey_table(doc, u)
    s = u.survey
    groups = [
        (GROUP_LABELS.get(k, k), v)
        for k, v in (s.groups.items() if s else [])
        if v.satisfied_rate is not None
    ]
    if groups:
        png = charts.bars([g for g, _ in groups], [v.satisfied_rate for _, v in groups], f"{u.name}各类调查对象满意率",
                          percent=True, intervals=[v.satisfied_ci for _, v in groups])  # fmt: skip
        doc.figure(png, f"{u.name}各类调查对象满意率（误差线为95%置信区间）", width_mm=130)


AFTER = {  # what follows a section's text
    "basic": _basic,
    "policy": lambda doc, f, u: tables.review_table(doc, u),
    "effect_results": _results,
    "effect_notices": lambda doc, f, u: tables.notices_table(doc, u),
    "effect_survey": _survey,
}


def county_docx(f: Facts, u: Unit, texts: dict[str, str]) -> bytes:
    """The report of ``u`` with the sections' ``texts`` (section key → paragraphs, one a line)."""
    title = county_title(f, u)
    doc = ReportDoc(title, synthetic=f.synthetic, author=u.firm or ISSUER, day=f.today)
    doc.title(title, f"（{u.firm or '第三方专业机构'}　{chinese_date(f.today)}）")
    for key, (level, heading) in COUNTY_SECTIONS.items():
        if key == "effect_results":
            doc.heading(1, EFFECT_HEADING)
        elif key == "basic":
            doc.heading(1, heading)
            heading, level = "抽样和现场检查", 2
        doc.heading(level, heading)
        doc.para(texts.get(key, ""))
        if key in AFTER:
            AFTER[key](doc, f, u)
    doc.signature(u.firm or ISSUER, f.today)
    return doc.bytes()
