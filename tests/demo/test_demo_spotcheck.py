"""The demo spot check: built quickly and once, labelled synthetic, its inspections valid and plausible."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import text

from geo import inspection_form as forms
from service.demo.build import ensure_demo_spotcheck
from service.demo.spotcheck import NO_PASSWORD
from service.inspections.photos import read_exif
from tests.conftest import DEMO_SPEC
from tests.demo.conftest import TODAY


def test_built_once_quickly_then_current(spotcheck_template, spotcheck_engine):
    report = spotcheck_template[1]
    assert report.state == "built" and report.seconds < 30, report.line()
    assert "draw 1 published, 4 firms" in report.line() and "route plans" in report.line()
    again = ensure_demo_spotcheck(spotcheck_engine, DEMO_SPEC.seed, today=TODAY)
    assert again.state == "current" and again.line().startswith("demo spot check (SYNTHETIC): current")
    with spotcheck_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM draw")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM sampling_plan")).scalar() == 1


def test_skipped_on_a_database_with_real_houses(demo_engine):
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE house SET synthetic = false WHERE id = (SELECT min(id) FROM house)"))
    report = ensure_demo_spotcheck(demo_engine, DEMO_SPEC.seed, today=TODAY)
    assert report.state == "skipped" and "imported houses" in report.detail
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM draw")).scalar() == 0


def test_the_notices_plan_firms_teams_and_accounts(spotcheck_engine):
    with spotcheck_engine.connect() as conn:
        plan = conn.execute(text("SELECT year, deadline, spec FROM sampling_plan")).one()
        assert plan.year == 2026 and plan.deadline == dt.date(2026, 12, 15)
        assert len(plan.spec["fixed_units"]) == 42 and [g["name"] for g in plan.spec["groups"]] == [
            "第一组", "第二组", "第三组", "第四组"]  # fmt: skip
        assert conn.execute(text("SELECT status FROM draw")).scalar() == "published"
        teams = conn.execute(text("SELECT t.name, count(m.*) FROM field_team t JOIN field_team_member m ON m.team_id = t.id "
                                  "GROUP BY t.name ORDER BY t.name")).all()  # fmt: skip
        assert "第一组一队" in [t[0] for t in teams] and all(n == 1 for _, n in teams) and 8 <= len(teams) <= 12
        per_firm = Counter(name[:3] for name, _ in teams)
        assert set(per_firm.values()) <= {2, 3}
        assert conn.execute(text("SELECT count(*) FROM draw_house d LEFT JOIN field_assignment a USING (draw_id, house_id) "
                                 "WHERE d.role = 'sample' AND a.team_id IS NULL")).scalar() == 0  # fmt: skip
        assert conn.execute(text("SELECT count(*) FROM field_base")).scalar() == len(teams)
        assert conn.execute(text("SELECT count(*) FROM field_route_plan WHERE current")).scalar() == len(teams)
        accounts = conn.execute(text("SELECT username, role, active, password_hash FROM account ORDER BY username")).all()
        assert all(a.username.startswith("demo-") and a.password_hash == NO_PASSWORD for a in accounts)
        assert [a.active for a in accounts if a.role == "province"] == [False]
        assert sum(a.role == "firm" for a in accounts) == 4


def test_everything_is_labelled_synthetic(spotcheck_engine):
    with spotcheck_engine.connect() as conn:
        assert conn.execute(text("SELECT bool_and(synthetic), count(*) FROM inspection")).one()[0] is True
        assert conn.execute(text("SELECT bool_and(h.synthetic) FROM draw_house d JOIN house h ON h.id = d.house_id")).scalar()
        assert conn.execute(text("SELECT synthetic FROM dataset WHERE name = 'synthetic-demo-spotcheck'")).scalar() is True
        assert conn.execute(text("SELECT count(*) FROM inspection WHERE answers ->> 'remarks' LIKE '合成演示数据%'")).scalar() == \
            conn.execute(text("SELECT count(*) FROM inspection")).scalar()  # fmt: skip
        assert conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'demo_spotcheck_build'")).scalar() == 1


def test_every_synthetic_answer_set_passes_the_form(spotcheck_engine):
    from service.core.queries import SqlFiles

    registry_sql = SqlFiles("service.inspections").one("house_registry")
    form = forms.load_form("v1")
    with spotcheck_engine.connect() as conn:
        rows = conn.execute(text("SELECT i.draw_id, i.house_id, i.answers, i.summary, count(p.id) AS photos "
                                 "FROM inspection i LEFT JOIN inspection_photo p ON p.inspection_id = i.id "
                                 "GROUP BY i.id ORDER BY i.id")).all()  # fmt: skip
        assert len(rows) > 400
        for r in rows:
            reg = dict(conn.execute(registry_sql, {"draw_id": r.draw_id, "house_id": r.house_id}).mappings().one())
            reg = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in reg.items()}
            assert forms.validate(form, r.answers, reg, photo_count=r.photos) == [], r.house_id
            assert r.summary == forms.summary(form, r.answers, reg)


def test_statuses_visits_reviews_photos_and_times_are_plausible(spotcheck_engine):
    with spotcheck_engine.connect() as conn:
        drawn = conn.execute(text("SELECT count(*) FROM draw_house WHERE role = 'sample'")).scalar()
        status = dict(conn.execute(text("SELECT status, count(*) FROM inspection GROUP BY status")).all())
        assert 0.58 <= sum(status.values()) / drawn <= 0.72
        assert status["approved"] > status["submitted"] > status["returned"] > 0 and status["draft"] > 0
        visited = conn.execute(text("SELECT count(*) FROM field_assignment WHERE visited_at IS NOT NULL")).scalar()
        assert visited == status["approved"] + status["submitted"] + status["returned"]
        returns = conn.execute(text("SELECT count(*), bool_and(comment IS NOT NULL) FROM inspection_review WHERE action = 'return'")).one()
        assert returns == (status["returned"], True)
        times = conn.execute(text("SELECT min(opened_at), max(submitted_at), max(opened_distance_m) < 1000 FROM inspection")).one()
        assert dt.date(2026, 11, 1) <= times[0].date() and times[1].date() < TODAY and times[2]
        photo = conn.execute(text("SELECT content, exif_distance_m, taken_at FROM inspection_photo ORDER BY id LIMIT 1")).one()
        exif = read_exif(photo.content)
        assert exif.lon is not None and photo.exif_distance_m < 50 and exif.taken_at == photo.taken_at
        size = conn.execute(text("SELECT sum(size_bytes), max(size_bytes) FROM inspection_photo")).one()
        assert size[0] < 15_000_000 and size[1] < 20_000
        summaries = [s for (s,) in conn.execute(text("SELECT summary FROM inspection WHERE status <> 'draft'"))]
        assert 0.08 <= sum(s["record_accurate"] is False for s in summaries) / len(summaries) <= 0.22
        assert sum(s["collapse_risk"] for s in summaries) >= 3


def test_a_frame_held_by_draws_is_not_replaced(spotcheck_engine, demo_engine):
    from service.demo.build import frame_held

    with spotcheck_engine.connect() as conn:
        assert not frame_held(conn, DEMO_SPEC.seed, DEMO_SPEC.houses)  # the same frame: nothing to replace
        assert frame_held(conn, DEMO_SPEC.seed + 1, DEMO_SPEC.houses)  # another: the draw holds its houses
    with demo_engine.connect() as conn:
        assert not frame_held(conn, DEMO_SPEC.seed + 1, DEMO_SPEC.houses)  # no draw: the frame may be replaced
