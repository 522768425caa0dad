"""Helpers of the questionnaire tests (service/evaluation/survey/): answer bodies built from the year's
definition, batches of resident links, and the rate limits reset before each test (many answers from one
test client's address in a minute is the test, not an abuse). The world is the follow-up world
(tests/evaluation/conftest.py): 第一组 (firm ``lead``) holds 城关区 620102 and 红古区 620111 of 兰州 620100,
第二组 (firm ``other``) 白银区 620402."""

from __future__ import annotations

import uuid

import pytest

from service.core import ratelimit
from service.evaluation.survey.definitions import definition_for

API = "/api/v1/evaluation/survey"
YEAR = 2026


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


def body(of: str, level: int | dict = 4, opens: dict | None = None, **more) -> dict:
    """A complete answer of group ``of``: the first option of every required question, every item rated
    ``level`` (or ``{key: level}``), the open answers given."""
    g = definition_for(YEAR)["groups"][of]
    basic = {q["key"]: q["options"][0] for q in g["basic"] if q.get("required")}
    ratings = {i["key"]: level if isinstance(level, int) else level[i["key"]] for i in g["items"]}
    return {"client_id": str(uuid.uuid4()), "basic": basic, "ratings": ratings, "needs": {},
            "open_answers": opens or {}, **more}  # fmt: skip


def batch(fu, who: str = "lead", unit: str = "620102", size: int = 3) -> dict:
    """A batch of resident links of ``unit`` made by ``who``, with its links."""
    r = fu.post(
        who, f"{API}/batches", json={"unit_code": unit, "year": YEAR, "size": size, "label": "测试批次"}
    )
    assert r.status_code == 201, r.text
    return r.json()


def token_of(link: dict) -> str:
    return link["token"]
