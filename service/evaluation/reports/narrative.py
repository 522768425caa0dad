"""The reports' narrative, drafted from the figures: every number in a paragraph is read from the facts
(``data.Facts``), never typed. The firm or the provincial office edits the drafts in the service
(``report_draft``) before the final export; an edited section replaces its draft as a whole.

The sections of the county report follow the notice (二(三)): 基本情况, 政策体系, 长效机制, 整治成效, 支撑保障,
存在问题, 意见建议; the provincial summary's: 基本情况, 整治成效, 各地比较, 资料查阅和问卷调查, 存在问题, 意见建议.
The document review's items are placed in the section they speak of by words of their title (``TOPICS``).
"""

from __future__ import annotations

import re

from service.evaluation.reports.data import Facts, Unit

COUNTY_SECTIONS = {  # the editable sections: key → (heading level 1 or 2, heading); 整治成效 has three parts
    "basic": (1, "基本情况"), "policy": (1, "政策体系"), "mechanism": (1, "长效机制"),
    "effect_results": (2, "入户检查结果"), "effect_notices": (2, "问题整改"), "effect_survey": (2, "群众满意度"),
    "support": (1, "支撑保障"), "problems": (1, "存在问题"), "advice": (1, "意见建议"),
}  # fmt: skip
EFFECT_HEADING = "整治成效"  # the level-1 heading over the effect_* parts
GROUP_LABELS = {"official": "干部", "staff": "工作人员", "resident": "群众"}
PROVINCE_SECTIONS = {
    "basic": (1, "基本情况"), "effect": (1, "整治成效"), "comparison": (1, "各地比较"),
    "evaluation": (1, "资料查阅和问卷调查"), "problems": (1, "存在问题"), "advice": (1, "意见建议"),
}  # fmt: skip
TOPICS = {  # a review item goes to the first section whose words its title holds; otherwise to 支撑保障
    "policy": re.compile("政策|方案|部署|文件|贯彻"),
    "mechanism": re.compile("机制|销号|存量|增量|长效|台账|整治"),
}
ACCURACY_TARGET = 0.9  # below it, records or determinations are a problem to name
SATISFIED_TARGET = 0.8
PASS_SCORE = 60.0


def pct(x: float | None, digits: int = 1) -> str:
    """0.853 → 85.3%; None → 暂无."""
    return "暂无" if x is None else f"{x * 100:.{digits}f}%"


def est_text(row: dict | None, percent: bool = True) -> str:
    """An estimate with its 95% interval: 85.3%（95%置信区间 80.1%–89.6%，n=40）."""
    if not row or row.get("estimate") is None:
        return "暂无估计"
    fmt = pct if percent else (lambda v: f"{v:.2f}")
    ci = (
        f"95%置信区间 {fmt(row.get('ci_low'))}–{fmt(row.get('ci_high'))}，"
        if row.get("ci_low") is not None
        else ""
    )
    return f"{fmt(row['estimate'])}（{ci}n={row.get('n', 0)}）"


def review_lines(u: Unit, section: str) -> list:
    """The document review's lines that speak of ``section`` (policy, mechanism or support)."""
    lines = list(getattr(u.review, "lines", None) or [])

    def topic(title: str) -> str:
        return next((k for k, rx in TOPICS.items() if rx.search(title or "")), "support")

    return [ln for ln in lines if topic(ln.title) == section]


def _review_paragraph(u: Unit, section: str, what: str) -> str:
    lines = review_lines(u, section)
    scored = [ln for ln in lines if ln.score is not None]
    if not lines or not scored:
        return f"{what}方面的资料查阅评分尚未完成，待第三方机构评分后补充。"
    parts = "；".join(
        f"“{ln.title}”{ln.score:.1f}分" + (f"（{ln.comment}）" if ln.comment else "") for ln in scored
    )
    return f"查阅资料中与{what}相关的{len(lines)}项，已评分{len(scored)}项：{parts}。"


def problems(u: Unit) -> list[tuple[str, str, str]]:
    """The problems the figures show: (what, the finding, its recommendation)."""
    out = []
    rec, haz = u.estimates.get("record_accurate"), u.estimates.get("hazard_correct")
    if rec and rec.get("estimate") is not None and rec["estimate"] < ACCURACY_TARGET:
        out.append(("排查信息准确率偏低", f"排查信息准确率为{pct(rec['estimate'])}，低于{pct(ACCURACY_TARGET, 0)}，信息归集平台数据与现场不一致的问题较突出。",
                    "组织对信息归集平台数据逐户复核，对与现场不一致的房屋信息限期更正，建立数据质量抽查制度。"))  # fmt: skip
    if haz and haz.get("estimate") is not None and haz["estimate"] < ACCURACY_TARGET:
        out.append(("隐患判定准确率偏低", f"隐患判定准确率为{pct(haz['estimate'])}，部分房屋隐患初判与现场判定不符。",
                    "加强排查人员培训，对判定有误的房屋重新开展安全鉴定或评估。"))  # fmt: skip
    if u.results.get("digital_only"):
        out.append(("数字整治", f"检查发现{u.results['digital_only']}栋房屋存在“数字整治”问题，平台填报已整治但现场未整治到位。",
                    "对“数字整治”房屋逐户核查整改，追究虚报责任，整治完成后据实更新平台信息。"))  # fmt: skip
    if u.results.get("collapse_uncontrolled"):
        out.append(("倒塌风险房屋未管控", f"{u.results['collapse_uncontrolled']}栋存在倒塌风险的房屋尚未落实管控措施。",
                    "立即对存在倒塌风险的房屋落实停止使用、封控警示、人员撤离等管控措施。"))  # fmt: skip
    if u.notices.get("overdue"):
        out.append(("整改逾期", f"已下发的整改通知单中有{u.notices['overdue']}份逾期未完成整改。",
                    "对逾期未完成整改的房屋挂牌督办，明确责任人和完成时限，按期销号。"))  # fmt: skip
    low = [
        ln for ln in getattr(u.review, "lines", None) or [] if ln.score is not None and ln.score < PASS_SCORE
    ]
    if low:
        out.append(("资料查阅得分偏低", "查阅资料中“" + "”“".join(ln.title for ln in low) + f"”{len(low)}项得分低于{PASS_SCORE:.0f}分，相关工作资料不完整或落实不到位。",
                    "对照资料查阅清单补齐工作资料，完善相关制度并抓好落实。"))  # fmt: skip
    overall = getattr(u.survey, "overall", None)
    if (
        overall is not None
        and overall.satisfied_rate is not None
        and overall.satisfied_rate < SATISFIED_TARGET
    ):
        out.append(("满意率偏低", f"问卷调查满意率为{pct(overall.satisfied_rate)}，群众对整治工作的满意程度有待提高。",
                    "针对问卷反映的意见逐条回应，加强政策宣传和安全教育，提升群众获得感和满意度。"))  # fmt: skip
    if u.submitted or u.in_progress:
        out.append(("检查未完成", f"抽中房屋中尚有{u.submitted}份检查记录待审核、{u.in_progress}份未完成，检查结果尚不完整。",
                    "督促检查组按期完成入户检查和审核，确保结果完整。"))  # fmt: skip
    return out


def county_drafts(f: Facts, u: Unit) -> dict[str, str]:
    """The drafted text of every section of ``u``'s county report (paragraphs separated by new lines)."""
    r, n = u.results, u.notices
    inspected = sum(r.values())
    survey = u.survey
    overall = getattr(survey, "overall", None)
    total = getattr(u.review, "total", None)
    basic = [
        f"根据抽查评估工作安排，{f.year}年{u.city_name}{u.name}被抽中（{'必选' if u.reason == 'certainty' else '随机抽中'}），"
        f"由{u.firm or '第三方专业机构'}承担现场检查和评估工作。本次在{u.name}抽取自建房{u.drawn}栋，"
        f"分布于{u.townships}个乡镇（街道），投入检查组{u.teams}个。",
        f"截至{f.today.year}年{f.today.month}月{f.today.day}日，完成入户检查并审核通过{u.approved}栋，"
        f"待审核{u.submitted}栋，检查中{u.in_progress}栋。",
    ]  # fmt: skip
    policy = [
        f"评估组查阅了{u.name}贯彻落实国家和省级自建房安全专项整治政策、制定工作方案等方面的资料。"
        + (
            f"资料查阅综合得分{total:.1f}分（满分100分）。"
            if total is not None
            else "资料查阅综合评分尚未完成。"
        ),
        _review_paragraph(u, "policy", "政策体系"),
    ]
    mechanism = [_review_paragraph(u, "mechanism", "隐患整治销号和“去存量、遏增量”长效机制")]
    results = [
        f"审核通过的{inspected}栋抽查房屋中，核实无误{r.get('confirmed', 0)}栋，信息或判定有误{r.get('record_wrong', 0)}栋，"
        f"数字整治{r.get('digital_only', 0)}栋，存在倒塌风险{r.get('collapse_uncontrolled', 0) + r.get('collapse_controlled', 0)}栋"
        f"（其中已管控{r.get('collapse_controlled', 0)}栋）。",
        f"按抽样设计加权估计：排查信息准确率{est_text(u.estimates.get('record_accurate'))}；隐患判定准确率"
        f"{est_text(u.estimates.get('hazard_correct'))}；数字整治比例{est_text(u.estimates.get('paper_rectification'))}；"
        f"户均漏排房屋{est_text(u.estimates.get('missed_houses'), percent=False)}栋。",
    ]
    notices = [
        f"针对检查发现的问题，下发整改通知单{n.get('issued', 0)}份，已销号{n.get('closed', 0)}份，未销号"
        f"{n.get('open', 0)}份（其中已报整改完成待销号{n.get('reported_done', 0)}份、逾期{n.get('overdue', 0)}份）。",
    ]  # fmt: skip
    if overall is not None and overall.n:
        satisfaction = (f"问卷调查共回收有效问卷{overall.n}份，满意度指数{overall.index:.1f}，满意率{pct(overall.satisfied_rate)}。"
                      if overall.index is not None else f"问卷调查共回收有效问卷{overall.n}份。")  # fmt: skip
    else:
        satisfaction = "问卷调查尚无答卷。"
    support = [
        _review_paragraph(
            u, "support", "部门协作、人员密集场所周边排查、汛期和极端天气防范、安全宣传教育等支撑保障"
        )
    ]
    found = problems(u)
    issues = [f"{i}．{p}" for i, (_, p, _) in enumerate(found, 1)] or ["本次抽查评估未发现突出问题。"]
    advice = [f"{i}．{a}" for i, (_, _, a) in enumerate(found, 1)] or [
        "巩固整治成果，持续做好自建房安全日常管理。"
    ]
    return {"basic": "\n".join(basic), "policy": "\n".join(policy), "mechanism": "\n".join(mechanism),
            "effect_results": "\n".join(results), "effect_notices": "\n".join(notices),
            "effect_survey": satisfaction, "support": "\n".join(support), "problems": "\n".join(issues),
            "advice": "\n".join(advice)}  # fmt: skip


def province_drafts(f: Facts) -> dict[str, str]:
    """The drafted text of every section of the provincial summary report."""
    units, p = f.units, f.province
    cities = sorted({u.city_name for u in units})
    firms = sorted({u.firm for u in units if u.firm})
    drawn, approved = sum(u.drawn for u in units), sum(u.approved for u in units)
    results = {
        k: sum(u.results.get(k, 0) for u in units)
        for k in ("digital_only", "collapse_uncontrolled", "collapse_controlled")
    }
    issued = sum(u.notices.get("issued", 0) for u in units)
    overdue = sum(u.notices.get("overdue", 0) for u in units)
    closed = sum(u.notices.get("closed", 0) for u in units)
    basic = [f"{f.year}年全省抽查评估共抽中{len(units)}个县（市、区），涉及{len(cities)}个市州，由{len(firms)}家第三方专业机构"
             f"分组承担；共抽取自建房{drawn}栋，完成入户检查并审核通过{approved}栋。"]  # fmt: skip
    effect = [
        f"按抽样设计加权估计，全省排查信息准确率{est_text(p.get('record_accurate'))}，隐患判定准确率"
        f"{est_text(p.get('hazard_correct'))}，数字整治比例{est_text(p.get('paper_rectification'))}，"
        f"户均漏排房屋{est_text(p.get('missed_houses'), percent=False)}栋。",
        f"检查发现数字整治房屋{results['digital_only']}栋，存在倒塌风险房屋{results['collapse_uncontrolled'] + results['collapse_controlled']}栋"
        f"（已管控{results['collapse_controlled']}栋）；共下发整改通知单{issued}份，已销号{closed}份，逾期{overdue}份。",
    ]  # fmt: skip
    ranked = sorted((u for u in units if u.estimates.get("record_accurate", {}).get("estimate") is not None),
                    key=lambda u: u.estimates["record_accurate"]["estimate"])  # fmt: skip
    comparison = ["各县（市、区）主要指标见表，分布见全省抽查结果分布图。"]
    if ranked:
        lo, hi = ranked[0], ranked[-1]
        comparison.append(f"排查信息准确率最高的是{hi.city_name}{hi.name}（{pct(hi.estimates['record_accurate']['estimate'])}），"
                          f"最低的是{lo.city_name}{lo.name}（{pct(lo.estimates['record_accurate']['estimate'])}）。")  # fmt: skip
    reviewed = [u for u in units if getattr(u.review, "total", None) is not None]
    surveyed = [u for u in units if getattr(getattr(u.survey, "overall", None), "index", None) is not None]
    evaluation = [
        f"已完成资料查阅评分的县区{len(reviewed)}个" + (f"，平均得分{sum(u.review.total for u in reviewed) / len(reviewed):.1f}分。" if reviewed else "。"),
        f"已有问卷调查结果的县区{len(surveyed)}个" + (f"，满意度指数平均{sum(u.survey.overall.index for u in surveyed) / len(surveyed):.1f}。" if surveyed else "。"),
    ]  # fmt: skip
    counted: dict[str, list[str]] = {}
    for u in units:
        for key, _, _ in problems(u):
            counted.setdefault(key, []).append(u.name)
    issues = [f"{i}．{len(names)}个县区存在“{key}”方面的问题：{'、'.join(names[:12])}{'等' if len(names) > 12 else ''}。"
              for i, (key, names) in enumerate(sorted(counted.items(), key=lambda kv: -len(kv[1])), 1)]  # fmt: skip
    advice = ["1．对抽查发现的问题建立台账，逐项整改销号，省专班跟踪督办逾期未整改的整改通知单。",
              "2．对排查信息准确率、隐患判定准确率偏低和存在数字整治问题的县区开展复查。",
              "3．巩固“去存量、遏增量”长效机制，加强部门协作和安全宣传教育。"]  # fmt: skip
    return {"basic": "\n".join(basic), "effect": "\n".join(effect), "comparison": "\n".join(comparison),
            "evaluation": "\n".join(evaluation), "problems": "\n".join(issues or ["本次抽查评估未发现突出问题。"]),
            "advice": "\n".join(advice)}  # fmt: skip
