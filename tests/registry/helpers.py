"""Shared by the registry tests: reading pages back, independent checks of the sample rows, the
masks and the access log's hash chain, and the scoped sets the tests compare against."""

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import openpyxl
from django.http import HttpResponse

from outpost.core.access import chained_fields, row_digest
from outpost.core.models import AccessLogEntry, AccessLogHead
from outpost.registry.models import House, HouseUse, Person, StandardAddress
from tests.conftest import HOME_GRID
from tests.registry.data import RegistryData

CJK = re.compile(r"[\u4e00-\u9fff]")
MOBILE = re.compile(r"1[3-9]\d{9}")
NAME = re.compile(r"[\u4e00-\u9fff·A-Za-z ]+")
# GB 11643: weights 2^(17-i) mod 11, check characters indexed by the weighted sum mod 11.
ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
ID_CHECK = "10X98765432"
# The field each kind of defect in the dirty sample is to be rejected on.
DEFECT_FIELDS = {
    "missing_name": "name",
    "hostile_name": "name",
    "bad_id_checksum": "id_number",
    "birth_date_conflicts_id": "birth_date",
    "bad_phone": "phone",
    "unknown_address": "addr_id",
    "repeat_in_file": "id_number",  # one row per person and file: a repeat is refused
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GENESIS = "0" * 64


# --- the people the test data holds ---------------------------------------------------------


def masked_id(number: str) -> str:
    """The documented mask: ****************87 (README, "Privacy")."""
    return "*" * 16 + number[-2:]


def masked_phone(number: str) -> str:
    """The documented mask: 139****5678."""
    return number[:3] + "****" + number[-4:]


def id_checksum_ok(number: str) -> bool:
    head = number[:17]
    if len(number) != 18 or not head.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(head, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def defect(
    row: dict[str, str], earlier: set[str], known: set[str], addresses: dict[str, Any]
) -> str:
    """Which kind of row the dirty sample's row is, judged from the row alone and the data
    files, with the kinds named as in persons_dirty_expected.json."""
    if not row["name"].strip():
        return "missing_name"
    if not NAME.fullmatch(row["name"]):
        return "hostile_name"
    if not id_checksum_ok(row["id_number"]):
        return "bad_id_checksum"
    if row["birth_date"].replace("-", "") != row["id_number"][6:14]:
        return "birth_date_conflicts_id"
    if row["phone"] and not MOBILE.fullmatch(row["phone"]):
        return "bad_phone"
    if row["addr_id"] and row["addr_id"] not in addresses:
        return "unknown_address"
    if row["id_number"] in earlier:
        return "repeat_in_file"
    if row["id_number"] in known:
        return "duplicate_of_existing"
    return "valid"


def classify(rows: list[dict[str, str]], data: RegistryData) -> list[str]:
    known = {p["id_number"] for p in data.persons.values()}
    earlier: set[str] = set()
    kinds = []
    for row in rows:
        kinds.append(defect(row, earlier, known, data.addresses))
        earlier.add(row["id_number"])
    return kinds


def new_person_row(like: dict[str, str], addr_id: str, sequence: int) -> dict[str, str]:
    """A person nobody has registered: `like`'s area and birth date, another sequence number
    (so another valid ID number per GB 11643), living at `addr_id`."""
    head = like["id_number"][:14] + f"{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(head, ID_WEIGHTS, strict=True))
    number = head + ID_CHECK[total % 11]
    return {
        **like,
        "person_id": "",
        "name": "新登记" + "甲乙丙丁戊己庚辛壬癸"[sequence % 10],
        "id_number": number,
        "gender": "男" if sequence % 2 else "女",
        "phone": "",
        "addr_id": addr_id,
        "care_tags": "",
    }


def kind_counts(kinds: list[str]) -> dict[str, int]:
    return dict(Counter(kinds))


def person_row(data: RegistryData, person_no: str) -> dict[str, str]:
    return data.persons[person_no]


def loaded_in_grid(data: RegistryData, grid_code: str) -> dict[str, dict[str, str]]:
    """The loaded people whose address the platform placed in the grid."""
    rooms = set(StandardAddress.objects.filter(grid_code=grid_code).values_list("code", flat=True))
    return {no: row for no, row in data.persons.items() if row["addr_id"] in rooms}


def loaded_in_beat(data: RegistryData, beat_code: str) -> dict[str, dict[str, str]]:
    rooms = set(StandardAddress.objects.filter(beat_code=beat_code).values_list("code", flat=True))
    return {no: row for no, row in data.persons.items() if row["addr_id"] in rooms}


def unique_name_in(people: dict[str, dict[str, str]], others: dict[str, dict[str, str]]) -> str:
    """A name held by exactly one of `people` and by nobody in `others` or elsewhere."""
    names = Counter(row["name"] for row in people.values())
    elsewhere = {row["name"] for row in others.values()}
    for name, n in sorted(names.items()):
        if n == 1 and name not in elsewhere and Person.objects.filter(name=name).count() == 1:
            return name
    raise AssertionError("no name unique to these people")


# --- the access log ---------------------------------------------------------------------------


def assert_chain_intact() -> list[AccessLogEntry]:
    """Every row's hash recomputed from its stored fields and its predecessor's hash."""
    entries = list(AccessLogEntry.objects.order_by("id"))
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous, f"row {entry.pk} does not chain onto its predecessor"
        assert entry.row_hash == row_digest(entry.prev_hash, chained_fields(entry)), (
            f"row {entry.pk} does not match its hash"
        )
        previous = entry.row_hash
    head = AccessLogHead.objects.filter(pk=1).first()
    assert (head.last_hash if head else GENESIS) == previous
    return entries


# --- reading pages and files ------------------------------------------------------------------


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """Tables by id (rows of cell texts and links), facts by element id, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[Row]] = {}
        self.ids: dict[str, str] = {}
        self.messages: list[tuple[str, str]] = []
        self._table: str | None = None
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._id_stack: list[tuple[str, str, list[str]]] = []
        self._in_head = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "table":
            self._table = attr.get("id") or f"table{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None and not self._in_head:
            self._row = Row()
            self.tables[self._table].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None:
            self._row.links.append(attr.get("href") or "")
        if attr.get("id") and tag not in ("table", "input", "select"):
            self._id_stack.append((tag, attr["id"] or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        if self._id_stack and self._id_stack[-1][0] == tag:
            _, name, parts = self._id_stack.pop()
            self.ids[name] = " ".join(" ".join(parts).split())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, _, parts in self._id_stack:
            parts.append(data)

    def column(self, table: str, index: int) -> list[str]:
        return [row.cells[index] for row in self.tables[table] if len(row.cells) > index]


def page(response: HttpResponse) -> Page:
    assert response.status_code == 200, response.status_code
    return Page(response.content.decode())


def workbook_rows(body: bytes) -> tuple[list[str], list[list[Any]], Any]:
    """Header, data rows and the sheet of an xlsx download (checked to open with openpyxl)."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:], sheet


def formula_cells(sheet: Any) -> list[str]:
    return [
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))
    ]


def lightly_used_house(data: RegistryData) -> tuple[House, int]:
    """A home-grid house (not a business) with one resident and at most one stated occupant."""
    for house in House.objects.filter(grid_code=HOME_GRID, area_m2__isnull=False).exclude(
        use=HouseUse.BUSINESS
    ):
        residents = len(data.people_at(house.address.code))
        if residents == 1 and house.occupants <= 1:
            return house, residents
    raise AssertionError("no lightly used house in the home grid")
