"""`outpost calls divert`: the goals on the district's sample, cases in the right queue, re-runs
that change nothing, and bad rows that are named and lose nothing else."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from outpost.accounts.models import Department
from outpost.calls.models import Call
from outpost.cases.models import Case, CaseAssignment, SubType, TimelineEntry
from outpost.core.crypto import decrypt
from outpost.core.masking import mask_phone
from outpost.core.models import ChangeRecord
from outpost.registry.models import StandardAddress
from tests.calls.conftest import INPUT_COLUMNS, as_input, sample

pytestmark = pytest.mark.django_db
GOAL_RIGHT = 0.90
GOAL_MATCHED = 0.95


def divert(
    tmp_path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8"
) -> tuple[dict[str, dict[str, str]], str]:
    """Run the command on `rows` (answer columns dropped): the output rows by call id, and what
    it printed."""
    source, printed = tmp_path / "in.csv", io.StringIO()
    source.write_bytes(as_input(rows, encoding))
    call_command("calls", "divert", str(source), str(tmp_path / "out.csv"), stdout=printed)
    return {a["call_id"]: a for a in output(tmp_path)}, printed.getvalue()


def output(tmp_path: Path) -> list[dict[str, str]]:
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected_lead(subtype: SubType, grid_code: str) -> str:
    """The unit the sub-type's route names first for a place (the taxonomy's default owner)."""
    owner = subtype.default_owner
    if owner.startswith("department:"):
        return grid_code[:6] + owner.split(":")[1]
    return {"grid": grid_code, "community": grid_code[:12]}[owner]


def test_it_meets_the_goals_on_the_sample(tmp_path: Path) -> None:
    rows = sample()
    answers, printed = divert(tmp_path, rows)
    assert len(answers) == len(rows)
    police = [r for r in rows if r["label"] == "POLICE"]
    others = [r for r in rows if r["label"] != "POLICE"]
    assert police and others
    diverted_police = [r for r in police if answers[r["call_id"]]["decision"] != "police"]
    assert diverted_police == []
    right = [
        r
        for r in others
        if (answers[r["call_id"]]["decision"], answers[r["call_id"]]["subtype"])
        == ("divert", r["label"])
    ]
    assert len(right) / len(others) >= GOAL_RIGHT
    matched = [r for r in rows if answers[r["call_id"]]["addr_id"] == r["addr_id"]]
    assert len(matched) / len(rows) >= GOAL_MATCHED
    assert f"行数：{len(rows)}" in printed and "地址匹配：" in printed


def test_it_turns_diverted_calls_into_dispatched_110_cases_in_their_grid(tmp_path: Path) -> None:
    rows = {r["call_id"]: r for r in sample()}
    answers, _ = divert(tmp_path, list(rows.values()))
    diverted = [a for a in answers.values() if a["decision"] == "divert"]
    assert diverted
    # Ids are unique per importer's namespace; this file is all the command line's.
    found = Call.objects.select_related("case__subtype", "address").filter(namespace="")
    calls = {c.call_id: c for c in found.filter(call_id__in=[a["call_id"] for a in diverted])}
    for answer in diverted:
        call, row = calls[answer["call_id"]], rows[answer["call_id"]]
        case = call.case
        address = StandardAddress.objects.get(code=answer["addr_id"])
        assert (case.source, case.subtype.code, case.state) == (
            "110",
            answer["subtype"],
            "dispatched",
        )
        assert case.grid_code == address.grid_code == answer["grid_code"] == call.grid_code
        assert case.address_id == address.pk and case.description == row["content"]
        assert case.reporter_phone_masked == mask_phone(row["caller_phone"])
        assert decrypt(call.caller_phone_enc) == row["caller_phone"]
        lead = CaseAssignment.objects.get(case=case, active=True, lead=True)
        assert lead.unit_code == expected_lead(case.subtype, case.grid_code)
    kept = [a["call_id"] for a in answers.values() if a["decision"] == "police"]
    assert not Call.objects.filter(call_id__in=kept, case__isnull=False).exists()
    assert Case.objects.count() == len(diverted)


def test_it_records_who_acted_and_audits_each_call(tmp_path: Path) -> None:
    rows = [r for r in sample() if r["label"] == "0903"][:2]
    answers, _ = divert(tmp_path, rows)
    case = Call.objects.get(call_id=rows[0]["call_id"]).case
    steps = list(TimelineEntry.objects.filter(case=case).values_list("action", "actor_name"))
    assert steps == [("report", "system:110"), ("accept", "system:110"), ("dispatch", "system:110")]
    # Why it was diverted is kept as its code and worded when read, in the reader's language.
    accepted = TimelineEntry.objects.get(case=case, action="accept")
    assert accepted.comment == "" and accepted.details["note"]["msgid"].startswith("110 call")
    from django.utils import translation

    from outpost.cases.labels import timeline_comment

    for language, words in (("zh-hans", "110警情"), ("en", "110 call")):
        with translation.override(language):
            said = timeline_comment("accept", accepted.details, accepted.comment)
        assert said.startswith(words) and rows[0]["call_id"] in said, said
    audited = ChangeRecord.objects.filter(action="divert_call", object_type="call")
    assert sorted(audited.values_list("object_key", flat=True)) == sorted(answers)


def test_it_creates_nothing_twice_when_the_same_file_is_run_again(tmp_path: Path) -> None:
    rows = sample()[:60]
    first, _ = divert(tmp_path, rows)
    counts = (Call.objects.count(), Case.objects.count(), CaseAssignment.objects.count())
    assert counts[1] > 0
    again, printed = divert(tmp_path, rows)
    assert again == first
    assert (Call.objects.count(), Case.objects.count(), CaseAssignment.objects.count()) == counts
    assert f"行数：{len(rows)}" in printed


def test_it_names_a_bad_row_and_field_and_still_handles_the_others(tmp_path: Path) -> None:
    good = [r for r in sample() if r["label"] == "0901"][:2]
    bad_time = {**good[1], "call_id": "110-X-1", "received_at": "昨天下午"}
    bad_id = {**good[1], "call_id": "", "content": "楼上太吵"}
    bad_phone = {**good[1], "call_id": "110-X-2", "caller_phone": "12345"}
    rows = [good[0], bad_time, bad_id, bad_phone, good[1]]
    with pytest.raises(CommandError, match="3 行有错误"):
        divert(tmp_path, rows, encoding="gbk")
    answers = output(tmp_path)
    assert [a["decision"] for a in answers] == ["divert", "police", "police", "police", "divert"]
    assert answers[1]["reason"].startswith("第3行 received_at（接警时间）：无法识别的时间")
    assert answers[2]["reason"].startswith("第4行 call_id（警情编号）：不能为空")
    assert answers[3]["reason"].startswith("第5行 caller_phone（报警电话）：")
    assert set(Call.objects.values_list("call_id", flat=True)) == {r["call_id"] for r in good}
    assert Case.objects.count() == 2


def test_it_keeps_a_call_with_the_police_when_its_case_cannot_be_dispatched(
    tmp_path: Path,
) -> None:
    """The noise desk's department is gone: the case that was begun is rolled back whole and the
    call stays with the police, saying why."""
    row = next(r for r in sample() if r["label"] == "0901")
    Department.objects.filter(code__endswith="CG").delete()
    answers, _ = divert(tmp_path, [row])
    answer = answers[row["call_id"]]
    assert (answer["decision"], answer["subtype"]) == ("police", "")
    assert "无法生成事件" in answer["reason"] and "留给公安" in answer["reason"]
    assert answer["addr_id"] == row["addr_id"]  # matched, just not diverted
    assert Case.objects.count() == 0 and TimelineEntry.objects.count() == 0
    assert Call.objects.get(call_id=row["call_id"]).case is None


def test_it_keeps_a_call_whose_address_cannot_be_matched(tmp_path: Path) -> None:
    row = next(r for r in sample() if r["label"] == "0902")
    answers, _ = divert(tmp_path, [{**row, "location_text": "火星市环形山路999号"}])
    answer = answers[row["call_id"]]
    assert (answer["decision"], answer["addr_id"], answer["grid_code"]) == ("police", "", "")
    assert answer["reason"].startswith("地址无法匹配到标准地址，留给公安")
    assert Case.objects.count() == 0
    # Stored as a code with its parameters, and read in the reader's language.
    call = Call.objects.get(call_id=row["call_id"])
    assert (call.reason, call.reason_code, call.reason_params["why"]) == (
        "",
        "kept",
        {"code": "no_address", "params": {}},
    )
    with translation.override("en"):
        assert call.reason_text.startswith(
            "The address matches no standard address, left with the police ("
        )
    # A call stored before reasons had codes shows the text it was stored with.
    assert Call(reason="地址不在本区网格内，留给公安").reason_text == "地址不在本区网格内，留给公安"


def test_it_reads_the_answer_columns_and_chinese_headers_without_harm(tmp_path: Path) -> None:
    """A file with the sample's label and addr_id columns, and another with Chinese headers."""
    rows = sample()[:5]
    source = tmp_path / "sample.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("calls", "divert", str(source), str(tmp_path / "a.csv"), stdout=io.StringIO())
    chinese = io.StringIO()
    writer = csv.writer(chinese)
    writer.writerow(["警情编号", "接警时间", "报警电话", "发生地址", "报警内容"])
    writer.writerows([r[c] for c in INPUT_COLUMNS] for r in rows)
    source.write_text(chinese.getvalue(), encoding="gbk")
    call_command("calls", "divert", str(source), str(tmp_path / "b.csv"), stdout=io.StringIO())
    first = (tmp_path / "a.csv").read_text("utf-8")
    assert first == (tmp_path / "b.csv").read_text("utf-8")
    assert first.splitlines()[0] == "call_id,decision,subtype,addr_id,grid_code,reason"
    assert Call.objects.count() == len(rows)
