"""Fixtures of the key figures' tests (service/evaluation/figures.py): the follow-up world
(tests/followup/conftest.py: a published draw of 城关区 620102 and 红古区 620111 (兰州 620100) and 白银区
620402 (白银 620400) on the synthetic demo frame, the firms, teams, offices and a leader of 兰州), and
``findings(fu)`` which stores approved inspections and notices in every state, computed independently
by the tests from the tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from tests.followup.conftest import COLLAPSE, SERIOUS

GOOD = {"record_accurate": True, "record_mismatches": [], "hazard_correct": True, "hazard_determination": "general",
        "rectification_observed": "done", "paper_rectification": False, "missed_houses": 1, "collapse_risk": False,
        "platform_updated": True}  # fmt: skip


def findings(fu) -> dict:
    """Approved inspections in all three units (good, serious, collapse) and notices: 兰州 two open (one of
    them overdue), one closed; 白银 one open. Returns the inspection ids per unit."""
    h = fu.world["houses"]
    with fu.engine.connect() as conn:  # 白银区's sampled houses (the world's "baiyin" holds replacements too)
        by = conn.execute(text("SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = '620402' "
                               "AND role = 'sample' ORDER BY house_id"), {"d": fu.world["draw"]}).scalars().all()  # fmt: skip
    got = {
        "620102": [fu.approved(h["甲组"][0], SERIOUS), fu.approved(h["甲组"][1], GOOD), fu.approved(h["甲组"][2], COLLAPSE)],
        "620111": [fu.approved(h["乙组"][0], SERIOUS), fu.approved(h["乙组"][1], GOOD)],
        "620402": [fu.approved(by[0], SERIOUS), fu.approved(by[1], GOOD)],
    }  # fmt: skip
    notices = [fu.issue("city", got["620102"][0]), fu.issue("city", got["620102"][2]),
               fu.issue("city", got["620111"][0]), fu.issue("city_by", got["620402"][0])]  # fmt: skip
    assert all(r.status_code in (200, 201) for r in notices), [r.text[:200] for r in notices]
    ids = [r.json()["id"] for r in notices]
    with fu.engine.begin() as conn:
        past = dt.date.today() - dt.timedelta(days=40)
        conn.execute(text("UPDATE notice SET deadline = :d, issued_on = :i WHERE id = :n"),
                     {"d": past + dt.timedelta(days=10), "i": past, "n": ids[0]})  # fmt: skip
        conn.execute(
            text("UPDATE notice SET status = 'closed', closed_at = now() WHERE id = :n"), {"n": ids[2]}
        )
    return got
