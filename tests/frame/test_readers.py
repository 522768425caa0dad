"""Streamed reading of user files into chunks of raw text (service.importing.readers)."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import shapely

from service.frame.importing import readers
from service.frame.importing.readers import Chunk, FileFormat, ReadError, detect_format, open_source
from tests import filemakers as fm

ROWS = fm.house_rows(10)
#: Shapefile field names are at most 10 bytes (5 Chinese characters in GBK, 3 in UTF-8).
SHP_ROWS = [
    {"编码": r["自建房排查编码"], "县区": r["县区"], "经度": r["经度"], "层数": r["层数"]} for r in ROWS
]


def read_all(path: Path, **options) -> tuple:
    info, chunks = open_source(path, **options)
    return info, list(chunks)


def records(chunks: list[Chunk]) -> list[dict]:
    return [row for chunk in chunks for row in chunk.frame.to_dict("records")]


def expected_text(rows: list[dict]) -> list[dict]:
    return [
        {key: None if value is None else fm.cell_text(value) for key, value in row.items()} for row in rows
    ]


def assert_chunk_shape(chunk: Chunk, columns: tuple[str, ...]) -> None:
    assert tuple(chunk.frame.columns) == columns
    assert all(dtype == np.dtype(object) for dtype in chunk.frame.dtypes)
    assert len(chunk.row_numbers) == len(chunk.frame)
    assert chunk.row_numbers.dtype == np.int64
    assert chunk.first_row == chunk.row_numbers[0]
    if chunk.geometry is not None:
        assert len(chunk.geometry) == len(chunk.frame)


# --------------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize(
    ("encoding", "delimiter", "detected"),
    [
        ("utf-8", ",", "utf-8"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("gbk", ",", "gb18030"),
        ("utf-8", "\t", "utf-8"),
        ("gbk", ";", "gb18030"),
    ],
)
def test_csv_round_trip_and_encoding_detection(tmp_path, encoding, delimiter, detected):
    path = fm.write_csv(tmp_path / "houses.csv", ROWS, encoding=encoding, delimiter=delimiter)
    info, chunks = read_all(path)
    assert info.format is FileFormat.CSV
    assert info.encoding == detected
    assert info.columns == fm.HOUSE_HEADERS
    assert (info.crs, info.geometry_type, info.layer, info.rows) == (None, None, None, None)
    assert records(chunks) == expected_text(ROWS)
    assert chunks[0].geometry is None
    assert records(chunks)[0]["经度"] == "103.835525"
    assert chunks[0].row_numbers.tolist() == list(range(2, 12))


def test_csv_utf16_with_tabs_as_excel_unicode_text(tmp_path):
    path = fm.write_csv(tmp_path / "unicode.txt", ROWS, encoding="utf-16", delimiter="\t")
    info, chunks = read_all(path)
    assert info.encoding == "utf-16"
    assert records(chunks) == expected_text(ROWS)


def test_csv_values_stay_raw_text(tmp_path):
    path = fm.write_raw_csv(
        tmp_path / "raw.csv", ["编码", "层数", "备注"], [["0012", "NA", "null"], ["1e5", "3.0", "#N/A"]]
    )
    _, chunks = read_all(path)
    assert records(chunks) == [
        {"编码": "0012", "层数": "NA", "备注": "null"},
        {"编码": "1e5", "层数": "3.0", "备注": "#N/A"},
    ]


def test_csv_explicit_encoding_wins(tmp_path):
    path = fm.write_csv(tmp_path / "houses.csv", ROWS, encoding="gbk")
    info, chunks = read_all(path, encoding="GBK")
    assert info.encoding == "gbk"
    assert records(chunks)[0]["县区"] == ROWS[0]["县区"]


def test_csv_header_whitespace_and_bom_are_stripped_and_cells_kept_raw(tmp_path):
    path = fm.write_raw_csv(
        tmp_path / "h.csv",
        [" 自建房排查编码 ", "经度\u3000", "备注"],
        [["620102001000001", "103.834512", "  有空格  "], ["620102001000002", "", ""]],
        encoding="utf-8-sig",
    )
    info, chunks = read_all(path, encoding="utf-8")  # a BOM read as plain UTF-8 still leaves clean headers
    assert info.columns == ("自建房排查编码", "经度", "备注")
    assert records(chunks) == [
        {"自建房排查编码": "620102001000001", "经度": "103.834512", "备注": "  有空格  "},
        {"自建房排查编码": "620102001000002", "经度": None, "备注": None},
    ]


def test_csv_blank_lines_are_skipped_but_keep_line_numbers(tmp_path):
    path = fm.write_csv(tmp_path / "gaps.csv", [ROWS[0], None, ROWS[1], None, None, ROWS[2]])
    _, chunks = read_all(path, chunk_rows=2)
    numbers = [n for chunk in chunks for n in chunk.row_numbers.tolist()]
    assert numbers == [2, 4, 7]
    assert [r["自建房排查编码"] for r in records(chunks)] == [r["自建房排查编码"] for r in ROWS[:3]]
    for chunk in chunks:
        assert_chunk_shape(chunk, fm.HOUSE_HEADERS)


def test_csv_short_rows_give_none_and_long_rows_are_reported(tmp_path):
    short = fm.write_raw_csv(tmp_path / "short.csv", ["编码", "县区", "经度"], [["1", "城关区"]])
    _, chunks = read_all(short)
    assert records(chunks) == [{"编码": "1", "县区": "城关区", "经度": None}]
    long = fm.write_raw_csv(tmp_path / "long.csv", ["编码", "县区"], [["1", "城关区"], ["2", "103,8", "x"]])
    with pytest.raises(ReadError) as caught:
        read_all(long)
    assert caught.value.code == "unreadable"
    assert "第 3 行" in caught.value.message


def test_xlsx_round_trip_typed_cells(tmp_path):
    rows = [
        {
            "自建房排查编码": "620102001000001",
            "经度": 103.834512,
            "纬度": 36.06,
            "层数": 3,
            "面积": 12.0,
            "调查日期": dt.date(2024, 3, 1),
            "更新时间": dt.datetime(2024, 3, 1, 9, 30, 15),
            "是否经营": True,
            "备注": None,
        }
    ]
    path = fm.write_xlsx(tmp_path / "houses.xlsx", rows)
    info, chunks = read_all(path)
    assert info.format is FileFormat.XLSX
    assert info.layer == "Sheet1"
    assert (info.encoding, info.crs, info.geometry_type, info.rows) == (None, None, None, None)
    assert records(chunks) == [
        {
            "自建房排查编码": "620102001000001",
            "经度": "103.834512",
            "纬度": "36.06",
            "层数": "3",
            "面积": "12",
            "调查日期": "2024-03-01",
            "更新时间": "2024-03-01T09:30:15",
            "是否经营": "true",
            "备注": None,
        }
    ]
    assert chunks[0].geometry is None


def test_xlsx_house_rows_round_trip(tmp_path):
    path = fm.write_xlsx(tmp_path / "houses.xlsx", ROWS)
    info, chunks = read_all(path)
    assert info.columns == fm.HOUSE_HEADERS
    assert records(chunks) == expected_text(ROWS)


def test_xlsx_row_numbers_with_blank_rows_and_header_below_top(tmp_path):
    path = fm.write_xlsx(
        tmp_path / "gaps.xlsx", [ROWS[0], None, ROWS[1], ROWS[2], None, ROWS[3]], leading_blank_rows=2
    )
    info, chunks = read_all(path, chunk_rows=2)
    assert info.columns == fm.HOUSE_HEADERS
    # header on Excel row 3, data on 4, (5 blank), 6, 7, (8 blank), 9
    assert [chunk.row_numbers.tolist() for chunk in chunks] == [[4, 6], [7, 9]]
    assert [chunk.first_row for chunk in chunks] == [4, 7]
    assert [r["自建房排查编码"] for r in records(chunks)] == [r["自建房排查编码"] for r in ROWS[:4]]


def test_xlsx_wrong_stored_dimension_does_not_cut_rows(tmp_path):
    path = fm.set_xlsx_dimension(fm.write_xlsx(tmp_path / "dim.xlsx", [ROWS[0], None, ROWS[1]]), "A1")
    info, chunks = read_all(path)
    assert info.columns == fm.HOUSE_HEADERS
    assert records(chunks) == expected_text([ROWS[0], ROWS[1]])
    assert chunks[0].row_numbers.tolist() == [2, 4]


def test_xlsx_text_cells_keep_leading_zeros(tmp_path):
    path = fm.write_xlsx(tmp_path / "zeros.xlsx", [{"编码": "0012", "电话": "09318888888", "层数": 2}])
    _, chunks = read_all(path)
    assert records(chunks) == [{"编码": "0012", "电话": "09318888888", "层数": "2"}]


def test_xlsx_sheet_selection(tmp_path):
    path = fm.write_xlsx(tmp_path / "book.xlsx", ROWS[:2], sheet="说明", extra_sheets={"房屋": ROWS[2:5]})
    info, chunks = read_all(path)
    assert info.layer == "说明" and len(records(chunks)) == 2
    info, chunks = read_all(path, layer="房屋")
    assert info.layer == "房屋" and len(records(chunks)) == 3
    with pytest.raises(ReadError) as caught:
        open_source(path, layer="学校")
    assert caught.value.code == "unknown_layer"
    assert "说明" in caught.value.message and "房屋" in caught.value.message


def test_geojson_round_trip(tmp_path):
    path = fm.write_geojson(tmp_path / "houses.geojson", ROWS, fm.points(ROWS))
    info, chunks = read_all(path)
    assert info.format is FileFormat.GEOJSON
    assert info.columns == fm.HOUSE_HEADERS
    assert info.geometry_type == "Point"
    assert info.crs == "EPSG:4326"
    assert info.rows == 10
    assert records(chunks) == expected_text(ROWS)
    geometry = np.concatenate([chunk.geometry for chunk in chunks])
    assert geometry[0].equals(shapely.Point(ROWS[0]["经度"], ROWS[0]["纬度"]))
    assert chunks[0].row_numbers.tolist() == list(range(1, 11))


def test_gpkg_round_trip_and_crs(tmp_path):
    path = fm.write_gpkg(tmp_path / "houses.gpkg", ROWS, fm.points(ROWS), layer="自建房")
    info, chunks = read_all(path)
    assert info.format is FileFormat.GPKG
    assert info.layer == "自建房"
    assert info.crs == "EPSG:4490"
    assert info.rows == 10
    assert records(chunks) == expected_text(ROWS)
    assert all(isinstance(g, shapely.Point) for g in chunks[0].geometry)


def test_gpkg_layer_selection_and_several_layers(tmp_path):
    path = tmp_path / "two.gpkg"
    fm.write_gpkg(path, ROWS[:4], fm.points(ROWS[:4]), layer="houses")
    squares = [{"乡镇代码": "620102001", "乡镇名称": "皋兰路街道"}]
    fm.write_gpkg(path, squares, [fm.square()], layer="townships")
    with pytest.raises(ReadError) as caught:
        open_source(path)
    assert caught.value.code == "layer_required"
    assert "houses" in caught.value.message and "townships" in caught.value.message
    info, chunks = read_all(path, layer="townships")
    assert info.layer == "townships" and info.geometry_type == "Polygon"
    assert records(chunks) == squares
    info, chunks = read_all(path, layer="houses")
    assert len(records(chunks)) == 4
    with pytest.raises(ReadError) as caught:
        open_source(path, layer="schools")
    assert caught.value.code == "unknown_layer"


def test_gis_typed_attributes_as_text(tmp_path):
    rows = [
        {
            "编码": "A1",
            "层数": 3,
            "面积": 120.0,
            "经度": 103.834512,
            "日期": dt.date(2024, 3, 1),
            "备注": None,
        },
        {"编码": "A2", "层数": None, "面积": 95.25, "经度": 103.9, "日期": None, "备注": ""},
    ]
    path = fm.write_gpkg(tmp_path / "typed.gpkg", rows, fm.points([{"经度": 103.8, "纬度": 36.0}] * 2))
    _, chunks = read_all(path)
    assert records(chunks) == [
        {"编码": "A1", "层数": "3", "面积": "120", "经度": "103.834512", "日期": "2024-03-01", "备注": None},
        {"编码": "A2", "层数": None, "面积": "95.25", "经度": "103.9", "日期": None, "备注": None},
    ]


@pytest.mark.parametrize(("encoding", "cpg", "reported"), [("GBK", True, "gbk"), ("GBK", False, "gb18030")])
def test_shapefile_gbk_with_and_without_cpg(tmp_path, encoding, cpg, reported):
    path = fm.write_shapefile(tmp_path / "houses.shp", SHP_ROWS, fm.points(ROWS), encoding=encoding, cpg=cpg)
    assert path.with_suffix(".cpg").exists() is cpg
    info, chunks = read_all(path)
    assert info.format is FileFormat.SHAPEFILE
    assert info.encoding == reported
    assert info.columns == ("编码", "县区", "经度", "层数")
    assert info.crs == "EPSG:4490"
    assert info.rows == 10
    assert records(chunks) == expected_text(SHP_ROWS)
    assert "城关区" in {r["县区"] for r in records(chunks)}


def test_shapefile_utf8_without_cpg_and_zipped(tmp_path):
    path = fm.write_shapefile(tmp_path / "houses.shp", SHP_ROWS, fm.points(ROWS), encoding="UTF-8", cpg=False)
    info, chunks = read_all(path)
    assert info.encoding == "utf-8"
    assert records(chunks) == expected_text(SHP_ROWS)
    (tmp_path / "gbk").mkdir()
    gbk = fm.write_shapefile(tmp_path / "gbk" / "乡镇.shp", SHP_ROWS, fm.points(ROWS), cpg=False)
    archive = fm.zip_shapefile(gbk, tmp_path / "乡镇.zip", folder="数据/")
    assert detect_format(archive) is FileFormat.SHAPEFILE
    info, chunks = read_all(archive, chunk_rows=4)
    assert info.encoding == "gb18030"
    assert info.path == archive
    assert records(chunks) == expected_text(SHP_ROWS)
    assert [len(chunk.frame) for chunk in chunks] == [4, 4, 2]


def test_invalid_polygon_is_passed_through(tmp_path):
    rows = [{"乡镇名称": "皋兰路街道"}, {"乡镇名称": "张掖路街道"}, {"乡镇名称": "无几何"}]
    geometries = [fm.bowtie(), fm.square(), None]
    for path in (
        fm.write_gpkg(tmp_path / "towns.gpkg", rows, geometries, layer="towns"),
        fm.write_geojson(tmp_path / "towns.geojson", rows, geometries),
        fm.write_shapefile(tmp_path / "towns.shp", rows, geometries),
    ):
        _, chunks = read_all(path)
        geometry = chunks[0].geometry
        assert len(geometry) == 3, path.name
        assert not geometry[0].is_valid and geometry[0].equals(fm.bowtie()), path.name
        assert geometry[1].is_valid, path.name
        assert geometry[2] is None, path.name


# --------------------------------------------------------------------------------------------------
# Chunking


@pytest.mark.parametrize("kind", ["csv", "xlsx", "geojson", "gpkg", "shp"])
def test_chunking_gives_row_numbers(tmp_path, kind):
    if kind == "csv":
        path, first = fm.write_csv(tmp_path / "h.csv", ROWS), 2
    elif kind == "xlsx":
        path, first = fm.write_xlsx(tmp_path / "h.xlsx", ROWS), 2
    elif kind == "geojson":
        path, first = fm.write_geojson(tmp_path / "h.geojson", ROWS, fm.points(ROWS)), 1
    elif kind == "gpkg":
        path, first = fm.write_gpkg(tmp_path / "h.gpkg", ROWS, fm.points(ROWS)), 1
    else:
        path, first = fm.write_shapefile(tmp_path / "h.shp", SHP_ROWS, fm.points(ROWS)), 1
    info, chunks = read_all(path, chunk_rows=3)
    assert [len(chunk.frame) for chunk in chunks] == [3, 3, 3, 1]
    assert [chunk.row_numbers.tolist() for chunk in chunks] == [
        list(range(first + i, min(first + i + 3, first + 10))) for i in range(0, 10, 3)
    ]
    assert [chunk.first_row for chunk in chunks] == [first, first + 3, first + 6, first + 9]
    for chunk in chunks:
        assert_chunk_shape(chunk, info.columns)
        assert list(chunk.frame.index) == list(range(len(chunk.frame)))


def test_stream_is_lazy(tmp_path):
    path = fm.write_csv(tmp_path / "h.csv", ROWS)
    _, chunks = open_source(path, chunk_rows=4)
    assert len(next(chunks).frame) == 4  # nothing beyond what was asked has to be materialised


# --------------------------------------------------------------------------------------------------
# Errors


def test_detect_format():
    assert detect_format(Path("a.XLSX")) is FileFormat.XLSX
    assert detect_format(Path("a.txt")) is FileFormat.CSV
    assert detect_format(Path("a.json")) is FileFormat.GEOJSON
    assert detect_format(Path("a.gpkg")) is FileFormat.GPKG
    assert detect_format(Path("a.shp")) is FileFormat.SHAPEFILE
    for name in ("a.xls", "a.docx", "a.dbf"):
        with pytest.raises(ReadError) as caught:
            detect_format(Path(name))
        assert caught.value.code == "unsupported_format"
    with pytest.raises(ReadError) as caught:
        detect_format(Path("房屋.xls"))
    assert ".xlsx" in caught.value.message and "另存为" in caught.value.message


def test_xls_content_behind_xlsx_name(tmp_path):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_fake_xls(tmp_path / "old.xlsx"))
    assert caught.value.code == "unsupported_format"
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_bytes(tmp_path / "junk.xlsx", b"not a workbook"))
    assert caught.value.code == "unreadable"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("bom.csv", codecs.BOM_UTF8 + b" \r\n\r\n"),
        ("empty.xlsx", b""),
        ("empty.geojson", b""),
        ("empty.gpkg", b""),
    ],
)
def test_empty_file(tmp_path, name, content):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_bytes(tmp_path / name, content))
    assert caught.value.code == "empty_file"
    assert caught.value.message_en and "空" in caught.value.message


def test_empty_workbook(tmp_path):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_xlsx_cells(tmp_path / "blank.xlsx", []))
    assert caught.value.code == "empty_file"


@pytest.mark.parametrize("name", ["header.csv", "header.xlsx"])
def test_header_without_rows(tmp_path, name):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_header_only(tmp_path / name))
    assert caught.value.code == "no_rows"


def test_header_and_blank_lines_only(tmp_path):
    path = fm.write_csv(tmp_path / "blank.csv", [None, None], columns=fm.HOUSE_HEADERS)
    with pytest.raises(ReadError) as caught:
        open_source(path)
    assert caught.value.code == "no_rows"


def test_gis_layer_without_features(tmp_path):
    path = fm.write_gpkg(tmp_path / "none.gpkg", [], [])
    with pytest.raises(ReadError) as caught:
        open_source(path)
    assert caught.value.code == "no_rows"


@pytest.mark.parametrize(
    ("header", "data"),
    [([" ", ""], [["1", "2"]]), (["103.8", "36.1"], [["103.9", "36.2"]])],
)
def test_no_header(tmp_path, header, data):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_raw_csv(tmp_path / "noheader.csv", header, data))
    assert caught.value.code == "no_header"


@pytest.mark.parametrize("name", ["dup.csv", "dup.xlsx"])
def test_duplicate_header(tmp_path, name):
    with pytest.raises(ReadError) as caught:
        open_source(fm.write_duplicate_header(tmp_path / name))
    assert caught.value.code == "duplicate_header"
    assert "县区" in caught.value.message and "2、4" in caught.value.message


def test_blank_headers_inside_are_named_trailing_dropped(tmp_path):
    path = fm.write_raw_csv(
        tmp_path / "blank.csv", ["编码", "", "县区", "", ""], [["1", "x", "城关区", "", ""]]
    )
    info, chunks = read_all(path)
    assert info.columns == ("编码", "未命名列2", "县区")
    assert records(chunks) == [{"编码": "1", "未命名列2": "x", "县区": "城关区"}]


@pytest.mark.parametrize("sniff_bytes", [200, readers.SNIFF_BYTES])
def test_bad_encoding_mid_file(tmp_path, monkeypatch, sniff_bytes):
    # With a 200-byte sniff window the GBK line lies far beyond what chose the encoding (as row 800,000
    # of a big file would); with the full window the mixed sample is neither UTF-8 nor GBK: UTF-8.
    monkeypatch.setattr(readers, "SNIFF_BYTES", sniff_bytes)
    rows = fm.house_rows(60)
    path = tmp_path / "mixed.csv"
    line = fm.write_csv_with_bad_line(path, rows, bad_index=45)
    assert readers._detect_text_encoding(path) == "utf-8"
    seen = []
    with pytest.raises(ReadError) as caught:  # pandas decodes ahead in blocks: raised on open or later
        _, chunks = open_source(path, chunk_rows=10)
        for chunk in chunks:
            seen.extend(chunk.row_numbers.tolist())
    assert caught.value.code == "bad_encoding"
    assert f"第 {line} 行" in caught.value.message and f"line {line}" in caught.value.message_en
    assert "UTF-8" in caught.value.message
    assert not seen or max(seen) < line


def test_wrong_explicit_encoding_on_header(tmp_path):
    path = fm.write_csv(tmp_path / "gbk.csv", ROWS, encoding="gbk")
    with pytest.raises(ReadError) as caught:
        open_source(path, encoding="utf-8")
    assert caught.value.code == "bad_encoding"
    assert "第 1 行" in caught.value.message
    with pytest.raises(ReadError) as caught:
        open_source(path, encoding="no-such-codec")
    assert caught.value.code == "bad_encoding"


@pytest.mark.parametrize("missing", [".dbf", ".shx"])
def test_shapefile_missing_sidecar(tmp_path, missing):
    path = fm.write_shapefile(tmp_path / "houses.shp", SHP_ROWS, fm.points(ROWS))
    fm.drop_sidecar(path, missing)
    with pytest.raises(ReadError) as caught:
        open_source(path)
    assert caught.value.code == "missing_sidecar"
    assert f"houses{missing}" in caught.value.message


def test_shapefile_without_prj_has_no_crs(tmp_path):
    path = fm.write_shapefile(tmp_path / "houses.shp", SHP_ROWS, fm.points(ROWS))
    fm.drop_sidecar(path, ".prj")
    info, chunks = read_all(path)
    assert info.crs is None
    assert len(records(chunks)) == 10


def test_unparseable_geometry(tmp_path):
    path = fm.write_gpkg(tmp_path / "bad.gpkg", ROWS[:5], fm.points(ROWS[:5]), spatial_index=False)
    fm.corrupt_gpkg_geometry(path, fid=4)
    info, chunks = open_source(path, chunk_rows=2)
    with pytest.raises(ReadError) as caught:
        list(chunks)
    assert caught.value.code == "bad_geometry"
    assert "第 4 个要素" in caught.value.message


def test_zip_without_or_with_several_shapefiles(tmp_path):
    first = fm.write_shapefile(tmp_path / "a.shp", SHP_ROWS, fm.points(ROWS))
    fm.write_shapefile(tmp_path / "b.shp", SHP_ROWS, fm.points(ROWS))
    archive = tmp_path / "two.zip"
    fm.zip_shapefile(first, archive)
    import zipfile

    with zipfile.ZipFile(archive, "a") as z:
        z.write(tmp_path / "b.shp", "b.shp")
    with pytest.raises(ReadError) as caught:
        detect_format(archive)
    assert caught.value.code == "unsupported_format"
    with zipfile.ZipFile(tmp_path / "none.zip", "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(ReadError) as caught:
        open_source(tmp_path / "none.zip")
    assert caught.value.code == "unsupported_format"


def test_error_is_invalid_input_with_both_languages(tmp_path):
    from service.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        open_source(fm.write_bytes(tmp_path / "e.csv"))
    body = caught.value.to_dict()
    assert body["code"] == "empty_file"
    assert body["message"] != body["message_en"]
    assert caught.value.status_code == 422
