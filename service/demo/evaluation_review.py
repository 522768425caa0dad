"""The demo's document review (查阅资料): for every county of the demo's draw, the firm of its group scores
the year's checklist item by item with a comment, and the county office has sent a few evidence files.
Scores gather around a level per county (some counties do better than others), a few counties are still
partly unscored (a review in progress), and every score, comment and file is synthetic: the rows say so
(``synthetic``), the comments and file contents say "合成", and the API and page show it. Reproducible from
the demo's seed."""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.accounts.scope import Scope
from service.evaluation.review import service as S
from service.evaluation.review.evidence import PDF, CheckedFile
from service.evaluation.review.schemas import ScoreIn

if TYPE_CHECKING:
    from service.demo.spotcheck import DemoContext

PARTLY_SCORED_SHARE = 0.2  # of the counties: one to three items not scored yet
EVIDENCE_SHARE = 0.5  # of the counties: evidence files for two or three items
COMMENTS = (
    (85, "材料齐全，台账清晰，落实到位（合成）。"),
    (70, "材料基本齐全，个别台账更新不及时（合成）。"),
    (55, "材料不完整，部分工作缺少佐证（合成）。"),
    (0, "材料缺失较多，需补充完善（合成）。"),
)


def _comment(score: float) -> str:
    return next(words for floor, words in COMMENTS if score >= floor)


def synthetic_pdf(title: str) -> bytes:
    """A one-page PDF saying that it is synthetic (ASCII text: the viewer's fonts do not matter)."""
    words = (
        f"SYNTHETIC DEMO EVIDENCE - {title}".encode("ascii", "replace")
        .replace(b"(", b"[")
        .replace(b")", b"]")
    )
    stream = b"BT /F1 14 Tf 72 720 Td (" + words + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _firm(session: Session, account_id: int, units: frozenset[str], group: str) -> Principal:
    name = session.scalar(text("SELECT name FROM account WHERE id = :a"), {"a": account_id}) or group
    scope = Scope(everything=False, units=units, label=group)
    return Principal(account_id, f"demo-firm-{account_id}", name, group, Role.FIRM, scope, via="demo")


def evaluation_review(session: Session, ctx: DemoContext) -> str:
    """Scores with comments for every drawn county's checklist items, and a few evidence files."""
    from service.demo.followup import _county

    year = session.scalar(text("SELECT year FROM sampling_plan WHERE id = :p"), {"p": ctx.plan_id})
    rows = session.execute(text("SELECT unit_code, group_name FROM draw_unit WHERE draw_id = :d ORDER BY unit_code"),
                           {"d": ctx.draw_id}).all()  # fmt: skip
    by_group: dict[str, set[str]] = {}
    for unit, group in rows:
        by_group.setdefault(group, set()).add(unit)
    firms = {g: _firm(session, ctx.reviewers[ctx.firms[g]], frozenset(u), g) for g, u in by_group.items()}
    rng = random.Random(f"{ctx.seed}:evaluation_review")
    counties: dict[str, Principal] = {}
    checklist = S.ensure_checklist(session, firms[rows[0][1]].actor, year) if rows else None
    items = S.items(session, checklist) if checklist else []
    scores = files = 0
    for unit, group in rows:
        level = rng.uniform(58, 92)
        skip = (
            set(rng.sample([i.key for i in items], rng.randint(1, 3)))
            if rng.random() < PARTLY_SCORED_SHARE
            else set()
        )
        for item in items:
            if item.key in skip:
                continue
            score = round(min(100.0, max(20.0, rng.gauss(level, 9))) * 2) / 2
            S.put_score(session, firms[group], year, unit, item.key, ScoreIn(score=score, comment=_comment(score)),
                        synthetic=True)  # fmt: skip
            scores += 1
        if rng.random() < EVIDENCE_SHARE:
            county = _county(session, unit, counties)
            for item in rng.sample(items, rng.randint(2, 3)):
                content = synthetic_pdf(f"{unit} {item.key}")
                f = CheckedFile(
                    f"{item.title[:12]}佐证材料（合成）.pdf",
                    PDF,
                    content,
                    hashlib.sha256(content).hexdigest(),
                )
                S.add_evidence(session, county, year, unit, item.key, f, synthetic=True)
                files += 1
    ctx.counts.update({"review_scores": scores, "review_evidence": files})
    return f"document review of {len(rows)} counties ({scores} item scores, {files} evidence files)"
