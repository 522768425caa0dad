"""The key figures of every drawn unit and city (service/evaluation/figures.py, GET /api/v1/evaluation/figures):
counts, notices by state and date, the design-weighted shares and the city combination, all computed again
here from the tables; the scope of every role; the synthetic flag."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.evaluation.conftest_figures import findings

URL = "/api/v1/evaluation/figures"
ALL = {"620102", "620111", "620402"}


def _get(fu, who: str, **params) -> dict:
    r = fu.get(who, URL, params={"level": "all", **params})
    assert r.status_code == 200, r.text
    return r.json()


def _counts(fu) -> dict[str, dict]:
    """Per unit, straight from the tables: drawn, inspected, approved, collapse risk, notices by state."""
    with fu.engine.connect() as conn:
        d = fu.world["draw"]
        out = {}
        for unit in ALL:

            def one(sql: str, unit: str = unit) -> int:
                return conn.execute(text(sql), {"d": d, "u": unit}).scalar_one()

            out[unit] = {
                "drawn": one("SELECT count(*) FROM draw_house WHERE draw_id = :d AND unit_code = :u AND role = 'sample'"),
                "inspected": one("SELECT count(*) FROM inspection WHERE draw_id = :d AND unit_code = :u "
                                 "AND status IN ('submitted', 'approved')"),
                "approved": one("SELECT count(*) FROM inspection WHERE draw_id = :d AND unit_code = :u AND status = 'approved'"),
                "collapse_risk": one("SELECT count(*) FROM inspection WHERE draw_id = :d AND unit_code = :u "
                                     "AND status IN ('submitted', 'approved') AND (summary->>'collapse_risk')::boolean"),
                "notices_issued": one("SELECT count(*) FROM notice WHERE draw_id = :d AND unit_code = :u AND status <> 'draft'"),
                "notices_open": one("SELECT count(*) FROM notice WHERE draw_id = :d AND unit_code = :u "
                                    "AND status NOT IN ('draft', 'closed')"),
                "notices_overdue": one("SELECT count(*) FROM notice WHERE draw_id = :d AND unit_code = :u "
                                       "AND status NOT IN ('draft', 'closed') AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date"),
                "notices_closed": one("SELECT count(*) FROM notice WHERE draw_id = :d AND unit_code = :u AND status = 'closed'"),
            }  # fmt: skip
    return out


def _hajek(fu, units: set[str], key: str, domain: bool = False) -> tuple[float, int]:
    """R = Σ w y / Σ w, w = 1 / (pi_unit · pi_house), over the approved results of ``units`` (domain: the
    houses recorded 已整治 at the draw), and the number of results."""
    with fu.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT du.inclusion_probability AS pu, dh.inclusion_probability AS ph, i.summary->>:k AS y, "
            "rec.rectification_status AS rs FROM inspection AS i "
            "JOIN draw_house AS dh ON dh.draw_id = i.draw_id AND dh.house_id = i.house_id AND dh.role = 'sample' "
            "JOIN draw_unit AS du ON du.draw_id = dh.draw_id AND du.unit_code = dh.unit_code "
            "JOIN draw_house_record AS rec ON rec.draw_id = i.draw_id AND rec.house_id = i.house_id "
            "WHERE i.draw_id = :d AND i.status = 'approved' AND dh.unit_code = ANY(:u)"),
            {"d": fu.world["draw"], "u": sorted(units), "k": key}).all()  # fmt: skip
    rows = [r for r in rows if not domain or r.rs == "done"]
    w = [1 / (r.pu * r.ph) for r in rows]
    y = [float(r.y == "true") if r.y in ("true", "false") else float(r.y) for r in rows]
    return sum(a * b for a, b in zip(w, y, strict=True)) / sum(w), len(rows)


def test_unit_figures_match_the_tables_and_the_estimates(fu):
    findings(fu)
    got = _get(fu, "prov")
    assert got["draw_id"] == fu.world["draw"] and got["synthetic"] is True and got["note"]
    units = {u["unit_code"]: u for u in got["units"]}
    assert set(units) == ALL
    expected = _counts(fu)
    for code, counts in expected.items():
        assert {k: units[code][k] for k in counts} == counts, code
        assert units[code]["synthetic"] is True
    assert expected["620102"]["notices_overdue"] == 1 and expected["620111"]["notices_closed"] == 1
    assert (units["620102"]["notices_open"], units["620402"]["notices_open"]) == (2, 1)
    assert units["620102"]["collapse_risk"] == 1
    for code in ALL:
        for figure, key in (("accurate_share", "record_accurate"), ("hazard_correct_share", "hazard_correct"),
                            ("missed_per_house", "missed_houses")):  # fmt: skip
            value, n = _hajek(fu, {code}, key)
            est = units[code][figure]
            assert est["n"] == n and est["value"] == pytest.approx(value), (code, figure)
            assert est["drawn"] == expected[code]["drawn"]
            if est["ci"] is not None:
                assert est["ci"][0] <= est["value"] <= est["ci"][1]
    # 620102: one accurate record (GOOD) among its three approved, weighted by the houses' probabilities
    assert 0 < units["620102"]["accurate_share"]["value"] < 1 and units["620102"]["accurate_share"]["n"] == 3
    assert units["620102"]["group"] == "第一组" and units["620402"]["firm"] == "第二组检测公司"


def test_a_city_is_its_units_combined(fu):
    findings(fu)
    got = _get(fu, "prov")
    units = {u["unit_code"]: u for u in got["units"]}
    cities = {c["city_code"]: c for c in got["cities"]}
    assert set(cities) == {"620100", "620400"}
    lz = cities["620100"]
    assert sorted(lz["unit_codes"]) == ["620102", "620111"] and lz["units"] == 2
    for k in ("drawn", "inspected", "approved", "collapse_risk", "notices_issued", "notices_open",
              "notices_overdue", "notices_closed"):  # fmt: skip
        assert lz[k] == units["620102"][k] + units["620111"][k], k
    for figure, key in (("accurate_share", "record_accurate"), ("hazard_correct_share", "hazard_correct"),
                        ("missed_per_house", "missed_houses")):  # fmt: skip
        value, n = _hajek(fu, {"620102", "620111"}, key)
        assert lz[figure]["value"] == pytest.approx(value) and lz[figure]["n"] == n, figure
    assert cities["620400"]["accurate_share"]["value"] == pytest.approx(
        units["620402"]["accurate_share"]["value"]
    )
    assert lz["groups"] == ["第一组"] and lz["partial"] is False


def test_the_total_is_every_unit_in_scope_combined(fu):
    findings(fu)
    got = _get(fu, "prov")
    total = got["total"]
    assert total["city_code"] == "620000" and total["city_name"] == "全省" and total["partial"] is False
    assert total["units"] == 3 and sorted(total["unit_codes"]) == sorted(ALL)
    for k in ("drawn", "inspected", "approved", "collapse_risk", "notices_issued", "notices_overdue"):
        assert total[k] == sum(u[k] for u in got["units"]), k
    value, n = _hajek(fu, ALL, "record_accurate")
    assert total["accurate_share"]["value"] == pytest.approx(value) and total["accurate_share"]["n"] == n
    leader = _get(fu, "leader")["total"]  # a city's leader: the total of its city's units
    assert leader["city_name"] == "合计（兰州市）" and leader["partial"] is True
    value, _ = _hajek(fu, {"620102", "620111"}, "record_accurate")
    assert leader["accurate_share"]["value"] == pytest.approx(value)
    assert leader["notices_issued"] == {c["city_code"]: c for c in got["cities"]}["620100"]["notices_issued"]


def test_paper_rectification_is_estimated_in_its_domain(fu):
    findings(fu)
    units = {u["unit_code"]: u for u in _get(fu, "prov")["units"]}
    for code in ALL:
        est = units[code]["paper_rectification_share"]
        with fu.engine.connect() as conn:
            done = conn.execute(text(
                "SELECT count(*) FROM draw_house AS dh JOIN draw_house_record AS r ON r.draw_id = dh.draw_id "
                "AND r.house_id = dh.house_id WHERE dh.draw_id = :d AND dh.unit_code = :u AND dh.role = 'sample' "
                "AND r.rectification_status = 'done'"), {"d": fu.world["draw"], "u": code}).scalar_one()  # fmt: skip
        assert est["drawn"] == done
        try:
            value, n = _hajek(fu, {code}, "paper_rectification", domain=True)
        except ZeroDivisionError:  # no approved house of the unit was recorded 已整治
            assert est["value"] is None
            continue
        assert est["value"] == pytest.approx(value) and est["n"] == n


@pytest.mark.parametrize(
    ("who", "units"),
    [("leader", {"620102", "620111"}), ("city", {"620102", "620111"}), ("county", {"620102"}),
     ("county_by", {"620402"}), ("city_by", {"620402"}), ("other", {"620402"}), ("lead", {"620102", "620111"}),
     ("prov", ALL)],
)  # fmt: skip
def test_every_role_sees_its_units_only(fu, who, units):
    findings(fu)
    got = _get(fu, who)
    assert {u["unit_code"] for u in got["units"]} == units
    assert {c["city_code"] for c in got["cities"]} == {
        "620100" if u.startswith("6201") else "620400" for u in units
    }
    for c in got["cities"]:  # a city's sums are of the units in scope only
        assert c["notices_issued"] == sum(
            u["notices_issued"] for u in got["units"] if u["city_code"] == c["city_code"]
        )
    county = _get(fu, "county")["cities"][0]
    assert county["partial"] is True and county["units"] == 1  # 红古区 is drawn too, outside its scope


def test_inspectors_may_not_read_and_a_year_without_draw_is_empty(fu):
    assert fu.get("i1", URL).status_code == 403
    assert fu.client.get(URL).status_code == 401
    empty = _get(fu, "prov", year=2001)
    assert empty["units"] == [] and empty["draw_id"] is None and "2001" in empty["note"]
    assert fu.get("prov", URL, params={"year": "1800"}).status_code == 422
    only = fu.get("prov", URL).json()  # level=county by default: the units only
    assert len(only["units"]) == 3 and only["cities"] == []
    cities = fu.get("prov", URL, params={"level": "city"}).json()
    assert cities["units"] == [] and len(cities["cities"]) == 2


def test_the_map_gets_the_polygons_of_the_drawn_units_in_scope(fu):
    findings(fu)
    r = fu.get("leader", URL + ".geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    assert body["synthetic"] is True and body["level"] == "county"
    props = {f["id"]: f["properties"] for f in body["features"]}
    assert set(props) == {"620102", "620111"}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in body["features"])
    table = {u["unit_code"]: u for u in _get(fu, "leader")["units"]}
    p = props["620102"]
    assert p["notices_overdue"] == table["620102"]["notices_overdue"] == 1
    assert p["accurate_share"] == pytest.approx(table["620102"]["accurate_share"]["value"])
    assert p["accurate_share_n"] == table["620102"]["accurate_share"]["n"] and p["name"] == "城关区"
    cities = fu.get("county_by", URL + ".geojson", params={"level": "city"}).json()
    assert [f["id"] for f in cities["features"]] == ["620400"]
