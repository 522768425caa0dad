"""A newcomer's first report: on the demo spot check (its draw, synthetic inspections, notices, review scores
and questionnaire answers), a county report and the provincial summary have content in every part and say
that their data is synthetic."""

from __future__ import annotations

from sqlalchemy import text

from tests.demo.conftest import spotcheck_api, spotcheck_engine, spotcheck_template, spotcheck_url  # noqa: F401
from tests.evaluation.report_docx import header_text, images, non_blank, read, table_cells, texts

API = "/api/v1/evaluation/reports"


def test_the_demo_gives_a_county_report_and_a_province_report_with_content(spotcheck_api, spotcheck_engine):  # noqa: F811
    with spotcheck_engine.connect() as conn:
        unit, approved = conn.execute(text(
            "SELECT i.unit_code, count(*) FROM inspection AS i WHERE i.status = 'approved' AND i.synthetic "
            "AND EXISTS (SELECT 1 FROM review_score AS s WHERE s.unit_code = i.unit_code) "
            "AND EXISTS (SELECT 1 FROM survey_response AS r WHERE r.unit_code = i.unit_code) "
            "GROUP BY i.unit_code ORDER BY count(*) DESC, i.unit_code LIMIT 1")).one()  # fmt: skip
    report = spotcheck_api.get(f"{API}/county/{unit}")
    assert report.status_code == 200, report.text
    assert report.json()["synthetic"] is True
    r = spotcheck_api.get(f"{API}/county/{unit}/document")
    assert r.status_code == 200, r.text
    doc = read(r.content)
    body = "\n".join(texts(doc))
    assert f"审核通过{approved}栋" in body
    assert "资料查阅综合评分尚未完成" not in body and "问卷调查尚无答卷" not in body
    firsts = [t[0][0] for t in table_cells(doc)]
    assert {"乡镇（街道）", "检查结果", "指标", "下发", "序号", "调查对象"} <= set(firsts)
    assert all(non_blank(p) for p in images(doc)) and len(images(doc)) >= 3
    assert "合成演示数据" in texts(doc)[0] and "合成演示数据" in header_text(doc)
    p = spotcheck_api.get(f"{API}/province/document")
    assert p.status_code == 200, p.text
    province = read(p.content)
    assert len(images(province)) >= 3 and all(non_blank(x) for x in images(province))
    assert "合成演示数据" in texts(province)[0]
