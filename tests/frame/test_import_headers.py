"""Finding the header among the first rows of a register (no database): titles, unit lines, two-row
headers, column-number rows, and files whose header is row 1."""

from __future__ import annotations

from service.frame.importing.fields import Kind, header_matcher
from service.frame.importing.headers import choose_header, combine, rows_label
from service.frame.importing.readers import open_source
from tests import filemakers as fm

MATCH = header_matcher(Kind.HOUSES)


def numbered(cells):
    return list(enumerate(cells, 1))


def test_header_on_row_one_stays_row_one():
    head = numbered([["自建房排查编码", "经度", "纬度"], ["A1", 103.8, 36.0], ["A2", 103.9, 36.1]])
    choice = choose_header(head, MATCH)
    assert (choice.rows, choice.consumed, choice.cells) == ((1,), 1, ["自建房排查编码", "经度", "纬度"])


def test_title_unit_and_blank_rows_are_skipped():
    head = numbered([["XX县自建房安全隐患排查台账", None, None], ["填报单位：XX县住建局", None, "填报日期：2024-05-20"],
                     [None, None, None], ["自建房排查编码", "经度", "纬度"], ["A1", "103.8", "36.0"]])  # fmt: skip
    choice = choose_header(head, MATCH)
    assert (choice.rows, choice.consumed) == ((4,), 4)


def test_two_row_header_either_row_the_best():
    upper = ["序号", "自建房排查编码", "房屋位置", None, "坐标", None, "房屋用途"]
    lower = [None, None, "县区", "乡镇（街道）", "经度", "纬度", None]
    expected = ["序号", "自建房排查编码", "县区", "乡镇（街道）", "经度", "纬度", "房屋用途"]
    for head in (numbered([["台账"], upper, lower, [1, "A1", "城关区", "x", 103.8, 36.0, "经营性自建房"]]),
                 numbered([upper, lower, ["1", "A1", "城关区", "x", "103.8", "36.0", "经营性自建房"]])):  # fmt: skip
        choice = choose_header(head, MATCH)
        assert choice.cells == expected and len(choice.rows) == 2 and choice.consumed == choice.rows[1]
    assert rows_label((2, 3)) == "第 2-3 行" and rows_label((5,)) == "第 5 行"


def test_unknown_sub_headings_take_their_group_and_known_combinations_are_found():
    assert combine(["其他", None, "建筑面积"], ["备注", "联系人", "（㎡）"], MATCH) == [
        "其他-备注", "其他-联系人", "建筑面积（㎡）"]  # fmt: skip


def test_a_data_row_never_joins_the_header_and_column_numbers_are_skipped():
    head = numbered([["自建房排查编码", "县区", None], ["A1", "经度", None]])  # a stray known word, no number
    assert choose_header(head, MATCH).rows == (1,)  # joined, it would lose 自建房排查编码: no better
    head = numbered([["自建房排查编码", "县区", None], ["A1", "城关区", "36.0"]])
    assert choose_header(head, MATCH).rows == (1,)
    head = numbered([["自建房排查编码", "经度", "纬度"], [1, 2, 3], ["A1", "103.8", "36.0"]])
    choice = choose_header(head, MATCH)
    assert (choice.rows, choice.consumed) == ((1,), 2)


def test_no_known_heading_is_no_choice():
    assert choose_header(numbered([["编号", "X", "Y"], ["1", "2", "3"]]), MATCH) is None
    assert choose_header(numbered([[None], []]), MATCH) is None


def test_readers_keep_the_sheet_row_numbers(tmp_path):
    rows = [{"自建房排查编码": f"A{i}", "县区": "城关区", "乡镇（街道）": "x", "经度": 103.8, "纬度": 36.0} for i in range(3)]
    groups = {"房屋位置": ["县区", "乡镇（街道）"], "坐标": ["经度", "纬度"]}
    for path in (tmp_path / "r.xlsx", tmp_path / "r.csv"):
        write = fm.write_register_xlsx if path.suffix == ".xlsx" else fm.write_register_csv
        assert write(path, rows, groups, column_numbers=True) == (4, 5)
        info, chunks = open_source(path, header_match=MATCH)
        assert info.header_rows == (4, 5) and info.columns == ("自建房排查编码", "县区", "乡镇（街道）", "经度", "纬度")
        chunk = next(chunks)
        assert chunk.row_numbers.tolist() == [7, 8, 9] and chunk.frame["自建房排查编码"].tolist() == ["A0", "A1", "A2"]
        plain, _ = open_source(path)  # without a matcher: the first row, as before
        assert plain.header_rows[0] == 1


def test_csv_delimiter_is_chosen_by_the_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("XX县自建房台账\n\n自建房排查编码\t经度\t纬度\nA1\t103.8\t36.0\n", encoding="utf-8")
    info, chunks = open_source(path, header_match=MATCH)
    assert info.columns == ("自建房排查编码", "经度", "纬度") and info.header_rows == (3,)
    assert next(chunks).row_numbers.tolist() == [4]
