"""The maps' command: ``spotcheck map export``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service.core.cli import session_for
from service.core.settings import Settings


def _cmd_map_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.maps.unit_map import unit_map_html

    with session_for(settings) as session:
        Path(args.out).write_text(
            unit_map_html(session, args.unit, args.draw, radii_m=settings.radius.as_dict()), encoding="utf-8"
        )
    print(f"wrote {args.out} (self-contained: opens with no server and no internet)")
    return 0


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register map."""
    mp = sub.add_parser("map", help="Maps: export a unit's standalone HTML map.")
    mp_sub = mp.add_subparsers(dest="map_command", metavar="ACTION", required=True)
    me = add(
        mp_sub, "export", _cmd_map_export, "Write a unit's map as one HTML file that opens offline (folium)."
    )
    me.add_argument("unit", help="sampling unit (county-level) code, e.g. 620102")
    me.add_argument("--out", required=True, help="output .html file")
    me.add_argument("--draw", type=int, help="also show this draw's houses and replacements")
