"""The CSV reader: delimiter and header detection, then pandas' chunked C parser."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from service.frame.importing.headers import SCAN_ROWS, HeaderChoice, Matcher, choose_header, score
from service.frame.importing.readers.common import (
    _UTF8_BOM,
    Chunk,
    FileFormat,
    ReadError,
    SourceInfo,
    _empty_file,
    _frame,
    _scrub,
    _settle_headers,
    sniff_bytes,
)
from service.frame.importing.readers.encoding import _bad_encoding, _bad_line, _detect_text_encoding

_DELIMITERS = (",", "\t", ";")


def _sniff_delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties keep the first: the comma
    return best if counts[best] else ","


def _csv_header(text: IO[str], sniffed: str, match: Matcher) -> tuple[str, HeaderChoice] | None:
    """The delimiter and header that find the most known headings in the first rows (the sniffed delimiter
    wins ties: a title line may hold no delimiter at all)."""
    found = []
    for delimiter in (sniffed, *(d for d in _DELIMITERS if d != sniffed)):
        text.seek(0)
        head = list(enumerate(itertools.islice(csv.reader(text, delimiter=delimiter), SCAN_ROWS), 1))
        choice = choose_header(head, match)
        if choice is not None:
            found.append((score(choice.cells, match), delimiter == sniffed, delimiter, choice))
    text.seek(0)
    if not found:
        return None
    _, _, delimiter, choice = max(found, key=lambda f: (f[0], f[1]))
    return delimiter, choice


def _open_csv(
    path: Path, encoding: str | None, chunk_rows: int, match: Matcher | None = None
) -> tuple[SourceInfo, Iterator[Chunk]]:
    with open(path, "rb") as raw:
        head = raw.read(sniff_bytes())
        at_end = not raw.read(1)
    if at_end and not head.removeprefix(_UTF8_BOM).strip(b" \t\r\n\x00\xff\xfe"):
        raise _empty_file(path)
    encoding = encoding or _detect_text_encoding(path)
    try:
        with open(path, encoding=encoding, newline="", errors="strict") as text:
            first_line = text.readline()
            text.seek(0)
            delimiter = _sniff_delimiter(first_line)
            found = _csv_header(text, delimiter, match) if match is not None else None
            if found is None:
                raw_header, header_rows, consumed = next(csv.reader(text, delimiter=delimiter), []), (1,), 1
            else:
                delimiter, choice = found
                raw_header, header_rows, consumed = choice.cells, choice.rows, choice.consumed
    except UnicodeDecodeError:
        raise _bad_encoding(path, encoding, _bad_line(path, encoding)) from None
    except csv.Error as exc:
        raise ReadError(
            ReadError.UNREADABLE,
            f"无法读取「{path.name}」的表头（第 1 行）：{_scrub(exc, path)}。请用 Excel/WPS 打开检查后另存为 CSV。",
            f"Cannot read the header (line 1) of {path.name}: {_scrub(exc, path)}. Open it in Excel and save as CSV again.",
        ) from None
    columns, width = _settle_headers(path, raw_header, first_row=header_rows[0])
    info = SourceInfo(
        path=path,
        format=FileFormat.CSV,
        encoding=encoding,
        layer=None,
        columns=tuple(columns),
        crs=None,
        geometry_type=None,
        rows=None,
        header_rows=header_rows,
    )
    all_names = columns + [f"未命名列{index}" for index in range(width + 1, len(raw_header) + 1)]
    may_hold_nul = encoding.startswith("utf-16") or _has_nul_byte(path)
    return info, _iter_csv(path, encoding, delimiter, columns, all_names, chunk_rows, may_hold_nul, consumed)


def _has_nul_byte(path: Path) -> bool:
    """Whether the file holds a NUL byte (in UTF-8 and GB18030 only a NUL character is one); a fast scan."""
    with open(path, "rb") as raw:
        return any(b"\x00" in block for block in iter(lambda: raw.read(1 << 22), b""))


_PANDAS_LINE = re.compile(r"line (\d+), saw (\d+)")


def _iter_csv(
    path: Path,
    encoding: str,
    delimiter: str,
    columns: list[str],
    all_names: list[str],
    chunk_rows: int,
    may_hold_nul: bool = False,
    skip: int = 1,
) -> Iterator[Chunk]:
    reader = pd.read_csv(
        path,
        sep=delimiter,
        header=None,
        skiprows=skip,
        names=all_names,
        dtype=object,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding=encoding,
        encoding_errors="strict",
        chunksize=chunk_rows,
        engine="c",
    )
    next_row = skip + 1  # the header (and what is above it) takes the first ``skip`` rows
    with reader:
        while True:
            try:
                block = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _bad_encoding(path, encoding, _bad_line(path, encoding)) from None
            except pd.errors.ParserError as exc:
                raise _csv_parse_error(path, exc, len(columns)) from None
            count = len(block)
            if count == 0:
                continue
            row_numbers = np.arange(next_row, next_row + count, dtype=np.int64)
            next_row += count
            chunk = _text_chunk(block, columns, row_numbers)
            if chunk is not None:
                chunk.may_hold_nul = may_hold_nul
                yield chunk


def _csv_parse_error(path: Path, exc: Exception, width: int) -> ReadError:
    match = _PANDAS_LINE.search(str(exc))
    if match:
        line, seen = match.groups()
        return ReadError(
            ReadError.UNREADABLE,
            f"「{path.name}」第 {line} 行有 {seen} 列，但表头只有 {width} 列。请检查该行是否多了分隔符"
            "（如数值中含逗号时需要用英文双引号括起来）。",
            f"{path.name}: line {line} has {seen} fields but the header has {width}. Check that line for "
            "extra delimiters (quote values that contain commas).",
        )
    return ReadError(
        ReadError.UNREADABLE,
        f"无法读取 CSV 文件「{path.name}」：{_scrub(exc, path)}。请用 Excel/WPS 打开检查后另存为 CSV。",
        f"Cannot parse CSV file {path.name}: {_scrub(exc, path)}. Open it in Excel and save it as CSV again.",
    )


def _text_chunk(block: pd.DataFrame, columns: list[str], row_numbers: np.ndarray) -> Chunk | None:
    """Chunk from a frame of str cells: "" -> None, fully empty rows dropped (row numbers kept)."""
    data: dict[str, np.ndarray] = {}
    blank = np.ones(len(block), dtype=bool)
    for name in columns:
        values = np.array(block[name].to_numpy(dtype=object), dtype=object, copy=True)
        empty = values == ""
        values[empty] = None
        blank &= empty
        data[name] = values
    if blank.any():
        keep = ~blank
        if not keep.any():
            return None
        data = {name: values[keep] for name, values in data.items()}
        row_numbers = row_numbers[keep]
    return Chunk(frame=_frame(columns, data), first_row=int(row_numbers[0]), row_numbers=row_numbers)
