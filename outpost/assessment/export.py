"""The xlsx of a period in the layout offices use: one sheet per unit kind; a title row
(鼓楼区2026年11月警网双考考核结果), three header rows (each indicator's name over its two columns,
its weight, its target; then 数值 / 得分 under each), and one row per unit: code, name, each
figure's value and points, the total, the rank and the change from the previous period. Text
goes through `core.xlsx.safe_text` (no formula injection); values stay numbers."""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from outpost.assessment import periods, units
from outpost.assessment.catalogue import INDICATORS
from outpost.assessment.models import Period, Result, Score
from outpost.core.xlsx import safe_text

FIXED = 2  # code, name
TAIL = 3  # total, rank, change
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def title(period: Period) -> str:
    words = _("%(area)s %(period)s: joint police and grid assessment results")
    return words % {"area": period.scheme.area_name, "period": periods.worded(period.key)}


def workbook(period: Period, results: Sequence[Result]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for kind in units.KINDS:
        rows = [r for r in results if r.unit_kind == kind]
        if rows:
            _sheet(book.create_sheet(str(units.KINDS[kind])), period, rows)
    if not book.sheetnames:
        _sheet(book.create_sheet(_("Assessment results")), period, [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet: Worksheet, period: Period, rows: Sequence[Result]) -> None:
    figures = list(rows[0].scores.all()) if rows else []
    width = FIXED + 2 * len(figures) + TAIL
    sheet.append([safe_text(title(period))])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = CENTRE
    _headers(sheet, figures, width)
    for result in rows:
        sheet.append(_row(result))
    sheet.freeze_panes = "C6"
    sheet.column_dimensions["A"].width = 17
    sheet.column_dimensions["B"].width = 20


def _headers(sheet: Worksheet, figures: list[Score], width: int) -> None:
    names: list[object] = [_("Unit code"), _("Unit")]
    weights: list[object] = [_("Weight"), ""]
    targets: list[object] = [_("Target"), ""]
    under: list[object] = ["", ""]
    for s in figures:
        names += [str(INDICATORS[s.indicator].name), ""]
        weights += [s.weight, ""]
        targets += [s.target_shown, ""]
        under += [_("Value"), _("Points")]
    names += [_("Total score"), _("Rank"), _("Change from last period")]
    for row in (names, weights, targets, under):
        sheet.append([*row, *[""] * (width - len(row))])
    for n in range(len(figures)):
        column = FIXED + 2 * n + 1
        for line in (2, 3, 4):
            sheet.merge_cells(
                start_row=line, start_column=column, end_row=line, end_column=column + 1
            )
    for column in range(width - TAIL + 1, width + 1):
        sheet.merge_cells(start_row=2, start_column=column, end_row=5, end_column=column)
    for line in range(2, 6):
        for column in range(1, width + 1):
            sheet.cell(line, column).font = Font(bold=True)
            sheet.cell(line, column).alignment = CENTRE
    for column in range(FIXED + 1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11


def _row(result: Result) -> list[object]:
    cells: list[object] = [result.unit_code, safe_text(result.unit_name)]
    for s in result.scores.all():
        value = (
            None if s.value is None else round(100 * s.value, 1) if s.rate else round(s.value, 1)
        )
        cells += [value, None if s.points is None else round(s.points, 2)]
    return [*cells, result.total, result.rank, result.change_shown]
