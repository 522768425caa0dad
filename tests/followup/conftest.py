"""The follow-up world: the field world (tests/fieldwork/conftest.py) with the offices that act on the
findings: 兰州's city office (620100) and two of its county offices (城关区 620102, 红古区 620111), 白银's city
office (620400) and county office (白银区 620402), and a city leader of 兰州. ``approved(...)`` stores an
approved inspection of a drawn house with the summary given (as SQL: the form itself is tried in
tests/inspections)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _new_database, _serve, _template, _test_client
from tests.factories import make_account
from tests.fieldwork.conftest import Field, field_template  # noqa: F401
from tests.filemakers import jpeg_with_exif

OFFICES = {  # name: (role, scope_code)
    "city": ("city", "620100"),
    "city_by": ("city", "620400"),
    "county": ("county", "620102"),
    "county_hg": ("county", "620111"),
    "county_by": ("county", "620402"),
    "leader": ("leader", "620100"),
}
SERIOUS = {"record_accurate": False, "record_mismatches": ["floors"], "hazard_correct": False,
           "hazard_determination": "serious", "rectification_observed": "pending", "paper_rectification": True,
           "missed_houses": 0, "collapse_risk": False, "platform_updated": False}  # fmt: skip
COLLAPSE = {**SERIOUS, "collapse_risk": True}


def _build(engine) -> dict:
    accounts = {name: make_account(engine, name.replace("_", "-"), role, scope_code=code).__dict__
                for name, (role, code) in OFFICES.items()}  # fmt: skip
    with engine.connect() as conn:
        baiyin = conn.execute(text(
            "SELECT dh.house_id FROM draw_house AS dh JOIN draw AS d ON d.id = dh.draw_id "
            "WHERE dh.unit_code = '620402' AND d.status = 'published' ORDER BY dh.house_id")).scalars().all()  # fmt: skip
    return {"accounts": accounts, "baiyin": list(baiyin)}


@pytest.fixture(scope="session")
def followup_template(pg_server, field_template):  # noqa: F811
    extra = []

    def build(engine):
        extra.append(_build(engine))
        return extra[0]

    for name, made in _template(pg_server, f"{field_template[0]}_followup", field_template[0], build):
        world = {**field_template[1], "accounts": {**field_template[1]["accounts"], **made["accounts"]},
                 "baiyin": made["baiyin"]}  # fmt: skip
        yield name, world


@dataclass
class Followup(Field):
    """A test's copy of the follow-up world (``Field``'s helpers) with ``approved`` inspections on demand."""

    def approved(
        self, house_id: int, summary: dict | None = None, unit: str | None = None, answers=None
    ) -> int:
        """An approved inspection of drawn house ``house_id`` with ``summary`` and one photo; its id."""
        w = self.world
        with self.engine.begin() as conn:
            team, unit_code = conn.execute(text(
                "SELECT COALESCE((SELECT team_id FROM field_assignment WHERE draw_id = :d AND house_id = :h), :t), "
                "unit_code FROM draw_house WHERE draw_id = :d AND house_id = :h"),
                {"d": w["draw"], "h": house_id, "t": w["teams"]["甲组"]}).one()  # fmt: skip
            inspection = conn.execute(text(
                "INSERT INTO inspection (client_id, draw_id, house_id, team_id, unit_code, form_version, status, "
                "answers, summary, submitted_at, created_by_account_id, updated_by_account_id) VALUES "
                "(:c, :d, :h, :t, :u, 'v1', 'approved', CAST(:a AS jsonb), CAST(:s AS jsonb), now(), :by, :by) "
                "RETURNING id"),
                {"c": uuid.uuid4(), "d": w["draw"], "h": house_id, "t": team, "u": unit or unit_code,
                 "a": json.dumps(answers or {"floors_observed": 5, "hazard_note": "墙体开裂<b>严重</b>"}),
                 "s": json.dumps(summary or SERIOUS), "by": w["accounts"]["i1"]["id"]}).scalar_one()  # fmt: skip
            conn.execute(text(
                "INSERT INTO inspection_photo (client_id, inspection_id, content, content_type, sha256, size_bytes, "
                "width, height, caption, uploaded_by_account_id) VALUES (gen_random_uuid(), :i, :b, 'image/jpeg', "
                "repeat('0', 64), 10, 64, 48, '外墙裂缝', :by)"),
                {"i": inspection, "b": jpeg_with_exif(), "by": w["accounts"]["i1"]["id"]})  # fmt: skip
        return inspection

    def issue(self, who: str, inspection: int, days: int = 30, **more):
        from service.followup.service import today

        deadline = today() + dt.timedelta(days=days)
        return self.post(
            who,
            "/api/v1/followup/notices",
            json={"inspection_id": inspection, "deadline": deadline.isoformat(), **more},
        )


@pytest.fixture
def followup_url(pg_server, followup_template):
    yield from _new_database(pg_server, followup_template[0])


@pytest.fixture
def fu(followup_url, followup_template):
    engine = create_engine(followup_url)
    for client in _test_client(followup_url, as_admin=False):
        yield Followup(client, engine, followup_template[1])
    engine.dispose()


@pytest.fixture
def followup_server(followup_url, followup_template):
    """The app on a loopback port on a copy of the follow-up world: ``(base_url, world, engine)``."""
    engine = create_engine(followup_url)
    for base in _serve(followup_url):
        yield base, followup_template[1], Followup(None, engine, followup_template[1])
    engine.dispose()
