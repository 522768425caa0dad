"""The provincial summary report read back: its sections, the province map and the other images (non-blank),
the comparison tables per unit, city and firm with the figures counted here; and ``spotcheck report``."""

from __future__ import annotations

from sqlalchemy import text

from service.cli import main
from tests.evaluation.report_docx import images, non_blank, read, table_cells, texts
from tests.evaluation.report_world import report_findings, review_and_survey

API = "/api/v1/evaluation/reports"
HEADINGS = [
    "一、基本情况",
    "二、整治成效",
    "三、各地比较",
    "四、资料查阅和问卷调查",
    "五、存在问题",
    "六、意见建议",
]


def test_the_province_report_has_a_province_map_and_comparison_tables(fu):
    report_findings(fu)
    scored = review_and_survey(fu, "620102")["review"]
    total = sum(w * s for _, w, s in scored) / sum(w for _, w, _ in scored)
    with fu.engine.connect() as conn:
        per_unit = dict(conn.execute(text(
            "SELECT su.name, count(*) FROM draw_house AS dh JOIN sampling_unit AS su ON su.code = dh.unit_code "
            "WHERE dh.draw_id = :d AND dh.role = 'sample' GROUP BY su.name"), {"d": fu.world["draw"]}).all())  # fmt: skip
        approved = dict(conn.execute(text(
            "SELECT su.name, count(*) FROM inspection AS i JOIN sampling_unit AS su ON su.code = i.unit_code "
            "WHERE i.status = 'approved' GROUP BY su.name")).all())  # fmt: skip
        sampled = dict(conn.execute(text(
            "SELECT su.name, count(*) FROM inspection AS i JOIN sampling_unit AS su ON su.code = i.unit_code "
            "JOIN draw_house AS dh ON dh.draw_id = i.draw_id AND dh.house_id = i.house_id "
            "WHERE i.status = 'approved' AND dh.role = 'sample' GROUP BY su.name")).all())  # fmt: skip
        overdue = conn.execute(text("SELECT count(*) FROM notice WHERE status NOT IN ('draft', 'closed') "
                                    "AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date")).scalar()  # fmt: skip
    r = fu.get("prov", f"{API}/province/document")
    assert r.status_code == 200, r.text
    doc = read(r.content)
    paras = texts(doc)
    assert [p for p in paras if p in HEADINGS] == HEADINGS
    body = "\n".join(paras)
    assert f"共抽中{len(per_unit)}个县（市、区），涉及2个市州" in body
    assert f"共抽取自建房{sum(per_unit.values())}栋，完成入户检查并审核通过{sum(approved.values())}栋" in body
    assert f"逾期{overdue}份" in body
    tables = table_cells(doc)
    assert sampled.get("城关区") and sampled.get("红古区")
    units = next(t for t in tables if t[0][0] == "县（市、区）")
    rows = {row[0]: row for row in units[1:]}
    assert set(rows) == {"兰州市城关区", "兰州市红古区", "白银市白银区"}
    for name, row in rows.items():
        short = name[3:]
        assert int(row[2]) == per_unit[short] and int(row[3]) == approved[short]
        # the estimated record accuracy: a share where a sampled (not a replacement) house has a result
        assert row[4].endswith("%") == (sampled.get(short, 0) > 0), (name, row)
    cities = {row[0]: row for row in next(t for t in tables if t[0][0] == "市州")[1:]}
    assert set(cities) == {"兰州市", "白银市"}
    assert int(cities["兰州市"][2]) == per_unit["城关区"] + per_unit["红古区"]
    firms = {row[0] for row in next(t for t in tables if t[0][0] == "第三方机构")[1:]}
    assert firms == {"第一组检测公司", "第二组检测公司"}
    assert any(t[0][0] == "指标" for t in tables)  # the province's estimates
    assert (
        f"已完成资料查阅评分的县区1个，平均得分{total:.1f}分" in body and "已有问卷调查结果的县区1个" in body
    )
    assert rows["兰州市城关区"][9] == f"{total:.1f}" and rows["兰州市城关区"][10] == "55.0"
    pictures = images(doc)
    assert len(pictures) >= 3 and all(non_blank(p) for p in pictures)  # the province maps
    assert "图1　全省抽中县（市、区）分布及排查信息准确率" in paras
    # only a province-wide caller gets it; a firm writes county reports of its group only
    assert fu.get("leader", f"{API}/province").status_code == 403  # a city leader (兰州)
    assert fu.get("lead", f"{API}/province").status_code == 403


def test_the_province_report_takes_edits_and_is_exported(fu):
    report_findings(fu)
    sections = fu.get("prov", f"{API}/province").json()["sections"]
    advice = next(s for s in sections if s["key"] == "advice")
    put = fu.client.put(f"{API}/province/sections/advice", headers=fu.auth("prov"),
                        json={"text": "省专班建议：加强督导。", "version": advice["version"]})  # fmt: skip
    assert put.status_code == 200, put.text
    out = fu.post("prov", f"{API}/province/exports")
    assert out.status_code == 201, out.text
    stored = fu.get("prov", f"{API}/exports/{out.json()['id']}")
    assert "省专班建议：加强督导。" in texts(read(stored.content))
    assert fu.get("county", f"{API}/exports/{out.json()['id']}").status_code == 403


def test_the_command_line_writes_the_reports(fu, followup_url, monkeypatch, tmp_path, capsys):
    from service.core.settings import get_settings

    report_findings(fu)
    monkeypatch.setenv("DATABASE_URL", followup_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    try:
        county, province = tmp_path / "城关区.docx", tmp_path / "全省.docx"
        assert main(["report", "county", "620102", "--out", str(county)]) == 0
        assert main(["report", "province", "--out", str(province)]) == 0
        assert "wrote" in capsys.readouterr().out
        assert "三、长效机制" in texts(read(county.read_bytes()))
        assert "三、各地比较" in texts(read(province.read_bytes()))
        assert images(read(county.read_bytes())) and images(read(province.read_bytes()))
        assert main(["report", "county", "620103", "--out", str(tmp_path / "x.docx")]) == 2  # not drawn
        assert not (tmp_path / "x.docx").exists()
    finally:
        get_settings.cache_clear()
    with fu.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'report_cli_write'")).scalar()
            == 2
        )
