"""Reading import files: encodings, delimiters, xlsx title rows, column aliases, row numbers."""

import csv
import io
import lzma
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from outpost.registry.columns import COLUMNS, REQUIRED
from outpost.registry.tabular import Table, TableError, _header_key, read_table

SAMPLES = Path(settings.BASE_DIR) / "data" / "gulou" / "import_samples"
PERSONS = COLUMNS["persons"]
CANONICAL = list(PERSONS)
ENGLISH = [
    "Person ID",
    "Name",
    "ID Number",
    "Gender",
    "Date of Birth",
    "Phone",
    "Population Type",
    "Hukou Region",
    "Address ID",
    "Address",
    "Care Tags",
]
CHINESE = [
    "人员编号",
    "姓名*",
    "公民身份号码",
    "性别",
    "出生日期（必填）",
    "联系电话",
    "人口类型",
    "户籍地区划",
    "标准地址编码",
    "现住址",
    "关怀标签",
]


def _gbk() -> bytes:
    return (SAMPLES / "persons_dirty_gbk.csv").read_bytes()


def _text() -> str:
    return _gbk().decode("gbk")


def _persons(data: bytes, filename: str) -> Table:
    return read_table(data, filename, PERSONS, REQUIRED["persons"])


def _plain(table: Table) -> list[dict[str, str]]:
    """Values as text, dates as ISO dates, so CSV and xlsx can be compared."""

    def plain(value: object) -> str:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    return [{k: plain(v) for k, v in row.values.items()} for row in table.rows]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_header(header: list[str], delimiter: str = ",") -> str:
    """The GBK sample rewritten with another header row and delimiter."""
    records = list(csv.reader(io.StringIO(_text(), newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header, *records[1:]])
    return out.getvalue()


def test_it_reads_the_gbk_sample() -> None:
    table = _persons(_gbk(), "persons_dirty_gbk.csv")
    assert table.encoding == "gb18030"
    assert table.header_row == 1
    assert table.columns == CANONICAL
    assert table.unknown_columns == []
    assert len(table.rows) == 94
    first = table.rows[0]
    assert first.number == 2
    assert first.values["name"] == "于远伟"
    assert first.values["id_number"] == "51010420070411707X"
    assert table.rows[-1].number == 95


def test_it_finds_the_header_below_the_xlsx_title_row() -> None:
    table = _persons((SAMPLES / "persons_dirty.xlsx").read_bytes(), "persons_dirty.xlsx")
    assert table.encoding == "xlsx"
    assert table.header_row == 2
    assert table.sheet == "实有人口"
    assert table.columns == CANONICAL
    assert len(table.rows) == 94
    assert [r.number for r in table.rows] == list(range(3, 97))


def test_it_reads_the_same_rows_from_the_csv_and_the_xlsx() -> None:
    csv_table = _persons(_gbk(), "persons_dirty_gbk.csv")
    xlsx_table = _persons((SAMPLES / "persons_dirty.xlsx").read_bytes(), "persons_dirty.xlsx")
    assert _plain(csv_table) == _plain(xlsx_table)


@pytest.mark.parametrize(("encoding", "reported"), [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_it_reads_utf8_with_and_without_bom(encoding: str, reported: str) -> None:
    table = _persons(_text().encode(encoding), "persons.csv")
    assert table.encoding == reported
    assert _plain(table) == _plain(_persons(_gbk(), "persons_dirty_gbk.csv"))
    assert table.columns == CANONICAL  # the BOM is not part of the first column name


def test_it_reads_english_and_chinese_headers() -> None:
    reference = _plain(_persons(_gbk(), "x.csv"))
    for header in (ENGLISH, CHINESE):
        table = _persons(_with_header(header).encode("utf-8"), "persons.csv")
        assert table.columns == CANONICAL, header
        assert _plain(table) == reference


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_it_sniffs_tab_and_semicolon_delimiters(delimiter: str) -> None:
    table = _persons(_with_header(CANONICAL, delimiter).encode("utf-8"), "persons.txt")
    assert _plain(table) == _plain(_persons(_gbk(), "x.csv"))


def test_it_reads_xlsx_dates_and_numbers_and_keeps_row_numbers_true() -> None:
    data = _xlsx(
        [
            ["鼓楼区实有人口采集表"],
            [],
            ["姓名*", "ID Number", "出生日期", "户籍地", "备注"],
            ["段文", "320106194808100087", datetime(1948, 8, 10), 320106, "x"],
            [None, None, None, None, None],
            [" 马菊涛 ", "320111199404020340", "1994-04-02", 320111.0, None],
        ]
    )
    table = _persons(data, "upload.xlsx")
    assert table.header_row == 3
    assert table.columns == ["name", "id_number", "birth_date", "hukou_region"]
    assert table.unknown_columns == ["备注"]
    assert [r.number for r in table.rows] == [4, 6]
    assert table.rows[0].values["birth_date"] == date(1948, 8, 10)
    assert table.rows[0].values["hukou_region"] == 320106
    assert table.rows[1].values == {
        "name": "马菊涛",
        "id_number": "320111199404020340",
        "birth_date": "1994-04-02",
        "hukou_region": 320111,
    }


def test_it_reads_a_formula_as_its_saved_value_or_else_its_text() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号"])
    ws.append(['=HYPERLINK("http://x","点我")', "320106194808100087"])
    ws.append(["段文", "=B2"])
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl saves formulas without values, as scripts do
    table = _persons(buffer.getvalue(), "x.xlsx")
    assert table.rows[0].values["name"] == '=HYPERLINK("http://x","点我")'
    assert table.rows[1].values["id_number"] == "=B2"

    # The same file as Excel would save it: each formula with the value it computed.
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                formula = b'<c r="B3"><f>B2</f><v /></c>'
                assert formula in content
                content = content.replace(
                    formula, b'<c r="B3" t="str"><f>B2</f><v>320106194808100087</v></c>'
                )
            dst.writestr(item, content)
    saved = _persons(patched.getvalue(), "x.xlsx")
    assert saved.rows[1].values["id_number"] == "320106194808100087"
    assert saved.rows[0].values["name"] == '=HYPERLINK("http://x","点我")'


def test_it_skips_empty_csv_rows_but_counts_them() -> None:
    text = (
        "标题：鼓楼区人口\n"
        "\n"
        "姓名,身份证号,电话\n"
        "段文,320106194808100087,\n"
        ",,\n"
        "\n"
        "马菊涛, 320111199404020340 ,139\n"
    )
    table = _persons(text.encode("utf-8"), "x.csv")
    assert table.header_row == 3
    assert [r.number for r in table.rows] == [4, 7]
    assert table.rows[1].values == {
        "name": "马菊涛",
        "id_number": "320111199404020340",
        "phone": "139",
    }


def test_it_keeps_quoted_commas_and_newlines_in_one_cell() -> None:
    text = '姓名,地址,身份证号\n段文,"南京市鼓楼区,珞珈路2号\n1栋",320106194808100087\n'
    table = _persons(text.encode("utf-8"), "x.csv")
    assert table.rows[0].values["address"] == "南京市鼓楼区,珞珈路2号\n1栋"


def test_it_reports_unknown_and_repeated_columns() -> None:
    text = (
        "姓名,身份证号,手机号,联系电话,宠物\n段文,320106194808100087,13912345678,025-83456789,猫\n"
    )
    table = _persons(text.encode("utf-8"), "x.csv")
    assert table.columns == ["name", "id_number", "phone"]
    assert table.unknown_columns == ["联系电话", "宠物"]
    assert table.rows[0].values["phone"] == "13912345678"


def test_it_names_a_missing_required_column_in_both_languages() -> None:
    text = "姓名,性别,出生日期\n段文,女,1948-08-10\n"
    with pytest.raises(TableError) as caught:
        _persons(text.encode("utf-8"), "x.csv")
    assert "身份证号" in caught.value.zh
    assert "id_number" in caught.value.en
    assert str(caught.value) == caught.value.zh


def test_it_names_a_missing_required_column_in_xlsx_too() -> None:
    with pytest.raises(TableError, match="姓名"):
        _persons(_xlsx([["身份证号", "性别"], ["320106194808100087", "女"]]), "x.xlsx")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "x.csv"),
        (b"\x81\x30\xff\xfe\x80\x80", "x.csv"),  # neither UTF-8 nor GB18030
        (b"a,b,c\n1,2,3\n", "x.csv"),  # no recognisable header
        (b"PK\x03\x04 not really a zip", "x.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.xls"),
    ],
)
def test_it_refuses_unreadable_files_in_both_languages(data: bytes, filename: str) -> None:
    with pytest.raises(TableError) as caught:
        _persons(data, filename)
    assert caught.value.zh and caught.value.en


def test_it_detects_xlsx_by_content_whatever_the_name() -> None:
    table = _persons((SAMPLES / "persons_dirty.xlsx").read_bytes(), "upload")
    assert table.encoding == "xlsx"


# --- the alias tables -------------------------------------------------------------------------


def test_it_names_every_demo_csv_column() -> None:
    gulou = SAMPLES.parent
    for kind in ("addresses", "persons", "houses", "units"):
        with lzma.open(gulou / f"{kind}.csv.xz", "rt", encoding="utf-8") as f:
            header = next(csv.reader(f))
        expected = [*header, "address"] if kind == "persons" else header
        assert sorted(COLUMNS[kind]) == sorted(expected), kind
        assert set(REQUIRED[kind]) <= set(COLUMNS[kind])
        for canonical, names in COLUMNS[kind].items():
            assert any("\u4e00" <= ch <= "\u9fff" for n in names for ch in n), canonical


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_it_never_maps_one_name_to_two_columns(kind: str) -> None:
    seen: dict[str, str] = {}
    for canonical, names in COLUMNS[kind].items():
        for name in {canonical, *names}:
            key = _header_key(name)
            assert seen.setdefault(key, canonical) == canonical, (kind, name)


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_it_reads_each_demo_file_head(kind: str) -> None:
    with lzma.open(SAMPLES.parent / f"{kind}.csv.xz", "rb") as f:
        head = b"".join(f.readline() for _ in range(51))
    table = read_table(head, f"{kind}.csv", COLUMNS[kind], REQUIRED[kind])
    assert sorted(table.columns) == sorted(c for c in COLUMNS[kind] if c != "address")
    assert len(table.rows) == 50
