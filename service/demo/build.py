"""Build the synthetic demo spot check once: ``STEPS`` in order, in one transaction, with one audit row.

Only on a database whose houses are all synthetic and that holds the demo frame (``service.frame.demo``);
``SPOTCHECK_DEMO_ENABLED=false`` (no demo at all) or ``SPOTCHECK_DEMO_SPOTCHECK=false`` (the frame without
the spot check) turn it off. A ``dataset`` row named ``DATASET`` records that it was built, with its
seed, clock and draw; a second run finds it and does nothing ("current").
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from service.audit.trail import record
from service.core.queries import SqlFiles
from service.frame.demo import current_spec, has_real_houses

if TYPE_CHECKING:
    from service.demo.spotcheck import DemoContext

SQL = SqlFiles("service.demo")
DATASET = "synthetic-demo-spotcheck"

Step = Callable[[Session, "DemoContext"], str]


def steps() -> list[Step]:
    """The steps, in order; each takes the session and the shared context and says in a few words what it
    did. A new step is appended here; a demo built before it existed runs it at the next start (_catch_up).
    Imported here, not at the top: ``spotcheck serve`` finds a current demo without loading the draws,
    field work, photo and generator modules the steps need."""
    from service.demo.evaluation_review import evaluation_review
    from service.demo.evaluation_survey import evaluation_survey
    from service.demo.followup import followup
    from service.demo.inspections import inspections
    from service.demo.spotcheck import draw_and_teams, route_plans

    return [draw_and_teams, inspections, route_plans, followup, evaluation_review, evaluation_survey]


@dataclass(frozen=True)
class DemoSpotcheckReport:
    """What ``ensure_demo_spotcheck`` did: built (with each step's words), current, or skipped (why)."""

    state: str  # built, current, skipped
    detail: str
    seconds: float = 0.0

    def line(self) -> str:
        """The one line ``spotcheck serve`` prints."""
        if self.state == "built":
            return f"demo spot check (SYNTHETIC): {self.detail} in {self.seconds:.1f} s"
        return f"demo spot check (SYNTHETIC): {self.state} ({self.detail})"


def built(session: Session) -> dict | None:
    """The note of the demo spot check in the database, if it was built."""
    note = session.execute(text("SELECT note FROM dataset WHERE name = :n"), {"n": DATASET}).scalar()
    return json.loads(note) if note else None


def frame_held(conn, seed: int, houses: int) -> bool:
    """Whether a demo frame of another seed or size would have to replace houses that draws hold (the demo
    spot check's, or a user's): published draws are frozen, so the frame stays and a new one needs a new
    database."""
    spec = current_spec(conn)
    if spec is not None and (spec.get("seed"), spec.get("houses")) == (seed, houses):
        return False
    return bool(conn.execute(text(
        "SELECT EXISTS (SELECT 1 FROM draw_house AS d JOIN house AS h ON h.id = d.house_id WHERE h.synthetic)")).scalar())


def restored_context(session: Session, note: dict) -> DemoContext:
    """The context of a demo built earlier, from its note and its rows (firms, reviewers, inspectors)."""
    from service.demo.spotcheck import USER_PREFIX, DemoContext

    ctx = DemoContext(seed=note["seed"], today=dt.date.fromisoformat(note["today"]),
                      start=dt.date.fromisoformat(note["start"]), deadline=dt.date.fromisoformat(note["deadline"]),
                      plan_id=note["plan_id"], draw_id=note["draw_id"], counts=dict(note.get("counts") or {}))  # fmt: skip
    for r in session.execute(SQL.one("demo_restore_firms"), {"plan_id": ctx.plan_id, "prefix": USER_PREFIX + "%"}):
        ctx.firms[r.group_name] = r.firm_id
        if r.reviewer_id is not None:
            ctx.reviewers[r.firm_id] = r.reviewer_id
    for r in session.execute(SQL.one("demo_restore_inspectors"), {"plan_id": ctx.plan_id, "prefix": USER_PREFIX + "%"}):
        ctx.inspectors[r.team_id] = r.account_id
    return ctx


def _catch_up(session: Session, note: dict, started: float) -> DemoSpotcheckReport:
    """A demo built before a later step existed: run the steps it lacks (in order, in one transaction), so
    that ``make run`` on an existing database shows what a new one would. Otherwise current."""
    done = set(note.get("steps") or [])
    missing = [step for step in steps() if step.__name__ not in done]
    if not missing:
        return DemoSpotcheckReport("current", f"draw {note['draw_id']}, built {note['today']}")
    from service.demo.spotcheck import ACTOR

    ctx = restored_context(session, note)
    words = [step(session, ctx) for step in missing]
    note = {**note, "counts": ctx.counts, "steps": [*note.get("steps", []), *(s.__name__ for s in missing)]}
    session.execute(text("UPDATE dataset SET note = :note WHERE name = :n"),
                    {"n": DATASET, "note": json.dumps(note, ensure_ascii=False)})  # fmt: skip
    record(session, ACTOR, "demo_spotcheck_catch_up", "draw", ctx.draw_id,
           detail={"steps": [s.__name__ for s in missing]})  # fmt: skip
    session.commit()
    return DemoSpotcheckReport("built", "caught up: " + "; ".join(words), time.perf_counter() - started)


def ensure_demo_spotcheck(engine: Engine, seed: int, today: dt.date | None = None) -> DemoSpotcheckReport:
    """Build the demo spot check unless it is there, or the database holds real houses or no demo frame."""
    started = time.perf_counter()
    with Session(engine) as session:
        note = built(session)
        if note is not None:
            return _catch_up(session, note, started)
        if has_real_houses(session.connection()):
            return DemoSpotcheckReport("skipped", "the database holds imported houses")
        if current_spec(session.connection()) is None:
            return DemoSpotcheckReport("skipped", "no demo frame")
        from service.demo.spotcheck import ACTOR, new_context

        ctx = new_context(seed, today)
        run = steps()
        words = [step(session, ctx) for step in run]
        note = {"seed": seed, "today": ctx.today.isoformat(), "start": ctx.start.isoformat(),
                "deadline": ctx.deadline.isoformat(), "plan_id": ctx.plan_id, "draw_id": ctx.draw_id,
                "counts": ctx.counts, "steps": [s.__name__ for s in run]}  # fmt: skip
        session.execute(SQL.one("demo_spotcheck_dataset"), {
            "n": DATASET, "v": f"seed {seed}", "vintage": f"as of {ctx.today.isoformat()}",
            "note": json.dumps(note, ensure_ascii=False)})  # fmt: skip
        record(session, ACTOR, "demo_spotcheck_build", "draw", ctx.draw_id, detail=note)
        session.commit()
    return DemoSpotcheckReport("built", "; ".join(words), time.perf_counter() - started)
