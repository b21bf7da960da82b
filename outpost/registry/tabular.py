"""Reading the tables people upload: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and xlsx.

`read_table` finds the header row (title rows above it are common in government templates),
maps its Chinese or English column names to canonical names through an alias table (see
`columns`), and returns the data rows with the row numbers a person sees when opening the file,
so that a report saying "row 17" points at row 17.

Header cells are compared after NFKC (full-width to half-width), lower-casing and removing spaces,
underscores, hyphens and ``*``; a cell such as "出生日期（必填）" or "面积(㎡)" that matches nothing
as written is tried again without its bracketed part.
"""

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outpost.core.i18n import Text, TextList

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Table",
    "TableError",
    "TableRow",
    "read_table",
    "table_error_text",
]

HEADER_SEARCH_ROWS = 20
_DELIMITERS = (",", "\t", ";")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and encrypted .xlsx)
_STRIP = " \t\r\n\u3000\ufeff\u200b"
_IGNORED_IN_HEADER = re.compile(r"[\s_\-*]+")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")


@dataclass
class TableRow:
    number: int  # the row number a person sees in the file (1-based, header counted)
    values: dict[str, object]  # canonical column → value (str stripped, or date/number from xlsx)


@dataclass
class Table:
    columns: list[str]  # canonical names found, in file order
    rows: list[TableRow]
    unknown_columns: list[str]  # header cells as written that map to nothing (or repeat a column)
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "utf-16" or "xlsx"
    header_row: int  # 1-based
    sheet: str = ""  # xlsx: the worksheet read


# Why a file as a whole cannot be read, by code. An import job stores the code and its JSON
# parameters (columns are [name, Chinese label] pairs) and renders them when the job is shown.
TABLE_ERRORS = {
    "missing_columns": _("missing required column(s): %(columns)s"),
    "no_header": _(
        "no header row in the first %(n)s rows "
        "(at least two column names must be recognised, e.g. %(examples)s)"
    ),
    "encoding": _("unrecognised text encoding: save the file as UTF-8 or GBK CSV, or as xlsx"),
    "not_text": _("the file is not a text CSV file"),
    "malformed_csv": _("malformed CSV at line %(line)s: %(error)s"),
    "bad_xlsx": _("cannot read the Excel file: damaged or not xlsx (%(error)s)"),
    "empty": _("the file is empty"),
    "legacy_excel": _(
        "legacy Excel (.xls) and encrypted files are not supported: save as xlsx or CSV"
    ),
}
_COLUMN = _("%(name)s (%(label)s)")
# The examples name each column as the reader's language calls it (its Chinese header in
# Chinese, its canonical name in English): the translation picks which parameter to show.
_EXAMPLE = pgettext_lazy("column example", "%(name)s")


class TableError(Exception):
    """The file as a whole cannot be read: a `code` from TABLE_ERRORS and JSON `params`;
    str() says why in the active language."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> Text:
        return table_error_text(self.code, self.params)

    def __str__(self) -> str:
        return str(self.message)

    # The reason in one fixed language, for the API's two-language answer.
    @property
    def zh(self) -> str:
        return self.message.in_language("zh-hans")

    @property
    def en(self) -> str:
        return self.message.in_language("en")


def table_error_text(code: str, params: Mapping[str, Any]) -> Text:
    shown = dict(params)
    for key, item in (("columns", _COLUMN), ("examples", _EXAMPLE)):
        if key in shown:
            shown[key] = TextList([Text(item, name=n, label=lb) for n, lb in shown[key]])
    return Text(TABLE_ERRORS.get(code, code), **shown)


def _header_key(text: str) -> str:
    return _IGNORED_IN_HEADER.sub("", unicodedata.normalize("NFKC", text).lower())


def _alias_index(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            index.setdefault(_header_key(name), canonical)
    return index


def _match_header(cell: object, index: Mapping[str, str]) -> str | None:
    if cell is None:
        return None
    key = _header_key(str(cell))
    if not key:
        return None
    if key in index:
        return index[key]
    bare = _BRACKETED.sub("", key)
    return index.get(bare) if bare and bare != key else None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_STRIP))


def _chinese_label(canonical: str, aliases: Mapping[str, Sequence[str]]) -> str:
    for name in aliases.get(canonical, ()):
        if any("\u4e00" <= ch <= "\u9fff" for ch in name):
            return name
    return canonical


def _find_header(
    rows: Sequence[Sequence[object]], index: Mapping[str, str]
) -> tuple[int, int] | None:
    """(position in `rows`, number of matching cells) of the first row that looks like a header."""
    need = min(2, len(set(index.values())))
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = {c for c in (_match_header(cell, index) for cell in row) if c}
        if len(matched) >= need:
            return position, len(matched)
    return None


def _clean(value: object) -> object:
    if isinstance(value, str):
        return value.strip(_STRIP)
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time(0, 0) and value.tzinfo is None:
        return value.date()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _build(
    numbered: Iterable[tuple[int, Sequence[object]]],
    header: Sequence[object],
    header_row: int,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    encoding: str,
    sheet: str = "",
) -> Table:
    index = _alias_index(aliases)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(header):
        if _is_blank(cell):
            continue
        canonical = _match_header(cell, index)
        if canonical is None or canonical in positions:
            unknown.append(str(cell).strip(_STRIP))
        else:
            positions[canonical] = i
    missing = [name for name in required if name not in positions]
    if missing:
        columns = [[m, _chinese_label(m, aliases)] for m in missing]
        raise TableError("missing_columns", columns=columns)
    rows: list[TableRow] = []
    for number, raw in numbered:
        if all(_is_blank(v) for v in raw):
            continue
        values = {name: _clean(raw[i]) if i < len(raw) else "" for name, i in positions.items()}
        rows.append(TableRow(number=number, values=values))
    return Table(
        columns=list(positions),
        rows=rows,
        unknown_columns=unknown,
        encoding=encoding,
        header_row=header_row,
        sheet=sheet,
    )


def _no_header_error(aliases: Mapping[str, Sequence[str]]) -> TableError:
    examples = [[c, _chinese_label(c, aliases)] for c in list(aliases)[:4]]
    return TableError("no_header", n=HEADER_SEARCH_ROWS, examples=examples)


# ---------------------------------------------------------------------------------------------
# CSV


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise TableError("encoding") from None


def _read_csv(data: bytes, aliases: Mapping[str, Sequence[str]], required: Sequence[str]) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise TableError("not_text")
    index = _alias_index(aliases)
    best: tuple[int, str, int] | None = None  # (matched columns, delimiter, header position)
    for delimiter in _DELIMITERS:
        head = list(_records(text, delimiter, limit=HEADER_SEARCH_ROWS))
        found = _find_header(head, index)
        if found and (best is None or found[1] > best[0]):
            best = (found[1], delimiter, found[0])
    if best is None:
        raise _no_header_error(aliases)
    _matched, delimiter, position = best
    records = enumerate(_records(text, delimiter), start=1)
    header: Sequence[object] = ()
    for number, record in records:
        if number == position + 1:
            header = record
            break
    return _build(records, header, position + 1, aliases, required, encoding)


def _records(text: str, delimiter: str, limit: int | None = None) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for count, record in enumerate(reader):
            if limit is not None and count >= limit:
                return
            yield record
    except csv.Error as exc:
        raise TableError("malformed_csv", line=reader.line_num, error=str(exc)) from None


# ---------------------------------------------------------------------------------------------
# xlsx


def _open_xlsx(data: bytes, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError("bad_xlsx", error=exc.__class__.__name__) from None


def _sheet_rows(ws: Any) -> Iterator[tuple[object, ...]]:
    ws.reset_dimensions()  # trust the rows, not a possibly stale <dimension> tag
    return ws.iter_rows(values_only=True)


def _read_xlsx(data: bytes, aliases: Mapping[str, Sequence[str]], required: Sequence[str]) -> Table:
    """Formula cells give the value saved with the file, as Excel shows it; a formula saved
    without a value (files written by programs) gives its text, "=…", so that it is seen and
    refused rather than read as an empty cell."""
    index = _alias_index(aliases)
    wb = _open_xlsx(data, data_only=False)  # first the formulas, to know where they are
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # chart sheets
            rows = _sheet_rows(ws)
            head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
            found = _find_header(head, index)
            if found is None:
                continue
            position = found[0]
            numbered = [
                (number, list(row))
                for number, row in enumerate(head, start=1)
                if number > position + 1
            ]
            numbered.extend((number, list(row)) for number, row in enumerate(rows, len(head) + 1))
            _fill_saved_values(data, ws.title, numbered)
            return _build(
                numbered, head[position], position + 1, aliases, required, "xlsx", ws.title
            )
        raise _no_header_error(aliases)
    finally:
        wb.close()


def _fill_saved_values(data: bytes, title: str, numbered: list[tuple[int, list[object]]]) -> None:
    formulas = {
        number: [i for i, v in enumerate(row) if isinstance(v, str) and v.startswith("=")]
        for number, row in numbered
    }
    formulas = {number: cols for number, cols in formulas.items() if cols}
    if not formulas:
        return
    rows_by_number = dict(numbered)
    wb = _open_xlsx(data, data_only=True)
    try:
        last = max(formulas)
        for number, saved in enumerate(_sheet_rows(wb[title]), start=1):
            for col in formulas.get(number, ()):
                if col < len(saved) and not _is_blank(saved[col]):
                    rows_by_number[number][col] = saved[col]
            if number >= last:
                break
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str] = (),
) -> Table:
    """Read an uploaded CSV or xlsx file; TableError if the file as a whole is unusable."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if not data:
        raise TableError("empty")
    if data.startswith(_OLE_MAGIC) or suffix == "xls":
        raise TableError("legacy_excel")
    if data.startswith(_XLSX_MAGIC) or suffix in ("xlsx", "xlsm"):
        return _read_xlsx(data, aliases, required)
    return _read_csv(data, aliases, required)
