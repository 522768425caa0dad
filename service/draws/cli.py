"""The draw's commands: ``spotcheck plan`` and ``spotcheck draw``; acting accounts named with ``--by``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service.core.cli import session_for
from service.core.settings import Settings


def _cmd_plan_create(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.plans import create_plan, parse_spec, preset

    with session_for(settings) as session:
        actor = actor_for(session, args.by, Permission.PLAN)
        if args.preset:
            plan = create_plan(session, preset(args.preset), source=f"preset:{args.preset}")
        else:
            plan = create_plan(
                session, parse_spec(Path(args.file).read_text(encoding="utf-8-sig")), source=args.file
            )
        record(session, actor, "plan_create", "sampling_plan", plan.id, detail={"sha256": plan.spec_sha256})
        session.commit()
        print(f"plan {plan.id}: {plan.name} (sha256 {plan.spec_sha256[:16]})")
    return 0


def _cmd_plan_list(args: argparse.Namespace, settings: Settings) -> int:
    from service.draws.plans import list_plans

    with session_for(settings) as session:
        for p in list_plans(session):
            print(f"{p.id}\t{p.year}\t{p.name}\t{p.source}\t{p.spec_sha256[:16]}")
    return 0


def _cmd_plan_seed(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt

    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.core.errors import InvalidInput
    from service.draws.seeds import CHINA, commit

    try:
        public_at = dt.datetime.fromisoformat(args.public_at) if args.public_at else None
    except ValueError:
        raise InvalidInput(f"公布时间“{args.public_at}”无法识别，请写作 2024-10-21 21:30（北京时间）。",
                           f"Cannot read the time {args.public_at!r}.") from None  # fmt: skip
    with session_for(settings) as session:
        actor = actor_for(session, args.by, Permission.DRAW)
        row = commit(session, args.plan, args.source, public_at, actor)
        session.commit()
        public = row.public_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if row.public_at else "not given"
        print(f"seed commitment {row.id} of plan {args.plan}: {row.source}")
        print(f"  fixed at {row.fixed_at.astimezone(CHINA):%Y-%m-%d %H:%M:%S} (Beijing, server time) by {row.actor};"
              f" value public from {public}")  # fmt: skip
        print(f"  draw with: spotcheck draw units {args.plan} --seed VALUE --commitment {row.id} --by USER")
    return 0


def _cmd_plan_seeds(args: argparse.Namespace, settings: Settings) -> int:
    from service.draws.seeds import CHINA, commitments

    with session_for(settings) as session:
        for c in commitments(session, args.plan):
            used = f"used by draw {c['used_by_draw_id']}" if c["used_by_draw_id"] else "unused"
            print(f"{c['id']}\t{c['fixed_at'].astimezone(CHINA):%Y-%m-%d %H:%M:%S}\t{c['fixed_by']}\t{used}\t{c['source']}")
    return 0


def _print_draw(session, draw_id: int) -> None:
    from service.accounts.scope import EVERYTHING
    from service.draws.queries import summary

    d = summary(session, EVERYTHING, draw_id)
    print(
        f"draw {d['id']} of plan {d['plan_id']}: {d['status']}, seed {d['seed']!r}, {d['algorithm_version']}"
    )
    if d["frame_digest"]:
        print(f"  frame: {d['frame_size']:,} hazardous houses, sha256 {d['frame_digest']}")
    if d["result_digest"]:
        print(f"  result sha256 {d['result_digest']}")
    for u in d["units"]:
        drawn = (
            f", {u['houses_drawn']} houses ({u['commercial_drawn']} commercial)" if u["houses_drawn"] else ""
        )
        short = "; ".join(s.get("reason_zh", "") for s in u["shortfalls"])
        print(f"  {u['city_name']} {u['unit_name']} {u['unit_code']} [{u['reason']}, p={u['inclusion_probability']:.3f}]"
              f"{drawn}{' — ' + short if short else ''}")  # fmt: skip


def _cmd_draw_units(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.draws.seeds import county_draw

    with session_for(settings) as session:
        actor = actor_for(session, args.by, Permission.DRAW)
        draw = county_draw(session, args.plan, args.seed, args.commitment, actor)
        session.commit()
        _print_draw(session, draw.id)
    return 0


def _cmd_draw_step(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws import service as draws

    step, permission = {
        "houses": (draws.run_house_draws, Permission.DRAW), "publish": (draws.publish, Permission.PUBLISH),
    }[args.draw_command]  # fmt: skip
    with session_for(settings) as session:
        actor = actor_for(session, args.by, permission)
        step(session, args.draw, actor)
        record(session, actor, f"draw_{args.draw_command}", "draw", args.draw)
        session.commit()
        _print_draw(session, args.draw)
    return 0


def _cmd_draw_show(args: argparse.Namespace, settings: Settings) -> int:
    with session_for(settings) as session:
        _print_draw(session, args.draw)
    return 0


def _cmd_draw_verify(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.service import verify

    with session_for(settings) as session:
        actor = actor_for(session, args.by, Permission.VERIFY)
        result = verify(session, args.draw, actor)
        record(session, actor, "draw_verify", "draw", args.draw, detail={"identical": result.identical})
        session.commit()
    for name, ok in result.checks.items():
        print(f"  {'✓' if ok else '✗'} {name}")
    print(("IDENTICAL: the record reproduces exactly" if result.identical else "DIFFERENT: the record does not reproduce")
          + f" (live frame unchanged since the draw: {result.details.get('live_frame_unchanged')})")  # fmt: skip
    return 0 if result.identical else 1


def _cmd_draw_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.draws import export as draw_export

    writer, _ = draw_export.WRITERS[args.format]
    with session_for(settings) as session:
        Path(args.out).write_bytes(writer(session, args.draw))
    print(f"wrote {args.out}")
    return 0


def _cmd_draw_replace(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.replacements import use_replacement

    with session_for(settings) as session:
        actor = actor_for(session, args.by, Permission.REPLACE)
        taken = use_replacement(session, args.draw, args.house, args.reason, actor, args.note)
        record(session, actor, "draw_replace", "draw", args.draw,
               detail={"house_id": args.house, "replacement_house_id": taken.replacement_house_id,
                       "reason": args.reason})  # fmt: skip
        session.commit()
    print(f"house {args.house} ({taken.survey_code}) replaced by house {taken.replacement_house_id} "
          f"({taken.replacement_survey_code}; {args.reason}, by {args.by})")
    return 0


def _cmd_draw_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from service.draws.coverage import coverage_report

    with session_for(settings) as session:
        report = coverage_report(session, args.draw, args.replicates)
    for u in report["units"]:
        print(f"[{u['verdict_level']}] {u['unit_code']} {u['unit_name']}: {u['verdict_zh']}")
    print(report["overall"]["summary_zh"])
    return 0


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register plan and draw."""
    plan = sub.add_parser("plan", help="Sampling plans: create (from a JSON file or a preset), list.")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    pc = add(
        plan_sub,
        "create",
        _cmd_plan_create,
        "Store a sampling plan from a JSON file or a preset (gansu-2024).",
    )
    source = pc.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "file", nargs="?", help="plan JSON (see service/draws/presets/gansu-2024.json for the format)"
    )
    source.add_argument(
        "--preset", choices=["gansu-2024"], help="the 2024 notice's appendix: four groups, 42 units"
    )
    pc.add_argument("--by", required=True, help="username of the account that makes the plan")
    add(plan_sub, "list", _cmd_plan_list, "List the stored plans.")
    sd = add(plan_sub, "seed", _cmd_plan_seed,
             "Fix where the plan's seed will come from, before the draw (server time; cannot be changed).")  # fmt: skip
    sd.add_argument("plan", type=int, help="plan id")
    sd.add_argument("--source", required=True, help="the public source, e.g. 中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖")
    sd.add_argument("--public-at", help="when the value becomes public (Beijing time unless an offset is given)")
    sd.add_argument("--by", required=True, help="username of the account that fixes it")
    ss = add(plan_sub, "seeds", _cmd_plan_seeds, "List a plan's seed commitments, newest first.")
    ss.add_argument("plan", type=int, help="plan id")

    draw = sub.add_parser("draw", help="Draws: units, houses, publish, verify, show, export, replace.")
    draw_sub = draw.add_subparsers(dest="draw_command", metavar="ACTION", required=True)
    du = add(
        draw_sub,
        "units",
        _cmd_draw_units,
        "Run the county draw of a plan with a public seed (or take its fixed units).",
    )
    du.add_argument("plan", type=int, help="plan id")
    du.add_argument(
        "--seed", required=True, help="public value fixed in advance, e.g. a lottery result and its date"
    )
    du.add_argument("--commitment", type=int, help="id of the seed commitment the seed was read from (plan seed)")
    du.add_argument("--by", required=True, help="username of the account that runs the draw")
    for name, help_ in (("houses", "Draw every unit's houses and replacement list; record the frame and its digest."),
                        ("publish", "Publish a draw: record its result digest; it can no longer change.")):  # fmt: skip
        step = add(draw_sub, name, _cmd_draw_step, help_)
        step.add_argument("draw", type=int, help="draw id")
        step.add_argument("--by", required=True, help="username of the account that does it")
    vf = add(
        draw_sub,
        "verify",
        _cmd_draw_verify,
        "Re-run a draw from its record and prove it identical (exit 1 if not).",
    )
    vf.add_argument("draw", type=int, help="draw id")
    vf.add_argument("--by", required=True, help="username of the account that verifies")
    sh = add(draw_sub, "show", _cmd_draw_show, "Show a draw: units, counts, shortfalls, digests.")
    sh.add_argument("draw", type=int, help="draw id")
    ex = add(draw_sub, "export", _cmd_draw_export, "Export a draw's houses and replacement lists.")
    ex.add_argument("draw", type=int, help="draw id")
    ex.add_argument(
        "--format", choices=["xlsx", "csv", "geojson"], default="xlsx", help="file format (default xlsx)"
    )
    ex.add_argument("--out", required=True, help="output file")
    cv = add(
        draw_sub,
        "coverage",
        _cmd_draw_coverage,
        "Coverage report: townships, spatial balance vs SRS, verdicts (Chinese).",
    )
    cv.add_argument("draw", type=int, help="draw id")
    cv.add_argument(
        "--replicates", type=int, default=200, help="simple random samples for the balance reference"
    )
    rp = add(
        draw_sub,
        "replace",
        _cmd_draw_replace,
        "Replace a drawn house that cannot be visited; logs who, when, why.",
    )
    rp.add_argument("draw", type=int, help="draw id")
    rp.add_argument("house", type=int, help="house id of the drawn house")
    rp.add_argument(
        "--reason", required=True, choices=["demolished", "locked", "refused", "unsafe", "not_found", "other"]
    )
    rp.add_argument("--by", required=True, help="username of the account that replaces it")
    rp.add_argument("--note", help="free text")
