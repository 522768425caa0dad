"""Hostile input to the import API: every bad file, name or option is a 4xx with a Chinese message, never a
500 and never a server path, and a refused file changes nothing (on PostGIS, through the HTTP API)."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
import shapely
from fastapi import UploadFile
from sqlalchemy import text

from service.core.errors import TooLarge
from service.core.settings import SecuritySettings
from service.core.uploads import display_filename, safe_filename, saved_upload
from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from tests import filemakers as fm
from tests.dbcheck import count, digest

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADERS = ["自建房排查编码", "经度", "纬度", "房屋用途", "详细地址"]


@pytest.fixture
def place(engine) -> tuple[float, float]:
    """A point well inside 城关区 (620102)."""
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM division "
                 "WHERE code = '620102') AS q")
        ).one()  # fmt: skip


@pytest.fixture
def tighten(client):
    """Set some of ``settings.security``'s upload limits of the running app for one test."""
    original = client.app.state.settings

    def apply(**limits) -> None:
        security = original.security.model_copy(update=limits)
        client.app.state.settings = original.model_copy(update={"security": security})

    yield apply
    client.app.state.settings = original


def rows(place, n: int = 3) -> list[list[object]]:
    """``n`` commercial houses a few metres apart in 城关区, as cells under ``HEADERS``."""
    x, y = place
    return [[f"H-{i:04d}", x + i * 1e-5, y, "经营性", f"测试路{i}号"] for i in range(n)]


def csv_bytes(tmp_path: Path, place, n: int = 3) -> bytes:
    return fm.write_raw_csv(tmp_path / "h.csv", HEADERS, rows(place, n)).read_bytes()


def post(client, name: str, content: bytes, kind: str = "houses", mapping: bytes | None = None, **form):
    files = {"file": (name, content, "application/octet-stream")}
    if mapping is not None:
        files["mapping"] = ("mapping.json", mapping, "application/json")
    return client.post(f"/api/v1/imports/{kind}", files=files, data=form)


def refused(response, status: int, engine, before: dict) -> dict:
    """A 4xx with Chinese messages, no server path or stack trace, and the database as it was."""
    assert response.status_code == status, response.text
    body = response.text
    for leak in (tempfile.gettempdir() + "/", "spotcheck-upload-", "Traceback", "/work/"):
        assert leak not in body, body
    data = response.json()
    messages = [data["message"]] if "message" in data else [e["message"] for e in data["errors"]]
    assert messages and all(CJK.search(m) for m in messages), data
    if "message" in data:
        assert data["code"] and data["message_en"]
    assert digest(engine) == before
    return data


def zipped_shapefile(tmp_path: Path, place, *, name: str = "h") -> Path:
    shp = tmp_path / f"{name}.shp"
    table = [dict(zip(HEADERS, row, strict=True)) for row in rows(place)]
    fm.write_shapefile(shp, table, [shapely.Point(r["经度"], r["纬度"]) for r in table], encoding="UTF-8")
    return fm.zip_shapefile(shp, tmp_path / f"{name}.zip")


# 1. Limits ---------------------------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_413(client, engine, tmp_path, place, tighten):
    tighten(upload_max_bytes=4096)
    before = digest(engine)
    body = refused(
        post(client, "h.csv", csv_bytes(tmp_path, place, 200), crs="EPSG:4490"), 413, engine, before
    )
    assert body["code"] == "too_large" and "4 KB" in body["message"]


class _Endless(io.RawIOBase):
    """A stream of zeros without end that counts what it served."""

    served = 0

    def readinto(self, buffer) -> int:
        buffer[:] = bytes(len(buffer))
        self.served += len(buffer)
        return len(buffer)


def test_saved_upload_stops_copying_at_the_limit_and_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stream = _Endless()
    with (
        pytest.raises(TooLarge),
        saved_upload(UploadFile(stream, filename="big.csv"), SecuritySettings(upload_max_bytes=1 << 20)),
    ):
        pass  # fmt: skip
    assert stream.served <= 2 << 20 and list(tmp_path.iterdir()) == []


def test_zip_bombs_and_oversized_zips_are_413(client, engine, tmp_path, place, tighten):
    before = digest(engine)
    bomb = fm.add_zip_member(zipped_shapefile(tmp_path, place), "readme.txt", bytes(20 << 20))
    body = refused(post(client, "h.zip", bomb.read_bytes()), 413, engine, before)
    assert "压缩炸弹" in body["message"] and "readme.txt" in body["message"]
    # The central directory may claim a size beyond the total: refused before anything is unpacked.
    claimed = fm.claim_zip_size(zipped_shapefile(tmp_path, place, name="c"), "c.dbf", 2**32 - 1)
    assert refused(post(client, "c.zip", claimed.read_bytes()), 413, engine, before)["code"] == "too_large"
    tighten(zip_max_total_bytes=64 * 1024)
    big = fm.add_zip_member(zipped_shapefile(tmp_path, place, name="b"), "notes.bin", bytes(range(256)) * 400)
    assert "64 KB" in refused(post(client, "b.zip", big.read_bytes()), 413, engine, before)["message"]


def test_a_zip_that_lies_about_its_sizes_is_refused(client, engine, tmp_path, place):
    before = digest(engine)
    for size in (10, 10**6):  # fewer bytes than it unpacks to, or more
        lying = fm.claim_zip_size(zipped_shapefile(tmp_path, place, name=f"l{size}"), f"l{size}.dbf", size)
        assert "损坏" in refused(post(client, "l.zip", lying.read_bytes()), 422, engine, before)["message"]
    refused(post(client, "fake.zip", b"PK\x03\x04 not really a zip"), 422, engine, before)


def test_xlsx_limits_are_checked_before_opening(client, engine, tmp_path, place, tighten):
    before = digest(engine)
    table = [HEADERS, *rows(place)]
    bomb = fm.add_zip_member(fm.write_raw_xlsx(tmp_path / "b.xlsx", table), "xl/media/a.bin", bytes(20 << 20))
    wide = fm.write_raw_xlsx(tmp_path / "w.xlsx", table, dimension="A1:XFD1048576")
    strings = fm.write_raw_xlsx(tmp_path / "s.xlsx", table, declared_strings=9_999_999)
    for path, words in ((bomb, "压缩炸弹"), (wide, "单元格"), (strings, "不同的文本")):
        body = refused(post(client, path.name, path.read_bytes(), crs="EPSG:4490"), 413, engine, before)
        assert words in body["message"], body
    # Counts that lie (or no <dimension>) are caught while reading.
    many = fm.write_raw_xlsx(tmp_path / "m.xlsx", [HEADERS, *rows(place, 600)], declared_strings=1)
    tighten(xlsx_max_shared_strings=1000)
    assert (
        "不同的文本"
        in refused(post(client, "m.xlsx", many.read_bytes(), crs="EPSG:4490"), 413, engine, before)["message"]
    )
    tighten(xlsx_max_cells=1000)
    assert (
        "单元格"
        in refused(post(client, "m.xlsx", many.read_bytes(), crs="EPSG:4490"), 413, engine, before)["message"]
    )


def test_cells_counted_past_the_first_chunk_roll_back(engine, tmp_path, place):
    before = digest(engine)
    path = fm.write_raw_xlsx(tmp_path / "m.xlsx", [HEADERS, *rows(place, 400)], inline_strings=True)
    with pytest.raises(TooLarge):
        import_file(engine, Kind.HOUSES, path, crs="EPSG:4490", chunk_rows=50,
                    limits=SecuritySettings(xlsx_max_cells=1500))  # fmt: skip
    assert digest(engine) == before


# 2. NUL characters -------------------------------------------------------------------------------------


def test_nul_in_a_cell_is_an_error_of_its_row(client, engine, tmp_path, place):
    before = digest(engine)
    table = rows(place, 4)
    table[1][4], table[3][0] = "测试\x00路", "H-\x00"
    csv = fm.write_raw_csv(tmp_path / "n.csv", HEADERS, table).read_bytes()
    errors = refused(post(client, "n.csv", csv, crs="EPSG:4490"), 422, engine, before)["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [(3, "详细地址", "bad_character"),
                                                                   (5, "自建房排查编码", "bad_character")]  # fmt: skip
    assert errors[0]["value"] == "测试␀路"
    header = fm.write_raw_csv(tmp_path / "h.csv", [*HEADERS[:4], "详细\x00地址"], rows(place)).read_bytes()
    assert (
        refused(post(client, "h.csv", header, crs="EPSG:4490"), 422, engine, before)["errors"][0]["row"] == 1
    )
    for literal in (b"\x00", b"&#0;"):  # XML allows neither: the workbook is refused at the row
        table = [HEADERS, *rows(place, 3)]
        table[2][4] = "MARK"
        xlsx = fm.write_raw_xlsx(
            tmp_path / "n.xlsx", table, dimension="A1:E4", inline_strings=True, raw={"MARK": literal}
        )
        errors = refused(post(client, "n.xlsx", xlsx.read_bytes(), crs="EPSG:4490"), 422, engine, before)[
            "errors"
        ]
        assert [(e["row"], e["code"]) for e in errors] == [(3, "bad_character")]
    x, y = place
    feature = {"type": "Feature", "properties": dict(zip(HEADERS, ["G-1", x, y, "经营性", "a\x00b"], strict=True)),
               "geometry": {"type": "Point", "coordinates": [x, y]}}  # fmt: skip
    geojson = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()  # NUL as \u0000
    assert (
        refused(post(client, "n.geojson", geojson), 422, engine, before)["errors"][0]["code"]
        == "bad_character"
    )


def test_nul_padding_of_a_dbf_ends_the_text(client, engine, tmp_path, place):
    shp = tmp_path / "p.shp"
    # 排查编码: 自建房排查编码 would not fit the 10 bytes of a .dbf field name.
    table = [
        {"排查编码": r[0], "经度": r[1], "纬度": r[2], "房屋用途": r[3], "地址": "兰州XXXX"}
        for r in rows(place)
    ]
    fm.write_shapefile(shp, table, [shapely.Point(r["经度"], r["纬度"]) for r in table], encoding="UTF-8")
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes().replace(b"XXXX", b"\x00" * 4))
    r = post(client, "p.zip", fm.zip_shapefile(shp, tmp_path / "p.zip").read_bytes())
    assert r.status_code == 200, r.text
    assert count(engine, "SELECT count(*) FROM house WHERE address = '兰州'") == 3


@pytest.mark.parametrize("option", ["crs", "layer", "encoding"])
def test_nul_in_a_form_field_is_422(client, engine, tmp_path, place, option):
    before = digest(engine)
    form = {
        "crs": "EPSG:4490",
        option: {"crs": "EPSG:4490", "layer": "Sheet1", "encoding": "utf-8"}[option] + "\x00",
    }
    body = refused(post(client, "h.csv", csv_bytes(tmp_path, place), **form), 422, engine, before)
    assert body["code"] == "invalid_input" and "空字符" in body["message"]


# 3. Encodings, 4. mapping files ------------------------------------------------------------------------


def test_unknown_encodings_say_which_work(client, engine, tmp_path, place):
    before = digest(engine)
    for name in ("nope", "utf-99", "base64", "rot13"):
        r = post(client, "h.csv", csv_bytes(tmp_path, place), crs="EPSG:4490", encoding=name)
        [error] = refused(r, 422, engine, before)["errors"]
        assert error["code"] == "bad_encoding" and name in error["message"]
        assert all(known in error["message"] for known in ("UTF-8", "GBK", "GB18030")), error


MAPPINGS = {
    "list": b'[{"columns": {}}]',
    "number": b"42",
    "null": b"null",
    "columns as a list": b'{"columns": [1, 2]}',
    "a field as a number": b'{"columns": {"\xe7\xbc\x96\xe5\x8f\xb7": 1}}',
    "values as a list": b'{"values": []}',
    "a typo": b'{"column": {}}',
    "invalid JSON": b'{"columns": {',
    "GBK text": '{"columns": {"编号": "survey_code"}}'.encode("gbk"),
}


def test_mapping_files_of_the_wrong_shape_say_the_right_one(client, engine, tmp_path, place):
    before = digest(engine)
    for case, content in MAPPINGS.items():
        r = post(client, "h.csv", csv_bytes(tmp_path, place), crs="EPSG:4490", mapping=content)
        body = refused(r, 422, engine, before)
        assert body["code"] == "invalid_input" and '{"columns": {"表头": "field"}' in body["message"], case
    for content, words in ((b'{"values": {"use_class": {"x": "nope"}}}', "non_commercial"),
                           (b'{"values": {"survey_code": {"x": "y"}}}', "use_class")):  # fmt: skip
        r = post(client, "h.csv", csv_bytes(tmp_path, place), crs="EPSG:4490", mapping=content)
        assert words in refused(r, 422, engine, before)["message"]
    huge = b'{"columns": {' + b'"a": "survey_code", ' * 60_000 + b'"b": "x"}}'
    assert refused(post(client, "h.csv", csv_bytes(tmp_path, place), crs="EPSG:4490", mapping=huge), 413, engine,
                   before)["code"] == "too_large"  # fmt: skip


# 5. File names -----------------------------------------------------------------------------------------

NAMES = ["..", ".", "../../etc/passwd", "..\\..\\boot.ini", "a" * 300 + ".csv", "房" * 200 + ".csv",
         "bad\x00name.csv", "ctl\x01\x1f\x7f\n.csv", "\u202etxt.csv", "/srv/x/../h.csv", ""]  # fmt: skip


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_file_names_are_made_safe_on_disk(tmp_path, monkeypatch, name):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with saved_upload(UploadFile(io.BytesIO(b"a,b\n1,2\n"), filename=name)) as path:
        assert path.parent.parent == tmp_path and path.read_bytes() == b"a,b\n1,2\n"
        assert path.name not in (".", "..") and len(path.name.encode()) <= 120
        assert not re.search(r"[\x00-\x1f\x7f\u202e/\\]", path.name)
    assert safe_filename(name).endswith(".csv") == name.endswith(".csv")
    assert len(display_filename(name)) <= 255 and "\x00" not in display_filename(name)


def _multipart(filename: bytes, content: bytes, crs: str) -> tuple[bytes, str]:
    """A multipart body written by hand, so that the name reaches the server byte for byte."""
    boundary = "spotcheck-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="crs"\r\n\r\n{crs}\r\n--{boundary}\r\n'
            'Content-Disposition: form-data; name="file"; filename="')  # fmt: skip
    body = (
        head.encode()
        + filename
        + b'"\r\nContent-Type: text/csv\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_hostile_file_names_through_the_api(client, engine, tmp_path, place):
    content = csv_bytes(tmp_path, place)
    for name in NAMES:
        body, content_type = _multipart(name.replace('"', "").encode(), content, "EPSG:4490")
        r = client.post("/api/v1/imports/houses", content=body, headers={"Content-Type": content_type})
        assert r.status_code in (200, 422), (name, r.text)
        assert tempfile.gettempdir() + "/" not in r.text and "spotcheck-upload-" not in r.text, r.text
        if r.status_code == 422:
            assert r.json()["errors"][0]["code"] == "unsupported_format", r.text
    with client.app.state.engine.connect() as conn:
        kept = conn.execute(text("SELECT filename FROM import_batch")).scalars().all()
    assert kept and all(len(k) <= 255 and not re.search(r"[\x00-\x1f]", k) for k in kept)


# 6. Shapefile field names cut inside a character -------------------------------------------------------


@pytest.mark.parametrize("cpg", [True, False])
def test_dbf_names_cut_inside_a_character(client, engine, tmp_path, place, cpg):
    shp = tmp_path / "cut.shp"
    table = [
        {"F1": row[0], "经度": row[1], "纬度": row[2], "F2": row[3], "F3": row[4]} for row in rows(place)
    ]
    fm.write_shapefile(
        shp, table, [shapely.Point(r["经度"], r["纬度"]) for r in table], encoding="UTF-8", cpg=cpg
    )
    # 10 bytes of UTF-8: three characters and a third of the fourth.
    fm.rename_dbf_fields(
        shp, {"F1": "排查编码".encode(), "F2": "房屋用途".encode(), "F3": "详细地址".encode()}
    )
    r = post(client, "cut.zip", fm.zip_shapefile(shp, tmp_path / "cut.zip").read_bytes())
    assert r.status_code == 200, r.text
    assert r.json()["source"]["columns"] == ["排查编", "经度", "纬度", "房屋用", "详细地"]
    assert r.json()["source"]["encoding"] == "utf-8"
    assert (
        count(engine, "SELECT count(*) FROM house WHERE address LIKE '测试路%' AND use_class = 'commercial'")
        == 3
    )
    # 自建房排查编码 cut to 自建房 could be 自建房类别 too: reported, never guessed.
    other = tmp_path / "amb.shp"
    fm.write_shapefile(
        other, table, [shapely.Point(r["经度"], r["纬度"]) for r in table], encoding="UTF-8", cpg=cpg
    )
    fm.rename_dbf_fields(other, {"F1": "自建房排查编码".encode(), "F2": "房屋用途".encode()})
    before = digest(engine)
    r = post(client, "amb.zip", fm.zip_shapefile(other, tmp_path / "amb.zip").read_bytes())
    errors = refused(r, 422, engine, before)["errors"]
    assert [e["code"] for e in errors] == ["missing_column"] and "自建房排查编码" in errors[0]["message"]


# 7. Bounding boxes -------------------------------------------------------------------------------------


def test_bbox_must_be_finite_degrees(client):
    for bbox in ("nan,0,1,1", "0,0,inf,1", "-inf,0,1,1", "0,nan,1,nan", "200,0,201,1", "-181,0,1,1",
                 "0,-91,1,1", "0,0,1,95", "1e309,0,1,1", "1,2,3"):  # fmt: skip
        for resource in ("houses", "sites"):
            r = client.get(f"/api/v1/{resource}", params={"bbox": bbox})
            assert r.status_code == 422 and r.json()["code"] == "invalid_input", (bbox, r.text)
            assert "纬度 -90～90" in r.json()["message"]
    assert client.get("/api/v1/houses", params={"bbox": "103.7,36.0,103.9,36.1"}).status_code == 200


# Damaged files -----------------------------------------------------------------------------------------


def test_damaged_files_show_no_server_path(client, engine, tmp_path):
    before = digest(engine)
    gpkg = tmp_path / "x.gpkg"
    with sqlite3.connect(gpkg) as conn:
        conn.execute("CREATE TABLE t (a)")
    for name, content in (("x.gpkg", gpkg.read_bytes()), ("x.geojson", b'{"type": "FeatureCollection", "features": ['),
                          ("x.xlsx", b"PK\x03\x04" + bytes(100)), ("x.csv", b"\xff\xfe\x00"), ("x.shp", bytes(200))):  # fmt: skip
        refused(post(client, name, content, crs="EPSG:4490"), 422, engine, before)
