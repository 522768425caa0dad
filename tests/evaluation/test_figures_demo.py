"""The key figures on the synthetic demo (service/demo): every unit of the demo's draw, labelled synthetic,
with its inspections, estimates, notices, review scores and questionnaire results."""

from __future__ import annotations

from tests.demo.conftest import spotcheck_api, spotcheck_template, spotcheck_url  # noqa: F401


def test_the_demo_figures_are_labelled_synthetic(spotcheck_api):  # noqa: F811
    got = spotcheck_api.get("/api/v1/evaluation/figures", params={"level": "all"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["synthetic"] is True and "合成" in body["note"]
    assert body["units"] and all(u["synthetic"] for u in body["units"])
    assert all(c["synthetic"] for c in body["cities"])
    assert (
        sum(u["inspected"] for u in body["units"]) > 0 and sum(u["notices_issued"] for u in body["units"]) > 0
    )
    assert any(u["accurate_share"]["value"] is not None for u in body["units"])
    # the demo's synthetic document review and questionnaires (service/demo/evaluation_*.py) reach the figures
    assert any(u["review_total"] is not None for u in body["units"])
    assert any(u["satisfaction_index"] is not None and u["satisfaction_n"] > 0 for u in body["units"])
    for c in body["cities"]:
        assert c["drawn"] == sum(u["drawn"] for u in body["units"] if u["city_code"] == c["city_code"])
    shapes = spotcheck_api.get("/api/v1/evaluation/figures.geojson").json()
    assert shapes["synthetic"] is True
    assert {f["id"] for f in shapes["features"]} == {u["unit_code"] for u in body["units"]}
