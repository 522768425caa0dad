"""The questionnaire part of the route matrix's world (matrix_world.py): in UNIT, a batch of resident links
(a pool of tokens, one per call of the public answer) and one paper answer, so that results, charts and
lists have something of UNIT to show or to withhold; and the example requests of the survey's routes
(``EXAMPLES_SURVEY``: keyword arguments of the matrix's ``Call``)."""

from __future__ import annotations

import itertools
import json
import uuid

from sqlalchemy import text

YEAR = 2026
API = "/api/v1/evaluation/survey"
BATCH_LABEL = "矩阵问卷批次"
PAPER_REF = "矩阵纸质问卷"
POOL = 80
_tokens = itertools.count()


def _answer(of: str, level: int = 4, **more) -> dict:
    from service.evaluation.survey.definitions import definition_for

    g = definition_for(YEAR)["groups"][of]
    return {"client_id": str(uuid.uuid4()), "basic": {q["key"]: q["options"][0] for q in g["basic"] if q.get("required")},
            "ratings": {i["key"]: level for i in g["items"]}, **more}  # fmt: skip


def build_survey(engine, unit: str, account_id: int) -> dict:
    """The batch with its pool of tokens and one paper answer of residents in ``unit``."""
    ratings = _answer("resident")["ratings"]
    with engine.begin() as conn:
        city = conn.execute(
            text("SELECT city_code FROM sampling_unit WHERE code = :u"), {"u": unit}
        ).scalar_one()
        batch = conn.execute(text(
            "INSERT INTO survey_batch (year, unit_code, city_code, label, size, created_by_account_id) "
            "VALUES (:y, :u, :c, :l, :n, :a) RETURNING id"),
            {"y": YEAR, "u": unit, "c": city, "l": BATCH_LABEL, "n": POOL, "a": account_id}).scalar_one()  # fmt: skip
        tokens = [f"matrix-survey-token-{i:04d}" for i in range(POOL)]
        conn.execute(text("INSERT INTO survey_token (batch_id, token, year, unit_code) VALUES (:b, :t, :y, :u)"),
                     [{"b": batch, "t": t, "y": YEAR, "u": unit} for t in tokens])  # fmt: skip
        conn.execute(text(
            "INSERT INTO survey_response (year, definition_year, respondent_group, unit_code, city_code, channel, "
            "entered_by_account_id, ratings, paper_ref) VALUES (:y, 2024, 'resident', :u, :c, 'paper', :a, "
            "CAST(:r AS jsonb), :p)"),
            {"y": YEAR, "u": unit, "c": city, "a": account_id, "r": json.dumps(ratings), "p": PAPER_REF})  # fmt: skip
    return {"survey_batch": batch, "survey_tokens": tokens}


def _fresh_token(w) -> str:
    return w["survey_tokens"][next(_tokens) % POOL]


def _new_token(w) -> str:
    """Another link of the world's batch, made for one call (stopping it leaves the pool alone)."""
    token = f"matrix-revoke-token-{next(_tokens):05d}"
    with w["db"].begin() as conn:
        conn.execute(text("INSERT INTO survey_token (batch_id, token, year, unit_code) "
                          "SELECT id, :t, year, unit_code FROM survey_batch WHERE id = :b"),
                     {"t": token, "b": w["survey_batch"]})  # fmt: skip
    return token


EXAMPLES_SURVEY = {
    ("GET", f"{API}/definitions"): lambda w, n, a: {"targeted": False},
    ("GET", f"{API}/definitions/{{year}}"): lambda w, n, a: {"path": {"year": YEAR}, "targeted": False},
    ("GET", f"{API}/public/{{token}}"): lambda w, n, a: {
        "path": {"token": w["survey_tokens"][0]},
        "targeted": False,
    },
    ("POST", f"{API}/public/{{token}}"): lambda w, n, a: {
        "path": {"token": _fresh_token(w)},
        "json": _answer("resident"),
        "targeted": False,
        "ok": (201,),
    },
    ("GET", f"{API}/answers/mine"): lambda w, n, a: {"params": {"year": YEAR}, "targeted": False},
    ("POST", f"{API}/answers"): lambda w, n, a: {
        "json": _answer("official", group="official", year=YEAR, unit_code=w["unit"]),
        "ok": (201,),
    },
    ("POST", f"{API}/paper"): lambda w, n, a: {
        "json": _answer("staff", group="staff", year=YEAR, unit_code=w["unit"]),
        "ok": (201,),
    },
    ("GET", f"{API}/answers"): lambda w, n, a: {
        "params": {"year": YEAR},
        "targeted": False,
        "absent": PAPER_REF,
    },
    ("POST", f"{API}/batches"): lambda w, n, a: {
        "json": {"unit_code": w["unit"], "year": YEAR, "size": 2},
        "ok": (201,),
    },
    ("GET", f"{API}/units"): lambda w, n, a: {"targeted": False, "absent": w["unit"]},
    ("GET", f"{API}/batches"): lambda w, n, a: {"targeted": False, "absent": BATCH_LABEL},
    ("GET", f"{API}/batches/{{batch_id}}"): lambda w, n, a: {"path": {"batch_id": w["survey_batch"]}},
    ("GET", f"{API}/batches/{{batch_id}}/sheet"): lambda w, n, a: {"path": {"batch_id": w["survey_batch"]}},
    ("POST", f"{API}/batches/{{batch_id}}/revoke"): lambda w, n, a: {
        "path": {"batch_id": w["survey_batch"]}, "json": {"tokens": [_new_token(w)]}},
    ("GET", f"{API}/results"): lambda w, n, a: {
        "params": {"year": YEAR},
        "targeted": False,
        "absent": w["unit"],
    },
    ("GET", f"{API}/results/{{unit}}/chart.png"): lambda w, n, a: {
        "path": {"unit": w["unit"]},
        "params": {"year": YEAR},
    },  # fmt: skip
    ("GET", "/survey"): lambda w, n, a: {"targeted": False},
    ("GET", "/evaluation/survey"): lambda w, n, a: {"targeted": False},
}
