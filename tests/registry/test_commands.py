"""`outpost registry import` and `outpost registry match-addresses`, through the console entry
point (`outpost.cli.main`) in this process, so in the test's database and transaction.

A command run from the command line closes every database connection when it ends (Django's
run_from_argv); here that would close the connection the test's transaction lives in, so the
`cli` fixture keeps it open. Everything else is the command as a person runs it."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from outpost.cli import main
from outpost.core.models import ChangeRecord
from outpost.registry.models import Organisation, Person, StandardAddress
from tests.conftest import GULOU, HOME_GRID
from tests.registry.data import DIRTY_CSV, RegistryData, dirty_expected, dirty_rows
from tests.registry.helpers import CJK, DEFECT_FIELDS, classify

pytestmark = pytest.mark.django_db

REGION = "江苏省南京市鼓楼区"


@pytest.fixture(autouse=True)
def cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)


def _outpost(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["row", "outcome", "field", "reason"]
        return list(reader)


def test_it_imports_the_dirty_sample_and_reports_every_row(
    registry_data: RegistryData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.csv"
    before = Person.objects.count()

    printed = _outpost(
        capsys, "registry", "import", "persons", str(DIRTY_CSV), "--report", str(out), "--json"
    )

    counts = json.loads(printed)
    expected = dirty_expected()
    assert counts["rows"] == len(dirty_rows()) == sum(expected.values())
    assert counts["created"] == expected["valid"]
    assert counts["rejected"] == sum(n for k, n in expected.items() if k in DEFECT_FIELDS)
    assert (counts["dry_run"], counts["encoding"] != "utf-8") == (False, True)
    assert Person.objects.count() == before + expected["valid"]
    lines = _report(out)
    assert [int(line["row"]) for line in lines] == list(range(2, 2 + len(dirty_rows())))
    for line, kind in zip(lines, classify(dirty_rows(), registry_data), strict=True):
        if kind in DEFECT_FIELDS:
            assert (line["outcome"], line["field"]) == ("rejected", DEFECT_FIELDS[kind])
            assert CJK.search(line["reason"])
        elif kind == "valid":
            assert (line["outcome"], line["field"], line["reason"]) == ("created", "", "")
        else:
            assert line["outcome"] in ("merged", "unchanged")


def test_it_checks_without_writing_on_a_dry_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writes = (Person.objects.count(), ChangeRecord.objects.count())
    out = tmp_path / "report.csv"

    printed = _outpost(
        capsys,
        "registry",
        "import",
        "persons",
        str(DIRTY_CSV),
        "--dry-run",
        "--json",
        "--report",
        str(out),
    )

    counts = json.loads(printed)
    assert counts["dry_run"] is True
    assert counts["created"] == dirty_expected()["valid"]
    assert (Person.objects.count(), ChangeRecord.objects.count()) == writes
    assert len(_report(out)) == len(dirty_rows())


def test_it_prints_a_chinese_summary_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    printed = _outpost(capsys, "registry", "import", "persons", str(DIRTY_CSV), "--dry-run")
    assert CJK.search(printed)
    assert str(dirty_expected()["valid"]) in printed


def test_it_reads_a_compressed_demo_file(
    registry_data: RegistryData, capsys: pytest.CaptureFixture[str]
) -> None:
    """units.csv.xz as shipped: the session loaded some of its rows, the rest are new."""
    printed = _outpost(
        capsys, "registry", "import", "units", str(GULOU / "units.csv.xz"), "--dry-run", "--json"
    )

    counts = json.loads(printed)
    assert counts["unchanged"] == len(registry_data.units) == Organisation.objects.count()
    assert counts["rejected"] == counts["merged"] == 0
    assert counts["created"] + counts["unchanged"] == counts["rows"]


def test_it_refuses_a_missing_file_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("registry", "import", "persons", str(tmp_path / "none.csv"))


def _typed(address: StandardAddress) -> str:
    return address.full_text.removeprefix(REGION)


def test_it_matches_a_file_of_free_text_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rooms = list(StandardAddress.objects.filter(grid_code=HOME_GRID, level="room")[:5])
    door = StandardAddress.objects.filter(level="door", grid_code=HOME_GRID).first()
    assert rooms and door is not None
    taken = set(
        StandardAddress.objects.filter(road=door.road, level="door").values_list(
            "door_no", flat=True
        )
    )
    missing_no = next(f"{n}号" for n in range(9999, 0, -1) if f"{n}号" not in taken)
    missing = f"{door.road}{missing_no}"
    texts = [_typed(r) for r in rooms] + [missing]
    given = tmp_path / "in.csv"
    given.write_text("text,note\n" + "".join(f"{t},x\n" for t in texts), "utf-8")
    out = tmp_path / "out.csv"

    printed = _outpost(capsys, "registry", "match-addresses", str(given), str(out))

    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["text", "addr_id", "score", "candidates"]
        lines = list(reader)
    assert [line["text"] for line in lines] == texts
    wanted = [r.code for r in rooms] + [""]
    assert [line["addr_id"] for line in lines] == wanted
    for line in lines[:-1]:
        assert 0 < float(line["score"]) <= 1
    assert str(len(texts) - 1) in printed and CJK.search(printed)


def test_it_refuses_an_address_file_without_a_text_column(tmp_path: Path) -> None:
    given = tmp_path / "in.csv"
    given.write_text("address\n中山北路1号\n", "utf-8")
    with pytest.raises(CommandError, match="text"):
        call_command("registry", "match-addresses", str(given), str(tmp_path / "out.csv"))


def test_it_writes_one_line_per_row_for_every_kind_of_import(
    registry_data: RegistryData, tmp_path: Path
) -> None:
    rows = list(registry_data.houses.values())
    given = tmp_path / "houses.csv"
    with given.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "report.csv"
    printed = io.StringIO()

    call_command(
        "registry", "import", "houses", str(given), "--report", str(out), "--json", stdout=printed
    )

    assert json.loads(printed.getvalue())["unchanged"] == len(rows)
    assert {line["outcome"] for line in _report(out)} == {"unchanged"}
    assert len(_report(out)) == len(rows)
