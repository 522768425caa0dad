"""The reports' tables, from the facts (``data.Facts``): the sample, the inspection results, the estimates
with their 95% intervals, the notices and their state, the document review scores, the questionnaire results,
and the provincial comparisons per unit, city and firm."""

from __future__ import annotations

from collections import Counter, defaultdict

from service.draws.estimates import INDICATORS
from service.evaluation.reports.data import NOT_INSPECTED, RESULT_NAMES, RESULT_ORDER, Facts, Unit
from service.evaluation.reports.document import ReportDoc
from service.evaluation.reports.narrative import GROUP_LABELS, pct


def _n(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _ci(ci, percent: bool = True) -> str:
    if not ci or ci[0] is None:
        return "—"
    f = pct if percent else _n
    return f"{f(ci[0])}–{f(ci[1])}"


def sample_table(doc: ReportDoc, f: Facts, u: Unit) -> None:
    """The sample per township: drawn, approved, awaiting review, not yet done."""
    towns: dict[str, Counter] = defaultdict(Counter)
    for h in f.houses:
        if h["unit_code"] != u.code:
            continue
        c = towns[h["township_name"] or h["township_code"] or "未知乡镇"]
        c["drawn"] += h["role"] == "sample"
        c["replacement"] += h["role"] == "replacement"
        c[h["status"] or "none"] += 1
    rows = [[name, c["drawn"], c["replacement"], c["approved"], c["submitted"], c["draft"] + c["returned"] + c["none"]]
            for name, c in sorted(towns.items())]  # fmt: skip
    total = [sum(r[i] for r in rows) for i in range(1, 6)]
    doc.table(f"{u.name}抽查样本分布", ["乡镇（街道）", "抽中房屋", "替补房屋", "审核通过", "待审核", "未完成"],
              [*rows, ["合计", *total]], widths=[46, 22, 22, 22, 22, 22])  # fmt: skip


def results_table(doc: ReportDoc, results: Counter, what: str) -> None:
    """The inspected houses by result class (the map's classes)."""
    inspected = sum(v for k, v in results.items() if k != NOT_INSPECTED)
    rows = [[RESULT_NAMES[k], results.get(k, 0), pct(results.get(k, 0) / inspected) if inspected else "—"]
            for k in RESULT_ORDER if k != NOT_INSPECTED]  # fmt: skip
    doc.table(f"{what}入户检查结果分类", ["检查结果", "房屋（栋）", "占审核通过房屋比例"], [*rows, ["合计", inspected, "100.0%" if inspected else "—"]],
              widths=[60, 40, 56])  # fmt: skip


def estimates_table(doc: ReportDoc, rows: dict[str, dict], what: str, note: str | None) -> None:
    """The four indicators with estimate, 95% interval, n and drawn (service/draws/estimates.py)."""
    out = []
    for key, (label, kind, domain) in INDICATORS.items():
        r = rows.get(key) or {}
        percent = kind == "share"
        est = r.get("estimate")
        out.append([label, (pct(est) if percent else _n(est, 2)) if est is not None else "—",
                    _ci((r.get("ci_low"), r.get("ci_high")), percent) if r.get("ci_low") is not None and percent
                    else f"{_n(r.get('ci_low'), 2)}–{_n(r.get('ci_high'), 2)}" if r.get("ci_low") is not None else "—",
                    r.get("n", 0), r.get("drawn", 0), domain])  # fmt: skip
    doc.table(f"{what}主要指标估计", ["指标", "估计值", "95%置信区间", "有效样本", "抽中房屋", "估计范围"], out,
              widths=[30, 20, 34, 18, 18, 36], note=note)  # fmt: skip


def notices_table(doc: ReportDoc, u: Unit) -> None:
    """The unit's rectification notices by state (service/followup)."""
    n = u.notices
    doc.table(f"{u.name}整改通知单下发及整改情况", ["下发", "未销号", "其中已报完成", "其中逾期", "已销号", "草稿（未下发）"],
              [[n.get("issued", 0), n.get("open", 0), n.get("reported_done", 0), n.get("overdue", 0), n.get("closed", 0),
                n.get("drafts", 0)]], widths=[24, 24, 32, 24, 24, 28])  # fmt: skip


def review_table(doc: ReportDoc, u: Unit) -> None:
    """The document review: every item with its weight, score and comment, and the weighted total."""
    review = u.review
    if review is None or not getattr(review, "lines", None):
        doc.para("资料查阅清单尚无评分记录。")
        return
    rows = [[i, ln.title, _n(ln.weight, 0) if ln.weight is not None else "—", _n(ln.score), ln.evidence, ln.comment or "—"]
            for i, ln in enumerate(review.lines, 1)]  # fmt: skip
    rows.append(
        ["", "综合得分（加权，满分100）", "", _n(review.total), "", f"已评{review.scored}/{review.items}项"]
    )
    doc.table(f"{u.name}资料查阅评分", ["序号", "查阅项目", "权重", "得分", "佐证材料", "评分意见"], rows,
              widths=[12, 52, 14, 14, 18, 46])  # fmt: skip


def survey_table(doc: ReportDoc, u: Unit) -> None:
    """The questionnaire: overall and per respondent group, index and 满意率 with their intervals."""
    s = u.survey
    if s is None or not s.overall.n:
        doc.para("问卷调查尚无答卷。")
        return
    rows = []
    for name, score in [("合计", s.overall), *[(GROUP_LABELS.get(k, k), v) for k, v in s.groups.items()]]:
        rows.append([name, score.n, _n(score.index), _ci(score.index_ci, percent=False), pct(score.satisfied_rate),
                     _ci(score.satisfied_ci)])  # fmt: skip
    doc.table(f"{u.name}问卷调查结果", ["调查对象", "有效问卷", "满意度指数", "95%置信区间", "满意率", "95%置信区间"], rows,
              widths=[24, 20, 24, 32, 22, 34])  # fmt: skip
    items = [[i, it.title, _n(it.weight, 2), _n(it.mean), it.n] for i, it in enumerate(s.items, 1)]
    if items:
        doc.table(f"{u.name}满意度分项得分", ["序号", "满意度项目", "权重", "平均得分", "回答数"], items,
                  widths=[14, 70, 22, 26, 24])  # fmt: skip


def unit_comparison(doc: ReportDoc, f: Facts) -> None:
    """Every drawn unit side by side."""
    rows = []
    for u in f.units:
        e = u.estimates
        rows.append([f"{u.city_name}{u.name}", u.firm or "—", u.drawn, u.approved,
                     pct((e.get("record_accurate") or {}).get("estimate")), pct((e.get("hazard_correct") or {}).get("estimate")),
                     pct((e.get("paper_rectification") or {}).get("estimate")), u.notices.get("issued", 0),
                     u.notices.get("overdue", 0), _n(getattr(u.review, "total", None)),
                     _n(getattr(getattr(u.survey, "overall", None), "index", None))])  # fmt: skip
    doc.table("各抽中县（市、区）主要指标比较",
              ["县（市、区）", "承担机构", "抽中", "审核通过", "信息准确率", "判定准确率", "数字整治", "通知单", "逾期",
               "资料查阅", "满意度"], rows, widths=[22, 20, 10, 12, 15, 15, 14, 12, 10, 13, 13],
              note="注：准确率和数字整治比例为按抽样设计加权的估计值；资料查阅为加权综合得分（满分100）；满意度为满意度指数。")  # fmt: skip


def group_comparison(doc: ReportDoc, f: Facts, by: str) -> None:
    """The units summed per city (``by`` = "city") or per firm ("firm")."""
    agg: dict[str, Counter] = defaultdict(Counter)
    for u in f.units:
        key = u.city_name if by == "city" else (u.firm or "未指定")
        c = agg[key]
        c["units"] += 1
        c["drawn"] += u.drawn
        c["approved"] += u.approved
        c["digital"] += u.results.get("digital_only", 0)
        c["wrong"] += u.results.get("record_wrong", 0)
        c["collapse"] += u.results.get("collapse_uncontrolled", 0) + u.results.get("collapse_controlled", 0)
        c["issued"] += u.notices.get("issued", 0)
        c["overdue"] += u.notices.get("overdue", 0)
    rows = [[k, c["units"], c["drawn"], c["approved"], c["wrong"], c["digital"], c["collapse"], c["issued"], c["overdue"]]
            for k, c in sorted(agg.items())]  # fmt: skip
    doc.table("各市州抽查情况汇总" if by == "city" else "各第三方机构抽查情况汇总",
              ["市州" if by == "city" else "第三方机构", "县区", "抽中", "审核通过", "信息或判定有误", "数字整治", "倒塌风险",
               "通知单", "逾期"], rows, widths=[28, 12, 14, 16, 20, 16, 16, 18, 16])  # fmt: skip
