"""Nobody rebuilds a full ID number (or phone number) from what they are shown.

For real people loaded through the importer, each viewer who may not (or did not) unmask fetches
every surface that can show a person: the people list and search, the person page, the room's
household, the API (list, detail, search by the last digits), the xlsx export, a case naming the
person as a party and reported from their phone (page and API), the inbox (page and API), and the
import reports (the command line's CSV and the upload's xlsx). Everything that came back is
pooled, and a brute-force rebuild enumerates every ID number consistent with it.

The attacker is granted more than any page shows: the exact area code (the hukou region shown
beside the number usually is it), the sex, and the birth year. What remains unknown is what the
pages must keep hidden. The bar is at least 1,000 candidates per person (``THRESHOLD``): a guess
is right at most one time in a thousand, and confirming a guess needs the exact-number search,
which is logged (so telling one person's number costs hundreds of logged lookups). The same
rebuild applied to the old mask (area code and last four shown) with the birth date beside it
finds exactly one number: the test demonstrably fails on that code.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from outpost.accounts.roles import Role
from outpost.cases import services as cases
from outpost.cases.models import Case, SubType
from outpost.cases.taxonomy import load_taxonomy
from outpost.registry.imports import run_import
from outpost.registry.management.commands.registry import write_report
from outpost.registry.models import ImportJob, Person
from outpost.registry.validators import normalize_phone
from tests.conftest import HOME_GRID, Persona, _persona
from tests.registry.data import RegistryData, as_csv
from tests.registry.helpers import (
    ID_CHECK,
    ID_WEIGHTS,
    loaded_in_beat,
    loaded_in_grid,
    new_person_row,
    workbook_rows,
)

pytestmark = pytest.mark.django_db

THRESHOLD = 1000
API = "/api/v1"
Capture = Callable[..., AbstractContextManager[Any]]
# An ID number as any surface writes it, masked or not; a phone number likewise.
ID_TOKEN = re.compile(r"(?<![0-9A-Za-z*])[0-9Xx*]{18}(?![0-9A-Za-z*])")
PHONE_TOKEN = re.compile(r"(?<![0-9*])\+?[0-9*][0-9*\- ]{5,}[0-9*](?![0-9*])")


# --- what a viewer learned, and the rebuild ---------------------------------------------------


@dataclass
class Learned:
    """What everything one viewer received reveals of one person's numbers."""

    id_chars: dict[int, str] = field(default_factory=dict)  # position → character
    birth_date_seen: bool = False
    phone_digits: dict[int, str] = field(default_factory=dict)  # position → digit


def check_char(head: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(head, ID_WEIGHTS, strict=True)) % 11]


def id_candidates(number: str, learned: Learned) -> int:
    """Every 18-character ID number consistent with what was learned, granting the area code,
    the sex and the birth year on top; the check character must hold (GB 11643)."""
    area, born = number[:6], dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    shown = learned.id_chars

    def fits(text: str, offset: int) -> bool:
        return all(shown.get(offset + i, c) == c for i, c in enumerate(text))

    if learned.birth_date_seen:
        days = [born]
    else:
        first = dt.date(born.year, 1, 1)
        days = [first + dt.timedelta(n) for n in range((dt.date(born.year + 1, 1, 1) - first).days)]
    sex = int(number[16]) % 2
    sequences = [f"{n:03d}" for n in range(1000) if n % 2 == sex and fits(f"{n:03d}", 14)]
    count = 0
    for day in days:
        born_text = day.strftime("%Y%m%d")
        if not fits(born_text, 6):
            continue
        for sequence in sequences:
            check = check_char(area + born_text + sequence)
            count += shown.get(17, check) == check
    return count


def phone_candidates(phone: str, learned: Learned) -> int:
    """Mobile numbers consistent with the digits learned (the leading 1 is granted)."""
    hidden = [i for i in range(1, len(phone)) if i not in learned.phone_digits]
    return 10 ** len(hidden)


def birth_texts(born: dt.date) -> set[str]:
    """The ways a page, a sheet or an answer could write the birth date."""
    texts = {born.isoformat(), born.strftime("%Y%m%d"), born.strftime("%Y/%m/%d")}
    texts |= {f"{born.year}年{born.month}月{born.day}日", f"{born.year}/{born.month}/{born.day}"}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.add(str(formats.date_format(born, "DATE_FORMAT")))
            texts.add(str(formats.date_format(born, "SHORT_DATE_FORMAT")))
    return texts


def learn(number: str, phone: str, received: list[str]) -> Learned:
    """Pool every masked or whole number in the texts that fits this person's."""
    learned = Learned()
    born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    dates = birth_texts(born)
    for text in received:
        learned.birth_date_seen |= any(d in text for d in dates)
        for token in ID_TOKEN.findall(text):
            token = token.upper()
            if all(t in ("*", c) for t, c in zip(token, number, strict=True)):
                learned.id_chars |= {i: c for i, c in enumerate(token) if c != "*"}
        for token in PHONE_TOKEN.findall(text):
            digits = re.sub(r"[^0-9*]", "", token)
            if len(digits) > len(phone) and digits.startswith("86"):
                digits = digits[2:]  # +86, the country code
            if len(digits) != len(phone):
                continue
            if all(t in ("*", c) for t, c in zip(digits, phone, strict=True)):
                learned.phone_digits |= {i: c for i, c in enumerate(digits) if c != "*"}
    return learned


def test_it_rebuilds_the_number_from_the_old_mask_and_the_birth_date() -> None:
    """The rebuild works: the mask that hid exactly the birth date, with the date beside it,
    leaves one number; with the birth year instead, about 33 (too few)."""
    number = "320106194808100087"
    old = Learned({i: c for i, c in enumerate(number) if i < 6 or i >= 14}, True)
    assert id_candidates(number, old) == 1
    old.birth_date_seen = False
    assert id_candidates(number, old) < THRESHOLD
    assert learn(number, "", ["320106********0087 1948-08-10"]).birth_date_seen


# --- the people, the case, the import ---------------------------------------------------------


@pytest.fixture(autouse=True)
def taxonomy(db: None) -> None:
    load_taxonomy()


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The real background worker inside the test's transaction (see test_jobs)."""
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


def targets(data: RegistryData, officer: Persona) -> list[dict[str, str]]:
    """Home-grid residents in the officer's beat with a mobile number: a man, a woman."""
    beat = officer.user.assignments.get().scope_code
    in_beat = loaded_in_beat(data, beat)
    rows = [r for no, r in sorted(loaded_in_grid(data, HOME_GRID).items()) if no in in_beat]
    rows = [r for r in rows if re.fullmatch(r"1[3-9]\d{9}", r["phone"])]
    picked = [next(r for r in rows if r["gender"] == g) for g in ("男", "女")]
    return picked


def party_case(row: dict[str, str], reporter: Persona, commander: Persona) -> Case:
    """A case with the person as a party, reported from their phone (as a diverted 110 call
    brings it, normalised), dispatched to the grid so the inbox holds it."""
    new = cases.NewCase(
        subtype=SubType.objects.select_related("category").get(code="0101"),
        title="楼道堆物引发争吵",
        source="grid_patrol",
        address=row["addr_id"],
        reporter_name=row["name"],
        reporter_phone=normalize_phone(f"+86 {row['phone']}"),
        parties=[row["id_number"]],
    )
    case = cases.report_case(new, actor=reporter.user)
    for step in ("accept", "dispatch"):
        cases.act(case, step, actor=commander.user)
    return case


def import_reports(
    uploader: Persona,
    row: dict[str, str],
    tmp_path: Path,
    worker: Callable[[], None],
    capture: Capture,
) -> list[str]:
    """The uploader's reports of a file about the person's room: a newcomer (born on another
    day: the uploader knows the newcomer's number, not the person's), the person named without
    a number, the newcomer again with a birth date that does not fit."""
    other_day = "19700101" if row["birth_date"] != "1970-01-01" else "19700102"
    like = {**row, "id_number": row["id_number"][:6] + other_day + row["id_number"][14:]}
    fresh = {**new_person_row(like, row["addr_id"], 977), "birth_date": ""}
    rows = [
        fresh,
        {**row, "person_id": "", "id_number": ""},
        {**fresh, "birth_date": "2001-01-01"},
    ]
    data = as_csv(rows)
    result = run_import("persons", data, "people.csv", actor=uploader.user, dry_run=True)
    report = tmp_path / f"report-{uploader.user.pk}.csv"
    write_report(result, report)
    texts = [report.read_text(encoding="utf-8-sig")]
    upload = SimpleUploadedFile("people.csv", data)
    with capture(execute=True):
        answer = uploader.client.post(
            f"{API}/registry/imports", {"kind": "persons", "file": upload, "dry_run": "true"}
        )
    assert answer.status_code == 202, answer.content
    worker()
    job = ImportJob.objects.get(pk=answer.json()["id"])
    texts.append(
        uploader.client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    )
    sheet = uploader.client.get(reverse("registry:import_report", args=[job.pk])).content
    texts.append(_cells(sheet))
    return texts


def _cells(body: bytes) -> str:
    header, rows, _ = workbook_rows(body)
    return "\n".join("|".join(str(c) for c in r) for r in [header, *rows])


def received(viewer: Persona, row: dict[str, str], case: Case) -> Iterator[str]:
    """Everything this viewer can fetch that could show the person."""
    client, name = viewer.client, row["name"]
    person = Person.objects.get(person_no=row["person_id"])
    pages = [
        f"{reverse('registry:people')}?q={name}",
        reverse("registry:person", args=[person.person_no]),
        reverse("registry:address", args=[row["addr_id"]]),
        f"{API}/registry/people?q={name}",
        f"{API}/registry/people/{person.person_no}",
        f"/cases/{case.number}/",
        f"{API}/cases/{case.number}",
        "/inbox/",
        f"{API}/notifications",
        reverse("audit:log"),
    ]
    for url in pages:
        yield client.get(url).content.decode()
    for url, query in (
        (reverse("registry:export", args=["people"]), {"q": name}),
        (reverse("audit:export"), {}),
    ):
        sheet = client.get(url, query)
        if sheet.status_code == 200:
            yield _cells(sheet.content)
    # The search by the last digits of the number: finding the person by more digits than any
    # page shows would reveal them.
    for k in range(1, 5):
        tail = row["id_number"][-k:]
        found = client.get(f"{API}/registry/people", {"q": tail, "limit": 200})
        if found.status_code == 200 and person.person_no in found.content.decode():
            yield "*" * (18 - k) + tail


def test_it_leaves_no_viewer_able_to_rebuild_an_id_or_phone_number(
    registry_data: RegistryData,
    grid_worker: Persona,
    commander: Persona,
    officer: Persona,
    admin: Persona,
    reporter: Persona,
    tmp_path: Path,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """A grid worker, a street commander, an administrator (who reads the access log too), a
    community officer who may unmask but did not, an auditor and a reporter (8大员): none gets
    fewer than 1,000 candidates for any person's ID number, nor for a mobile number (every mask
    of it pooled)."""
    auditor = _persona("auditor_p", Role.AUDITOR, commander.user.assignments.get().scope_code)
    found: list[tuple[str, str, int, int]] = []
    for row in targets(registry_data, officer):
        case = party_case(row, grid_worker, commander)
        for role, viewer in (
            ("grid worker", grid_worker),
            ("street commander", commander),
            ("administrator", admin),
            ("community officer (not unmasked)", officer),
            ("auditor", auditor),
            ("reporter", reporter),
        ):
            texts = list(received(viewer, row, case))
            if viewer in (grid_worker, officer):
                texts += import_reports(
                    viewer, row, tmp_path, worker, django_capture_on_commit_callbacks
                )
            learned = learn(row["id_number"], row["phone"], texts)
            if viewer not in (auditor, reporter):  # these two never see the registry
                # The masks were found and pooled: the rebuild works on what was really shown.
                assert row["name"] in "".join(texts), f"{role} was shown nothing of the person"
                assert {16, 17} <= set(learned.id_chars) and len(learned.phone_digits) == 7
            found.append(
                (
                    role,
                    row["person_id"],
                    id_candidates(row["id_number"], learned),
                    phone_candidates(row["phone"], learned),
                )
            )
    too_few = [f for f in found if f[2] < THRESHOLD or f[3] < THRESHOLD]
    assert not too_few, f"(viewer, person, ID candidates, phone candidates): {too_few}"


def test_it_shows_the_birth_date_only_beside_the_unmasked_number(
    registry_data: RegistryData, officer: Persona
) -> None:
    """The officer who states a purpose sees the whole number, and the date with it."""
    row = targets(registry_data, officer)[0]
    url = reverse("registry:person", args=[row["person_id"]])
    born = birth_texts(dt.date.fromisoformat(row["birth_date"]))
    assert not any(b in officer.client.get(url).content.decode() for b in born)
    opened = officer.client.post(
        reverse("registry:person_unmask", args=[row["person_id"]]), {"purpose": "核查身份信息"}
    )
    shown = opened.content.decode()
    assert row["id_number"] in shown and any(b in shown for b in born)
