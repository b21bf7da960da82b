"""Field checks: GB 11643 ID numbers, phones, names, GB 32100 credit codes, dates, yes/no."""

import csv
import io
import json
import lzma
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from stdnum.cn import ric

from outpost.registry.validators import (
    FieldProblem,
    IdNumber,
    area_codes,
    check_id_agrees,
    clean_person_name,
    id_check_digit,
    normalize_phone,
    parse_bool,
    parse_date,
    parse_gender,
    parse_id_number,
    parse_uscc,
)

GULOU = Path(settings.BASE_DIR) / "data" / "gulou"
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643 / ISO 7064 MOD 11-2


def _read_xz(name: str) -> list[dict[str, str]]:
    with lzma.open(GULOU / name, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _check_char(first17: str) -> str:
    """Written out the long way, independently of the module's shortcut."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _make_id(area: str, born: str, sequence: str) -> str:
    first17 = area + born + sequence
    return first17 + _check_char(first17)


def _problem(func: object, raw: object) -> FieldProblem:
    with pytest.raises(FieldProblem) as caught:
        func(raw)  # type: ignore[operator]
    return caught.value


# --- ID numbers -------------------------------------------------------------------------------


def test_it_accepts_every_id_number_in_the_demo_district() -> None:
    people = _read_xz("persons.csv.xz")
    assert len(people) == 93_904
    parsed = [parse_id_number(p["id_number"]) for p in people]
    for person, idn in zip(people, parsed, strict=True):
        assert idn.value == person["id_number"]
        check_id_agrees(idn, date.fromisoformat(person["birth_date"]), person["gender"])
    # Most were born before their area code existed in its current form (鼓楼区 320106: 1983).
    assert sum(idn.birth_date.year < 1983 for idn in parsed) > 50_000


def test_it_does_not_apply_the_birth_year_rule_for_area_codes() -> None:
    # 320106 (鼓楼区) dates from 1983; the number is still valid (GB 11643 has no such rule).
    assert not ric.is_valid("320106194808100087")
    idn = parse_id_number("320106194808100087")
    assert idn == IdNumber("320106194808100087", date(1948, 8, 10), "女", "320106")


def test_it_accepts_area_codes_that_no_longer_exist() -> None:
    # 320103 白下区 was merged into 秦淮区 in 2013; people keep their numbers.
    assert "320103" in area_codes()
    idn = parse_id_number(_make_id("320103", "19650301", "123"))
    assert idn.area_code == "320103"


@pytest.mark.parametrize(
    ("area", "born", "sequence", "gender"),
    [
        ("320106", "19000101", "001", "男"),
        ("110101", "19991231", "002", "女"),
        ("650102", "20000229", "113", "男"),
        ("510104", "20070411", "707", "男"),
        ("440305", "19830615", "990", "女"),
    ],
)
def test_it_accepts_generated_numbers_with_a_computed_check_digit(
    area: str, born: str, sequence: str, gender: str
) -> None:
    number = _make_id(area, born, sequence)
    idn = parse_id_number(number)
    assert idn.value == number
    assert idn.birth_date == date(int(born[:4]), int(born[4:6]), int(born[6:]))
    assert idn.gender == gender
    assert idn.area_code == area
    assert id_check_digit(number[:17]) == number[17]


def test_it_computes_check_digits_like_the_standard_says() -> None:
    for n in range(0, 10**17, 10**17 // 997):
        first17 = str(n).zfill(17)
        assert id_check_digit(first17) == _check_char(first17)


def test_it_finds_an_x_check_digit() -> None:
    first17 = next(
        f"32010619900101{s:03d}"
        for s in range(1000)
        if _check_char(f"32010619900101{s:03d}") == "X"
    )
    assert parse_id_number(first17 + "x").value == first17 + "X"


@pytest.mark.parametrize(
    "raw",
    [
        "３２０１０６１９４８０８１０００８７",  # full-width digits
        " 320106 19480810 0087 ",
        "320106-19480810-0087",
        "'320106194808100087",  # spreadsheet text marker
        "320106194808100087\u3000",
    ],
)
def test_it_normalises_how_people_write_id_numbers(raw: str) -> None:
    assert parse_id_number(raw).value == "320106194808100087"


def test_it_rejects_each_id_defect_with_its_own_message() -> None:
    good = "320106194808100087"
    defects = {
        "id_checksum": good[:17] + "8",
        "id_birth_date": _make_id("320106", "19480230", "008"),
        "id_area": _make_id("990106", "19480810", "008"),
        "id_old15": "320106480810008",
        "id_length": good + "1",
        "id_chars": "32010619480810008A",
        "id_missing": "  ",
    }
    problems = {code: _problem(parse_id_number, raw) for code, raw in defects.items()}
    for code, problem in problems.items():
        assert problem.code == code
        assert problem.field == "id_number"
        assert problem.zh and problem.en
        assert str(problem) == problem.zh
    assert problems["id_checksum"].zh == "身份证号校验位错误"
    assert "18位" in problems["id_old15"].zh
    assert len({p.zh for p in problems.values()}) == len(problems)


@pytest.mark.parametrize("born", ["18991231", "20990101", "19481310", "19480001"])
def test_it_rejects_impossible_or_implausible_birth_dates(born: str) -> None:
    problem = _problem(parse_id_number, _make_id("320106", born, "008"))
    assert problem.code == "id_birth_date"


def test_it_rejects_a_birth_date_after_today() -> None:
    number = _make_id("320106", "20240102", "008")
    assert parse_id_number(number, today=date(2024, 1, 2)).birth_date == date(2024, 1, 2)
    with pytest.raises(FieldProblem):
        parse_id_number(number, today=date(2024, 1, 1))


def test_it_spots_a_row_that_contradicts_its_id_number() -> None:
    idn = parse_id_number("320106194808100087")
    check_id_agrees(idn, date(1948, 8, 10), "女")
    check_id_agrees(idn, datetime(1948, 8, 10), "女性")
    check_id_agrees(idn, None, None)
    check_id_agrees(idn, None, "")
    with pytest.raises(FieldProblem) as wrong_date:
        check_id_agrees(idn, date(1948, 8, 11), "女")
    assert wrong_date.value.field == "birth_date"
    assert "1948-08-10" in wrong_date.value.zh
    with pytest.raises(FieldProblem) as wrong_gender:
        check_id_agrees(idn, date(1948, 8, 10), "男")
    assert wrong_gender.value.field == "gender"
    with pytest.raises(FieldProblem) as nonsense:
        check_id_agrees(idn, None, "未知")
    assert nonsense.value.field == "gender"


@pytest.mark.parametrize(
    ("raw", "gender"), [("男", "男"), ("女性", "女"), ("M", "男"), ("female", "女")]
)
def test_it_reads_genders(raw: str, gender: str) -> None:
    assert parse_gender(raw) == gender


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("025-83456789", "025-83456789"),
        ("02583456789", "025-83456789"),
        ("(025) 8345 6789", "025-83456789"),
        ("（025）83456789", "025-83456789"),
        ("+86 25 8345 6789", "025-83456789"),
        ("010-12345678".replace("1234", "2234"), "010-22345678"),
        ("0515-8888123", "0515-8888123"),
        ("051588881234", "0515-88881234"),
    ],
)
def test_it_normalises_phone_numbers(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "1384019836",
        "139123456789",
        "12912345678",
        "83456789",
        "025-834567",
        "025-0345678",
        "phone",
        "13912345678 ext 2",
        "110",
    ],
)
def test_it_rejects_malformed_phone_numbers(raw: str) -> None:
    problem = _problem(normalize_phone, raw)
    assert problem.field == "phone"
    assert problem.zh.startswith("手机号码格式错误")
    assert problem.en


def test_it_rejects_an_empty_phone_number_separately() -> None:
    assert _problem(normalize_phone, " ").code == "phone_missing"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("段文", "段文"),
        (" 段文 ", "段文"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("John  Smith", "John Smith"),
        ("Ｊｏｈｎ", "John"),
        ("José Müller", "José Müller"),
        ("Алексей", "Алексей"),
        ("王〇", "王〇"),
        ("𠀋", "𠀋"),
    ],
)
def test_it_cleans_names(raw: str, clean: str) -> None:
    assert clean_person_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "张三1",
        "张三😀",
        "'; DROP TABLE persons;--",
        '=HYPERLINK("http://x","点我")',
        "张-三",
        "·张三",
        "张三·",
        "张··三",
        "张\x00三",
    ],
)
def test_it_refuses_names_with_other_characters(raw: str) -> None:
    problem = _problem(clean_person_name, raw)
    assert problem.field == "name"
    assert problem.zh.startswith("姓名含有非法字符")


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_it_requires_a_name(raw: str | None) -> None:
    problem = _problem(clean_person_name, raw)
    assert problem.zh == "姓名为空"
    assert problem.field == "name"


def test_it_limits_name_length() -> None:
    assert clean_person_name("张" * 50) == "张" * 50
    assert _problem(clean_person_name, "张" * 51).code == "name_length"


# --- credit codes -----------------------------------------------------------------------------


def test_it_accepts_every_credit_code_in_the_demo_district() -> None:
    units = _read_xz("units.csv.xz")
    assert len(units) == 1_832
    for unit in units:
        assert parse_uscc(unit["uscc"]) == unit["uscc"]


def test_it_notices_a_changed_character_in_a_credit_code() -> None:
    units = _read_xz("units.csv.xz")[:200]
    for unit in units:
        code = unit["uscc"]
        position = 9
        swapped = "1" if code[position] != "1" else "2"
        problem = _problem(parse_uscc, code[:position] + swapped + code[position + 1 :])
        assert problem.code == "uscc_checksum"
        assert problem.zh == "统一社会信用代码校验位错误"


def test_it_normalises_credit_codes() -> None:
    assert parse_uscc(" 91320106958249007q ") == "91320106958249007Q"
    assert parse_uscc("9132 0106 9582 4900 7Q") == "91320106958249007Q"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("9132010695824900", "uscc_length"),
        ("9132010695824900IQ", "uscc_chars"),
        ("A1320106958249007Q", "uscc_chars"),
        ("", "uscc_missing"),
    ],
)
def test_it_rejects_each_credit_code_defect_with_its_own_message(raw: str, code: str) -> None:
    problem = _problem(parse_uscc, raw)
    assert problem.code == code
    assert problem.field == "uscc"


# --- dates and yes/no -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-02",
        "2024/1/2",
        "20240102",
        "2024年1月2日",
        "2024.1.2",
        "2024-1-2",
        " 2024/01/02 ",
        "2024-01-02 00:00:00",
        "２０２４年１月２日",
        date(2024, 1, 2),
        datetime(2024, 1, 2, 8, 0),
    ],
)
def test_it_reads_dates(raw: object) -> None:
    assert parse_date(raw) == date(2024, 1, 2)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2024-02-30", "date_invalid"),
        ("2024-13-01", "date_invalid"),
        ("02/01/2024", "date_format"),
        ("yesterday", "date_format"),
        ("", "date_missing"),
        (None, "date_missing"),
    ],
)
def test_it_refuses_what_is_not_a_date(raw: object, code: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_date(raw, field="birth_date")
    assert caught.value.code == code
    assert caught.value.field == "birth_date"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        (False, False),
        ("True", True),
        ("false", False),
        ("是", True),
        ("否", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        ("YES", True),
        ("no", False),
    ],
)
def test_it_reads_yes_and_no(raw: object, value: bool) -> None:
    assert parse_bool(raw) is value


@pytest.mark.parametrize("raw", ["maybe", "", "2", 2])
def test_it_refuses_what_is_not_yes_or_no(raw: object) -> None:
    with pytest.raises(FieldProblem):
        parse_bool(raw)


# --- the dirty import sample -----------------------------------------------------------------


def test_it_finds_the_field_defects_the_dirty_sample_was_made_with() -> None:
    sample = GULOU / "import_samples"
    expected = json.loads((sample / "persons_dirty_expected.json").read_text())
    rows = list(csv.DictReader(io.StringIO((sample / "persons_dirty_gbk.csv").read_text("gbk"))))
    found: Counter[str] = Counter()
    for row in rows:
        try:
            clean_person_name(row["name"])
            idn = parse_id_number(row["id_number"])
            check_id_agrees(idn, parse_date(row["birth_date"]), row["gender"])
            if row["phone"]:  # a phone number is optional
                normalize_phone(row["phone"])
        except FieldProblem as problem:
            found[problem.code] += 1
        else:
            found["ok"] += 1
    assert found["id_checksum"] == expected["bad_id_checksum"]
    assert found["name_chars"] == expected["hostile_name"]
    assert found["name_missing"] == expected["missing_name"]
    assert found["birth_date_conflict"] == expected["birth_date_conflicts_id"]
    assert found["phone_invalid"] == expected["bad_phone"]
    # The rest fail on things these checks cannot see (addresses, duplicates) or are valid.
    row_level = ("unknown_address", "repeat_in_file", "duplicate_of_existing", "valid")
    assert found["ok"] == sum(expected[k] for k in row_level)
