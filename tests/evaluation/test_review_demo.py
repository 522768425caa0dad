"""The demo's document review: every county of the demo's draw scored by its group's firm with comments,
some evidence files, everything labelled synthetic (rows, API, totals); reproducible from the seed."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.demo.conftest import spotcheck_engine, spotcheck_template, spotcheck_url  # noqa: F401


def test_demo_step_scores_the_drawn_counties_labelled_synthetic(spotcheck_template, spotcheck_engine):  # noqa: F811
    from service.accounts.deps import Principal
    from service.accounts.roles import Role
    from service.accounts.scope import EVERYTHING
    from service.evaluation.review.evidence import kind_of
    from service.evaluation.review.summary import review_scores

    assert "document review of" in spotcheck_template[1].line()
    with spotcheck_engine.connect() as conn:
        drawn = set(conn.execute(text(
            "SELECT du.unit_code FROM draw_unit AS du JOIN draw AS d ON d.id = du.draw_id "
            "WHERE d.status = 'published'")).scalars())  # fmt: skip
        scores = conn.execute(text("SELECT count(*), bool_and(synthetic), count(DISTINCT unit_code), "
                                   "bool_and(comment LIKE '%合成%') FROM review_score")).one()  # fmt: skip
        files = conn.execute(text("SELECT content, filename, synthetic, sha256 = encode(sha256(content), 'hex') "
                                  "FROM review_evidence")).all()  # fmt: skip
        audits = conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'review_score'")).scalar()
    assert scores[0] > 0 and scores[1] and scores[2] == len(drawn) and scores[3]
    assert audits == scores[0]
    assert files and all(f.synthetic and f[3] and "合成" in f.filename for f in files)
    assert all(kind_of(f.filename, f.content) == "application/pdf" for f in files)
    with Session(spotcheck_engine) as session:
        who = Principal(0, "t", "t", "", Role.PROVINCE, EVERYTHING, via="test")
        got = review_scores(session, who)
    assert set(got) == drawn
    totals = [s.total for s in got.values()]
    assert all(s.synthetic for s in got.values()) and all(t is not None and 20 <= t <= 100 for t in totals)
    assert len({round(t) for t in totals}) > 3  # counties differ
    assert any(s.scored < s.items for s in got.values()) and any(s.scored == s.items for s in got.values())


def test_the_api_and_page_say_synthetic(spotcheck_engine, spotcheck_url):  # noqa: F811
    from tests.conftest import _test_client

    for client in _test_client(spotcheck_url):
        years = client.get("/api/v1/evaluation/review/years").json()
        body = client.get(f"/api/v1/evaluation/review/{years['default']}/units").json()
        assert body["synthetic"] is True and all(u["synthetic"] for u in body["units"])
        page = client.get("/evaluation/review", headers={"Accept": "text/html"})
        assert "synthetic-banner" in page.text and "演示数据（合成）" in page.text
