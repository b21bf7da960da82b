"""Spreadsheet export: one sheet, a bold frozen header row, and no formula injection.

Text that a spreadsheet would treat as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written as a text cell with a leading apostrophe, so neither Excel
nor LibreOffice evaluates it, and it stays inert if someone re-saves the sheet as CSV. Characters
that XML cannot carry (control characters) are dropped. Numbers, dates and booleans stay typed.
Aware datetimes are written as their wall-clock time in their own time zone (Excel has no time
zones): convert them to local time first.
"""

import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["FORMULA_TRIGGERS", "safe_text", "write_xlsx"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_WIDTH_SAMPLE_ROWS = 500
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def safe_text(text: str) -> str:
    """Text as it is written to a cell: XML-illegal characters dropped, formulas defused."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _cell(ws: WriteOnlyWorksheet, value: object, *, bold: bool = False) -> Cell:
    if (isinstance(value, datetime) and value.tzinfo is not None) or (
        isinstance(value, time) and value.tzinfo is not None
    ):
        value = value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        # The stub leaves out dates without time, times and Decimal, which openpyxl writes.
        cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
    else:
        cell = WriteOnlyCell(ws, value=safe_text(str(value)))
        cell.data_type = "s"  # never "f", whatever the text looks like
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_title(title: str) -> str:
    clean = ILLEGAL_CHARACTERS_RE.sub("", title).translate(_SHEET_TITLE_FORBIDDEN).strip("'")
    return clean.strip()[:31] or "Sheet1"


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    """An .xlsx file (bytes) with `headers` in bold and then `rows`, streamed in write-only mode.

    Column widths are estimated from the header and the first 500 rows."""
    wb = Workbook(write_only=True)
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    ws = wb.create_sheet(_sheet_title(title))

    row_iter = iter(rows)
    sample = list(itertools.islice(row_iter, _WIDTH_SAMPLE_ROWS))
    ncols = max([len(headers), *(len(r) for r in sample)])
    widths = [_display_width(h) for h in headers] + [0] * (ncols - len(headers))
    for row in sample:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _display_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(
            _MAX_WIDTH, max(_MIN_WIDTH, width + 2)
        )
    if headers:
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, bold=True) for h in headers])
    for row in itertools.chain(sample, row_iter):
        ws.append([_cell(ws, v) for v in row])

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
