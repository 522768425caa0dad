"""The document review's rules: a year's checklist loaded from its file, the province's weights, the county
office's evidence, the firm's scores.

**Checklists are data.** ``checklists/<year>.json`` (title, source, items with key, title, guidance, weight)
is loaded into ``review_checklist``/``review_item`` the first time the year is used; a year without a file of
its own takes the newest earlier file (the checklist carries over until a new year's file is added). Once
loaded, the province changes a year's weights through the API; the items themselves change by a new file.

**Weights** are positive and sum to 100 (a change that leaves another sum is refused, nothing normalised),
so a weight reads as the item's share of the total in percent.

**Who writes what.** The county office uploads evidence for its own county only; the firm scores the
counties of its group only (``Scope.require_unit``); the county must be drawn in a published draw of the
year. Scores and weights carry a version: a change made from an older version is a 409, never an overwrite.
Evidence sent by mistake is withdrawn by its county office until the item is scored (then it stays as it
was scored); a withdrawn file is kept but no longer listed. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from importlib.resources import files

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.accounts.deps import Principal
from service.audit.trail import Actor, record
from service.core.errors import Conflict, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.evaluation.review.evidence import CheckedFile
from service.evaluation.review.models import ReviewChecklist, ReviewEvidence, ReviewItem, ReviewScore
from service.evaluation.review.schemas import ScoreIn, WeightsIn

SQL = SqlFiles("service.evaluation.review")
TOTAL_WEIGHT = Decimal(100)
CHECKLISTS = "checklists"


def checklist_files() -> dict[int, str]:
    """The checklist files shipped with the service: year → file name."""
    folder = files("service.evaluation.review") / CHECKLISTS
    return {
        int(f.name[:4]): f.name for f in folder.iterdir() if f.name[:4].isdigit() and f.name.endswith(".json")
    }


@cache
def _definition(name: str) -> dict:
    return json.loads((files("service.evaluation.review") / CHECKLISTS / name).read_text(encoding="utf-8"))


def definition_for(year: int) -> dict | None:
    """The checklist file that applies to ``year`` (its own, else the newest earlier one), checked."""
    years = [y for y in checklist_files() if y <= year]
    if not years:
        return None
    spec = _definition(checklist_files()[max(years)])
    check_weights({i["key"]: Decimal(str(i["weight"])) for i in spec["items"]})
    return spec


def check_weights(weights: dict[str, Decimal]) -> None:
    """Every weight positive, the sum 100 (InvalidInput otherwise)."""
    bad = sorted(k for k, w in weights.items() if w <= 0)
    if bad:
        raise InvalidInput(f"权重必须大于 0：{'、'.join(bad)}。", f"Weights must be positive: {bad}.")
    total = sum(weights.values(), Decimal(0))
    if total != TOTAL_WEIGHT:
        raise InvalidInput(f"各项权重之和须为 100，现为 {total:g}。", f"The weights sum to {total}, not 100.")


def ensure_checklist(session: Session, actor: Actor, year: int) -> ReviewChecklist:
    """The year's checklist, loaded from its file the first time (audited); 404 when no file applies."""
    found = session.scalar(select(ReviewChecklist).where(ReviewChecklist.year == year))
    if found is not None:
        return found
    spec = definition_for(year)
    if spec is None:
        raise NotFound(f"没有 {year} 年的资料查阅清单。", f"No document review checklist for {year}.")
    new_id = session.execute(SQL.one("review_checklist_insert"),
                             {"year": year, "title": spec["title"], "source": spec["source"]}).scalar()  # fmt: skip
    if new_id is not None:  # loaded here (else a concurrent request did, and its rows are read below)
        for position, item in enumerate(spec["items"], start=1):
            session.add(ReviewItem(checklist_id=new_id, key=item["key"], position=position, title=item["title"],
                                   guidance=item.get("guidance", ""), weight=Decimal(str(item["weight"]))))  # fmt: skip
        session.flush()
        record(session, actor, "review_checklist_load", "review_checklist", new_id,
               detail={"year": year, "items": len(spec["items"])})  # fmt: skip
    return session.scalars(select(ReviewChecklist).where(ReviewChecklist.year == year)).one()


def items(session: Session, checklist: ReviewChecklist) -> list[ReviewItem]:
    """The checklist's items in order."""
    query = select(ReviewItem).where(ReviewItem.checklist_id == checklist.id).order_by(ReviewItem.position)
    return list(session.scalars(query))


def set_weights(session: Session, principal: Principal, year: int, body: WeightsIn) -> ReviewChecklist:
    """Change weights of the year's checklist (the province); the result must be valid as a whole."""
    checklist = ensure_checklist(session, principal.actor, year)
    session.refresh(checklist, with_for_update=True)
    if body.version != checklist.version:
        raise Conflict(f"清单权重已被他人修改（当前第 {checklist.version} 版，您的修改基于第 {body.version} 版），"
                       "请刷新后再改。", f"Stale version: {checklist.version}, not {body.version}.")  # fmt: skip
    rows = {i.key: i for i in items(session, checklist)}
    unknown = sorted(set(body.weights) - set(rows))
    if unknown:
        raise InvalidInput(f"清单中没有这些项目：{'、'.join(unknown)}。", f"Unknown items: {unknown}.")
    before = {k: float(i.weight) for k, i in rows.items()}
    after = {k: Decimal(str(round(body.weights.get(k, i.weight), 2))) for k, i in rows.items()}
    check_weights(after)
    for key, item in rows.items():
        item.weight = after[key]
    checklist.version += 1
    checklist.updated_at = func.now()
    checklist.updated_by_account_id = principal.account_id
    session.flush()
    record(session, principal.actor, "review_weights", "review_checklist", checklist.id,
           detail={"year": year, "before": before, "after": {k: float(v) for k, v in after.items()},
                   "version": checklist.version})  # fmt: skip
    return checklist


def reviewed_unit(session: Session, principal: Principal, year: int, unit_code: str) -> dict:
    """The county (in scope: 403 otherwise) drawn in a published draw of ``year`` (404 otherwise)."""
    principal.scope.require_unit(unit_code)
    row = session.execute(SQL.one("review_units"),
                          {**principal.scope.params(), "year": year, "unit_code": unit_code}).mappings().first()  # fmt: skip
    if row is None:
        raise NotFound(
            f"县区 {unit_code} 不在 {year} 年的抽查范围内。", f"Unit {unit_code} is not drawn in {year}."
        )
    return dict(row)


def item_of(session: Session, checklist: ReviewChecklist, key: str) -> ReviewItem:
    """One item of the checklist by key (404)."""
    item = session.scalar(
        select(ReviewItem).where(ReviewItem.checklist_id == checklist.id, ReviewItem.key == key)
    )
    if item is None:
        raise NotFound(f"{checklist.year} 年的资料查阅清单中没有“{key}”这一项。", f"No item {key!r}.")
    return item


def add_evidence(
    session: Session, principal: Principal, year: int, unit_code: str, key: str, f: CheckedFile,
    *, synthetic: bool = False,
) -> ReviewEvidence:  # fmt: skip
    """Store a checked file as evidence of item ``key`` for the county (the county office's own)."""
    reviewed_unit(session, principal, year, unit_code)
    item = item_of(session, ensure_checklist(session, principal.actor, year), key)
    row = ReviewEvidence(item_id=item.id, unit_code=unit_code, filename=f.filename, content_type=f.content_type,
                         content=f.content, sha256=f.sha256, size_bytes=f.size_bytes, synthetic=synthetic,
                         uploaded_by_account_id=principal.account_id)  # fmt: skip
    session.add(row)
    session.flush()
    record(session, principal.actor, "review_evidence", "review_evidence", row.id,
           detail={"year": year, "unit_code": unit_code, "item": key, "filename": f.filename,
                   "sha256": f.sha256, "size_bytes": f.size_bytes})  # fmt: skip
    return row


def _lock_item(session: Session, item_id: int, unit_code: str) -> None:
    """Serialise scoring and withdrawing evidence of one item of one county (until the transaction ends)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('review_item:' || :i || ':' || :u))"),
                    {"i": str(item_id), "u": unit_code})  # fmt: skip


def withdraw_evidence(session: Session, principal: Principal, evidence_id: int) -> tuple[int, str]:
    """The county office withdraws a file of its county (not the item's once scored: 409). Returns the
    year and county of the file. The file is kept with the account and time of the withdrawal."""
    row = get_evidence(session, principal, evidence_id)
    item = session.get(ReviewItem, row.item_id)
    year = session.get(ReviewChecklist, item.checklist_id).year
    _lock_item(session, row.item_id, row.unit_code)
    session.refresh(row, with_for_update=True)
    if row.withdrawn_at is not None:
        raise NotFound(f"佐证材料“{row.filename}”已撤回。", f"Evidence {evidence_id} was withdrawn.")
    scored = session.scalar(select(ReviewScore.id).where(ReviewScore.item_id == row.item_id,
                                                         ReviewScore.unit_code == row.unit_code))  # fmt: skip
    if scored is not None:
        raise Conflict(f"“{item.title}”已由第三方机构评分，其佐证材料“{row.filename}”不能撤回；"
                       "如有错误，请上传更正的材料并说明。", f"Item {item.key} is scored; its evidence stays.")  # fmt: skip
    row.withdrawn_at = dt.datetime.now(dt.UTC)
    row.withdrawn_by_account_id = principal.account_id
    session.flush()
    record(session, principal.actor, "review_evidence_withdraw", "review_evidence", row.id,
           detail={"year": year, "unit_code": row.unit_code, "item": item.key, "filename": row.filename,
                   "sha256": row.sha256})  # fmt: skip
    return year, row.unit_code


def put_score(
    session: Session, principal: Principal, year: int, unit_code: str, key: str, body: ScoreIn,
    *, synthetic: bool = False,
) -> ReviewScore:  # fmt: skip
    """Score item ``key`` of the county (a county of the firm's group); versioned."""
    reviewed_unit(session, principal, year, unit_code)
    item = item_of(session, ensure_checklist(session, principal.actor, year), key)
    _lock_item(session, item.id, unit_code)  # a withdrawal of its evidence waits, then sees the score
    row = session.scalar(select(ReviewScore).where(ReviewScore.item_id == item.id, ReviewScore.unit_code == unit_code)
                         .with_for_update())  # fmt: skip
    current = row.version if row is not None else None
    if body.version != current:
        now = f"当前第 {current} 版" if current else "该项尚未评分"
        raise Conflict(f"该项评分已被他人修改（{now}，您的修改基于第 {body.version or '—'} 版），请刷新后再提交。"
                       "您填写的内容仍保留在页面上。", f"Stale version: {current}, not {body.version}.")  # fmt: skip
    before = None if row is None else {"score": float(row.score), "comment": row.comment}
    if row is None:
        row = ReviewScore(
            item_id=item.id, unit_code=unit_code, version=1, scored_by_account_id=principal.account_id
        )
    else:
        row.version += 1
    row.score = Decimal(str(round(body.score, 2)))
    row.comment = body.comment
    row.synthetic = synthetic
    row.scored_by_account_id = principal.account_id
    row.scored_at = dt.datetime.now(dt.UTC)
    if row.version == 1:  # a first score: another may be inserting the same one at this moment
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            raise Conflict("该项刚刚已由他人首次评分，请刷新后再提交。您填写的内容仍保留在页面上。",
                           "The item was scored by someone else meanwhile.") from None  # fmt: skip
    session.flush()
    record(session, principal.actor, "review_score", "review_score", row.id,
           detail={"year": year, "unit_code": unit_code, "item": key, "before": before,
                   "after": {"score": float(row.score), "comment": row.comment}, "version": row.version})  # fmt: skip
    return row


def get_evidence(session: Session, principal: Principal, evidence_id: int) -> ReviewEvidence:
    """An evidence file the caller may see (404 if none, 403 outside the scope)."""
    row = session.get(ReviewEvidence, evidence_id)
    if row is None:
        raise NotFound(f"未找到编号为 {evidence_id} 的佐证材料。", f"No evidence {evidence_id}.")
    principal.scope.require_unit(row.unit_code)
    return row


def current_evidence(session: Session, principal: Principal, evidence_id: int) -> ReviewEvidence:
    """``get_evidence``, and 404 for a withdrawn file (kept, but no longer given out)."""
    row = get_evidence(session, principal, evidence_id)
    if row.withdrawn_at is not None:
        raise NotFound(f"佐证材料“{row.filename}”已由县区撤回。", f"Evidence {evidence_id} was withdrawn.")
    return row
