"""The planners' part of the route matrix (test_route_matrix.py): the page /plans and a plan's seed
commitments; example requests as keyword arguments of ``Call`` (``EXAMPLES_PLANNER``). ``build_planner``
fixes one commitment of the world's plan (the draw that would use it is not made: the matrix's POST /draws
stays without one, as the CLI's)."""

from __future__ import annotations

from sqlalchemy.orm import Session

SOURCE = "中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖"


def build_planner(engine, plan_id: int, account_id: int) -> dict:
    """One seed commitment of the plan, fixed by the provincial office."""
    from service.audit.trail import Actor
    from service.draws.seeds import commit

    with Session(engine) as session:
        row = commit(session, plan_id, SOURCE, None, Actor(account_id, "矩阵测试"))
        session.commit()
        return {"seed_commitment": row.id}


EXAMPLES_PLANNER = {
    ("GET", "/plans"): lambda w, n, a: {"targeted": False},
    ("GET", "/api/v1/plans/{plan_id}/seed-commitments"): lambda w, n, a: {
        "targeted": False, "path": {"plan_id": w["plan"]}},
    ("POST", "/api/v1/plans/{plan_id}/seed-commitments"): lambda w, n, a: {
        "targeted": False, "path": {"plan_id": w["plan"]}, "ok": (201,), "json": {"source": SOURCE}},
}  # fmt: skip
