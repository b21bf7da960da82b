"""Spreadsheet export: values kept, header bold, nothing a spreadsheet would evaluate."""

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from outpost.core.xlsx import safe_text, write_xlsx

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.com","点我")',
    "+86 139",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|'/C calc'!A0",
]


def _read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_it_keeps_values_and_types() -> None:
    rows = [
        ["段文", "320106194808100087", 96, 12.5, date(1948, 8, 10), True, None],
        [
            "阿依古丽·买买提",
            "13912345678",
            0,
            Decimal("3.25"),
            datetime(2024, 1, 2, 9, 30),
            False,
            "",
        ],
    ]
    headers = ["姓名", "证件号码", "人数", "面积", "日期", "重点", "备注"]
    ws = _read(write_xlsx(headers, rows, title="实有人口")).active
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == headers
    assert got[1] == ["段文", "320106194808100087", 96, 12.5, datetime(1948, 8, 10), True, None]
    assert got[2][:3] == ["阿依古丽·买买提", "13912345678", 0]
    assert got[2][3] == pytest.approx(3.25)
    assert got[2][4] == datetime(2024, 1, 2, 9, 30)
    assert got[2][5] is False
    assert got[2][6] is None  # an empty string is an empty cell
    assert ws.cell(row=2, column=2).data_type == "s"  # ID numbers stay text


def test_it_defuses_formulas() -> None:
    data = write_xlsx(["text"], [[value] for value in HOSTILE], title="t")
    ws = _read(data).active
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    for cell, original in zip(cells, HOSTILE, strict=True):
        assert cell.data_type == "s"
        # XML parsers read a stored CR as LF; the apostrophe is what matters
        assert cell.value == ("'" + original).replace("\r", "\n")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_it_defuses_formulas_in_headers_too() -> None:
    ws = _read(write_xlsx(["=1+1", "ok"], [], title="t")).active
    assert ws.cell(row=1, column=1).value == "'=1+1"
    assert ws.cell(row=1, column=1).data_type == "s"


def test_it_leaves_harmless_text_alone() -> None:
    assert safe_text("南京 = 鼓楼") == "南京 = 鼓楼"
    assert safe_text("a-b") == "a-b"
    assert safe_text("") == ""


def test_it_drops_characters_xml_cannot_carry() -> None:
    ws = _read(write_xlsx(["a"], [["ok\x00\x07fine"]], title="t")).active
    assert ws.cell(row=2, column=1).value == "okfine"


def test_it_writes_a_bold_frozen_header_and_sensible_widths() -> None:
    headers = ["姓名", "地址"]
    rows = [["段文", "江苏省南京市鼓楼区宁海路街道仙霞路社区珞珈路2号宁海花园1栋"], ["x", "y"]]
    wb = _read(write_xlsx(headers, rows, title="名单"))
    ws = wb.active
    assert ws.cell(row=1, column=1).font.b
    assert not ws.cell(row=2, column=1).font.b
    assert ws.freeze_panes == "A2"
    narrow = ws.column_dimensions["A"].width
    wide = ws.column_dimensions["B"].width
    assert 6 <= narrow < wide <= 60


def test_it_streams_rows_from_a_generator_past_the_width_sample() -> None:
    def rows() -> Iterator[list[object]]:
        for i in range(1_200):
            yield [i, f"第{i}行"]

    ws = _read(write_xlsx(["n", "text"], rows(), title="t")).active
    assert ws.max_row == 1_201
    assert ws.cell(row=1_201, column=2).value == "第1199行"


def test_it_cleans_the_sheet_title() -> None:
    wb = _read(write_xlsx(["a"], [], title="鼓楼区/宁海路[2024]: 名单?*" + "长" * 40))
    title = wb.active.title
    assert len(title) <= 31
    assert not set(title) & set("[]:*?/\\")
    assert title.startswith("鼓楼区_宁海路_2024")


def test_it_writes_aware_datetimes_as_their_wall_clock() -> None:
    moment = datetime(2024, 1, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    ws = _read(write_xlsx(["when"], [[moment]], title="t")).active
    assert ws.cell(row=2, column=1).value == datetime(2024, 1, 2, 9, 30)
