"""ID and phone numbers are written as one field: setting the number fills its encrypted, hashed
and masked parts together, lookups take the number as written, a part set alone is refused when
saved, and no module outside core builds the parts by hand."""

import ast
import datetime as dt
from pathlib import Path

import pytest

import outpost
from outpost.calls.models import Call
from outpost.cases.models import Case
from outpost.core.crypto import decrypt, encrypt, keyed_hash
from outpost.core.masking import mask_id_number, mask_phone
from outpost.core.protected import InconsistentProtectedNumber, ProtectedNumber
from outpost.registry.models import Organisation, Person
from outpost.registry.validators import FieldProblem

ID_NUMBER = "320106194808100992"  # in no file the tests load
PHONE = "17612340099"

# The only encryption and keyed hashing outside core: secrets and tokens, not people's numbers.
ALLOWED_CALLS = {
    "accounts/signin.py": {
        "decrypt(device.secret_enc)",  # TOTP secret
        "encrypt(new_secret())",
    },
    "accounts/tokens.py": {"keyed_hash(token, purpose='api_token')"},
    "cases/webhooks.py": {"encrypt(secret)", "decrypt(sub.secret_enc)"},  # webhook secret
    "open311/keys.py": {"keyed_hash(key, purpose='open311_key')"},  # Open311 API keys
    # the portal's one-time codes and its rate keys (no number is kept whole)
    "portal/otp.py": {"keyed_hash(f'{phone}:{code}', purpose='portal_code')"},
    "portal/limits.py": {"keyed_hash(value or '-', purpose='portal_limit')"},
}
CRYPTO = {"encrypt", "decrypt", "keyed_hash"}
MODELS_WITH_NUMBERS = (Person, Organisation, Case, Call)


def _person(**numbers: str) -> Person:
    return Person.objects.create(
        person_no="P-PROTECTED",
        name="王芳",
        gender="女",
        birth_date=dt.date(1948, 8, 10),
        pop_type="户籍人口",
        **numbers,
    )


def _stored(person: Person) -> dict[str, str]:
    parts = [*Person.id_number.parts, *Person.phone.parts]
    return Person.objects.filter(pk=person.pk).values(*parts).get()


@pytest.mark.django_db
def test_it_fills_every_part_from_the_number_as_written() -> None:
    person = _person(id_number=f" {ID_NUMBER} ", phone="+86 176-1234-0099")

    stored = _stored(person)
    assert decrypt(stored["id_number_enc"]) == ID_NUMBER
    assert stored["id_number_hash"] == keyed_hash(ID_NUMBER, purpose="id_number")
    assert stored["id_number_masked"] == mask_id_number(ID_NUMBER) == "****************92"
    assert stored["id_tail"] == ID_NUMBER[-4:]
    assert decrypt(stored["phone_enc"]) == PHONE
    assert stored["phone_hash"] == keyed_hash(PHONE, purpose="phone")
    assert stored["phone_masked"] == mask_phone(PHONE) == "176****0099"
    # Read back, the number shows masked and is revealed only on request.
    again = Person.objects.get(pk=person.pk)
    assert str(again.id_number) == "****************92"
    assert (again.id_number.reveal(), again.phone.reveal()) == (ID_NUMBER, PHONE)


@pytest.mark.django_db
def test_it_clears_every_part_together() -> None:
    person = _person(id_number=ID_NUMBER, phone=PHONE)

    person.phone = ""
    person.save()

    stored = _stored(person)
    assert (stored["phone_enc"], stored["phone_hash"], stored["phone_masked"]) == ("", "", "")
    assert not Person.objects.get(pk=person.pk).phone
    assert Person.objects.get(pk=person.pk).phone.reveal() == ""


@pytest.mark.django_db
def test_it_finds_a_person_by_the_number_as_written() -> None:
    person = _person(id_number=ID_NUMBER, phone=PHONE)

    assert list(Person.objects.by_id_number(f"{ID_NUMBER} ")) == [person]
    assert list(Person.objects.by_phone("+86 176 1234 0099")) == [person]
    assert not Person.objects.by_phone("17612340098").exists()
    with pytest.raises(FieldProblem):
        Person.objects.by_id_number("320106194808100993")  # wrong check character


@pytest.mark.django_db
def test_it_refuses_an_invalid_number_before_writing_any_part() -> None:
    person = _person(id_number=ID_NUMBER, phone=PHONE)

    with pytest.raises(FieldProblem):
        person.phone = "12345"

    assert (person.phone_masked, person.phone.reveal()) == ("176****0099", PHONE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("phone_masked", "139****0000"),
        ("phone_hash", keyed_hash("13900000000", purpose="phone")),
        ("phone_enc", "set below"),
        ("id_number_masked", ID_NUMBER),  # the whole number where the mask belongs
        ("id_number_hash", "0" * 64),
        ("id_tail", "0000"),
    ],
)
def test_it_refuses_to_save_one_part_set_alone(column: str, value: str) -> None:
    person = _person(id_number=ID_NUMBER, phone=PHONE)
    before = _stored(person)

    setattr(person, column, encrypt("13900000000") if column == "phone_enc" else value)
    with pytest.raises(InconsistentProtectedNumber):
        person.save()
    with pytest.raises(InconsistentProtectedNumber):
        person.save(update_fields=[column])

    assert _stored(person) == before


@pytest.mark.django_db
def test_it_refuses_to_create_a_row_with_a_part_alone() -> None:
    with pytest.raises(InconsistentProtectedNumber):
        _person(id_number=ID_NUMBER, phone_masked="176****0099")

    assert not Person.objects.filter(person_no="P-PROTECTED").exists()


def _protected_columns() -> set[str]:
    columns: set[str] = set()
    for model in MODELS_WITH_NUMBERS:
        for attribute in vars(model).values():
            if isinstance(attribute, ProtectedNumber):
                columns |= set(attribute.parts)
    return columns


def _modules_outside_core() -> list[tuple[str, ast.Module]]:
    root = Path(outpost.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        # Migrations are history: they may read and reshape columns as they were then.
        if name.startswith("core/") or "/migrations/" in name:
            continue
        found.append((name, ast.parse(path.read_text("utf-8"))))
    return found


def test_it_keeps_encryption_of_numbers_in_core() -> None:
    unexpected = []
    for name, tree in _modules_outside_core():
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for call in calls:
            text = ast.unparse(call)
            if getattr(call.func, "id", None) in CRYPTO and text not in ALLOWED_CALLS.get(name, ()):
                unexpected.append(f"{name}:{call.lineno}: {text}")

    assert unexpected == []


def test_it_lets_no_module_outside_core_write_one_part_of_a_number() -> None:
    columns = _protected_columns()
    assert {"id_number_hash", "phone_masked", "contact_phone_enc", "caller_phone_enc"} <= columns
    written = []
    for name, tree in _modules_outside_core():
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                targets = [node.attr]
            elif isinstance(node, ast.keyword) and node.arg:
                targets = [node.arg]
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                targets = [str(getattr(node.slice, "value", ""))]
            elif isinstance(node, ast.Dict):
                targets = [str(k.value) for k in node.keys if isinstance(k, ast.Constant)]
            line = getattr(node, "lineno", "?")
            written += [f"{name}:{line}: {t}" for t in targets if t in columns]

    assert written == []
