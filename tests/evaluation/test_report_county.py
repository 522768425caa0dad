"""The county evaluation report (.docx) read back with python-docx: every section, the figures computed here
from the tables, the tables, non-blank images, fonts named for East Asian text, the page-number field, the
synthetic-data statement; an edited section in the export and a stale edit refused (409); the scope."""

from __future__ import annotations

import re

from docx.shared import Pt
from sqlalchemy import text

from tests.evaluation.report_docx import (
    east_asian_fonts,
    has_page_field,
    header_text,
    images,
    non_blank,
    read,
    table_cells,
    texts,
)
from tests.evaluation.report_world import report_findings, review_and_survey

API = "/api/v1/evaluation/reports"
UNIT = "620102"
HEADINGS = ["一、基本情况", "（一）抽样和现场检查", "二、政策体系", "三、长效机制", "四、整治成效", "（一）入户检查结果",
            "（二）问题整改", "（三）群众满意度", "五、支撑保障", "六、存在问题", "七、意见建议"]  # fmt: skip


def _expected(fu, unit: str) -> dict:
    """What the report must say, counted here from the tables."""
    with fu.engine.connect() as conn:
        q = lambda sql: conn.execute(text(sql), {"u": unit, "d": fu.world["draw"]}).scalar_one()  # noqa: E731
        return {
            "drawn": q("SELECT count(*) FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'sample'"),
            "approved": q("SELECT count(*) FROM inspection WHERE draw_id = :d AND unit_code = :u AND status = 'approved'"),
            "issued": q("SELECT count(*) FROM notice WHERE unit_code = :u AND status <> 'draft'"),
            "closed": q("SELECT count(*) FROM notice WHERE unit_code = :u AND status = 'closed'"),
            "overdue": q("SELECT count(*) FROM notice WHERE unit_code = :u AND status NOT IN ('draft', 'closed') "
                         "AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date"),
            "paper": q("SELECT count(*) FROM inspection WHERE unit_code = :u AND status = 'approved' AND "
                       "(summary->>'paper_rectification')::boolean AND NOT (summary->>'collapse_risk')::boolean"),
            "collapse": q("SELECT count(*) FROM inspection WHERE unit_code = :u AND status = 'approved' AND "
                          "(summary->>'collapse_risk')::boolean"),
            "confirmed": q("SELECT count(*) FROM inspection WHERE unit_code = :u AND status = 'approved' AND "
                           "(summary->>'record_accurate')::boolean AND (summary->>'hazard_correct')::boolean AND "
                           "NOT (summary->>'paper_rectification')::boolean AND NOT (summary->>'collapse_risk')::boolean"),
            "townships": q("SELECT count(DISTINCT township_code) FROM draw_house WHERE draw_id = :d AND unit_code = :u "
                           "AND role = 'sample'"),
        }  # fmt: skip


def _table(doc, first_header: str) -> list[list[str]]:
    found = [t for t in table_cells(doc) if t and t[0][0] == first_header]
    assert found, f"no table starting with {first_header}: {[t[0] for t in table_cells(doc)]}"
    return found[0]


def test_the_county_report_holds_every_section_the_figures_tables_images_and_layout(fu):
    report_findings(fu)
    got = review_and_survey(fu, UNIT)
    want = _expected(fu, UNIT)
    r = fu.get("lead", f"{API}/county/{UNIT}/document")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    doc = read(r.content)
    paras = texts(doc)
    body = "\n".join(paras)
    assert [p for p in paras if p in HEADINGS] == HEADINGS  # every heading, in order, numbered
    assert "城关区2026年自建房安全专项整治抽查评估报告" in body.replace("兰州市", "")
    # the figures, as counted here
    assert f"抽取自建房{want['drawn']}栋" in body and f"分布于{want['townships']}个乡镇" in body
    assert f"审核通过{want['approved']}栋" in body
    assert f"核实无误{want['confirmed']}栋" in body and f"数字整治{want['paper']}栋" in body
    assert f"下发整改通知单{want['issued']}份" in body and f"逾期{want['overdue']}份" in body
    assert want["overdue"] == 1 and want["issued"] == 2 and want["collapse"] == 1
    assert "1栋存在倒塌风险的房屋尚未落实管控措施" in body  # a problem found, from the figures
    # the tables: sample, results, estimates, notices, review, questionnaire
    sample = _table(doc, "乡镇（街道）")
    assert (
        sample[-1][0] == "合计"
        and int(sample[-1][1]) == want["drawn"]
        and int(sample[-1][3]) == want["approved"]
    )
    results = {row[0]: row[1] for row in _table(doc, "检查结果")}
    assert results["核实无误"] == str(want["confirmed"]) and results["倒塌风险未管控"] == str(
        want["collapse"]
    )
    assert results["合计"] == str(want["approved"])
    estimates = {row[0]: row for row in _table(doc, "指标")}
    assert estimates["排查信息准确率"][3] == str(
        want["approved"]
    )  # n: every approved inspection has a result
    assert re.fullmatch(r"\d+\.\d%–\d+\.\d%", estimates["排查信息准确率"][2])  # the 95% interval
    notices = _table(doc, "下发")
    assert notices[1][:5] == [str(want["issued"]), str(want["issued"] - want["closed"]), "0", str(want["overdue"]),
                              str(want["closed"])]  # fmt: skip
    review = _table(doc, "序号")
    weights = sum(w for _, w, _ in got["review"])
    total = sum(w * s for _, w, s in got["review"]) / weights
    assert review[-1][3] == f"{total:.1f}"  # the weighted total, computed here
    assert [row[3] for row in review[1:-1]] == [f"{s:.1f}" for _, _, s in got["review"]]
    assert f"资料查阅综合得分{total:.1f}分" in body
    survey = {row[0]: row for row in _table(doc, "调查对象")}
    assert (
        survey["合计"][1] == "2" and survey["合计"][2] == "55.0" and survey["合计"][4] == "50.0%"
    )  # (80+30)/2; 1 of 2
    # images: the unit's map and the charts, none blank
    pictures = images(doc)
    assert len(pictures) >= 3 and all(non_blank(p) for p in pictures)
    # layout: A4, the fonts named for East Asian text, body 三号 at a fixed line, the page number field
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    assert {"方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"} <= east_asian_fonts(doc)
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and 28 <= normal.paragraph_format.line_spacing.pt <= 29
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert (
        title.runs[0]._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "方正小标宋简体"
    )
    assert has_page_field(doc)
    # the frame is the synthetic demo's: said on the first page and in the header and footer
    assert "合成演示数据" in paras[0] and "合成演示数据" in header_text(doc)


def test_an_edited_section_is_exported_and_a_stale_edit_is_refused(fu):
    report_findings(fu)
    before = fu.get("lead", f"{API}/county/{UNIT}").json()
    basic = next(s for s in before["sections"] if s["key"] == "basic")
    assert basic["version"] == 0 and not basic["edited"] and basic["text"] == basic["drafted"]
    edited = "评估组于十二月进驻城关区，现场工作顺利。\n第二段：乡镇配合良好。"
    ok = fu.client.put(
        f"{API}/county/{UNIT}/sections/basic", headers=fu.auth("lead"), json={"text": edited, "version": 0}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 1
    stale = fu.client.put(f"{API}/county/{UNIT}/sections/basic", headers=fu.auth("prov"),
                          json={"text": "另一人的修改", "version": 0})  # fmt: skip
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["message"]
    after = fu.get("prov", f"{API}/county/{UNIT}").json()
    basic = next(s for s in after["sections"] if s["key"] == "basic")
    assert basic["text"] == edited and basic["version"] == 1 and basic["edited"] and basic["edited_by"]
    body = texts(read(fu.get("prov", f"{API}/county/{UNIT}/document").content))
    assert "评估组于十二月进驻城关区，现场工作顺利。" in body and "第二段：乡镇配合良好。" in body
    assert basic["drafted"].splitlines()[0] not in body  # the draft gave way to the edit
    again = fu.client.put(
        f"{API}/county/{UNIT}/sections/basic", headers=fu.auth("prov"), json={"text": "第三版", "version": 1}
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    bad = fu.client.put(
        f"{API}/county/{UNIT}/sections/nosuch", headers=fu.auth("prov"), json={"text": "x", "version": 0}
    )
    assert bad.status_code == 422 and "没有" in bad.json()["message"]
    with fu.engine.connect() as conn:
        audits = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'report_section_save'")
        ).scalar()
    assert audits == 2


def test_the_final_export_is_stored_with_its_sha256(fu):
    report_findings(fu)
    r = fu.post("lead", f"{API}/county/{UNIT}/exports")
    assert r.status_code == 201, r.text
    out = r.json()
    stored = fu.get("county", f"{API}/exports/{out['id']}")
    assert stored.status_code == 200 and stored.headers["x-content-sha256"] == out["sha256"]
    import hashlib

    assert hashlib.sha256(stored.content).hexdigest() == out["sha256"] and out["synthetic"] is True
    assert any("城关区" in p for p in texts(read(stored.content)))
    listed = fu.get("county", f"{API}/county/{UNIT}").json()["exports"]
    assert [x["id"] for x in listed] == [out["id"]] and listed[0]["exported_by"]
    assert fu.get("county_hg", f"{API}/exports/{out['id']}").status_code == 403


def test_a_county_office_gets_its_own_report_only(fu):
    report_findings(fu)
    assert fu.get("county", f"{API}/county/{UNIT}").status_code == 200
    mine = fu.get("county", f"{API}/county/{UNIT}/document")
    assert mine.status_code == 200 and read(mine.content).paragraphs
    for path in (
        f"{API}/county/620111",
        f"{API}/county/620111/document",
        f"{API}/province",
        f"{API}/province/document",
    ):
        refused = fu.get("county", path)
        assert refused.status_code == 403, path
        assert "message" in refused.json() and "红古区" not in refused.text
    assert [u["code"] for u in fu.get("county", f"{API}/units").json()] == [UNIT]
    r = fu.client.put(
        f"{API}/county/{UNIT}/sections/basic", headers=fu.auth("county"), json={"text": "x", "version": 0}
    )
    assert r.status_code == 403  # the county office reads its report; the firm and the province write it
    assert fu.get("other", f"{API}/county/{UNIT}").status_code == 403  # the other group's firm
    assert fu.get("prov", f"{API}/county/620103").status_code == 404  # not drawn
