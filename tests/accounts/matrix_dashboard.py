"""The dashboard part of the route matrix (test_route_matrix.py): one example per route of the key figures
API and the page /evaluation (``EXAMPLES_DASHBOARD``). No world of its own: the matrix world's published draw
of UNIT (城关区) is what the figures show, and an out-of-scope caller's answer never names UNIT."""

from __future__ import annotations

from tests.accounts.matrix_world import UNIT

API = "/api/v1/evaluation"

EXAMPLES_DASHBOARD = {
    ("GET", "/evaluation"): lambda w, n, a: {"targeted": False},
    ("GET", f"{API}/figures"): lambda w, n, a: {"params": {"level": "all"}, "absent": f'"{UNIT}"'},
    ("GET", f"{API}/figures.geojson"): lambda w, n, a: {"params": {"level": "county"}, "absent": f'"{UNIT}"'},
}
