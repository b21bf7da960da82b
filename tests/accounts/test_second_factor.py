"""The TOTP second factor: RFC 6238's vectors, enrolment, the step after the password, the
requirement for roles that may unmask, export or audit, and the token endpoint."""

import hashlib
import json
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from outpost.accounts.models import TotpDevice, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.accounts.totp import matching_step, secret_bytes, totp
from outpost.core.crypto import decrypt
from outpost.core.models import AccessLogEntry, ChangeRecord
from tests.conftest import HOME_GRID

PASSWORD = "right-password-2026"
SECRET = re.compile(r'<p class="code" id="totp-secret">([A-Z2-7 ]+)</p>')

# RFC 6238, appendix B: the seeds are the ASCII digits repeated to the digest's length.
SEEDS = {
    hashlib.sha1: b"12345678901234567890",
    hashlib.sha256: b"12345678901234567890123456789012",
    hashlib.sha512: b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), VECTORS)
def test_it_computes_the_rfc_6238_test_vectors(
    at: int, sha1: str, sha256: str, sha512: str
) -> None:
    for digest, expected in zip(SEEDS, (sha1, sha256, sha512), strict=True):
        assert totp(SEEDS[digest], at, digits=8, digest=digest) == expected


def test_it_accepts_the_neighbouring_steps_only() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of the RFC's SHA-1 seed
    key, at = secret_bytes(secret), 1111111111
    assert matching_step(secret, totp(key, at), at) == at // 30
    assert matching_step(secret, totp(key, at - 30), at) == at // 30 - 1
    assert matching_step(secret, totp(key, at + 30), at) == at // 30 + 1
    assert matching_step(secret, totp(key, at + 90), at) is None
    assert matching_step(secret, "12345", at) is None


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def officer_account(home_grid: Any) -> User:
    """A community officer (may unmask and export) who signs in with a password."""
    user = User.objects.create_user(username="li", password=PASSWORD)
    grant_role(user, Role.COMMUNITY_OFFICER, home_grid.main_beat.code, actor=None)
    return user


@pytest.fixture
def required(settings: Any) -> None:
    settings.OUTPOST_REQUIRE_TOTP = True


def sign_in(client: Client, username: str = "li") -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def code_for(user: User, steps_ahead: int = 1) -> str:
    """The code of a step after the last one used (each step's code is accepted once)."""
    secret = decrypt(TotpDevice.objects.get(user=user).secret_enc)
    return totp(secret_bytes(secret), time.time() + 30 * steps_ahead)


def enrol(client: Client) -> str:
    page = client.get(reverse("accounts:enrol")).content.decode()
    secret = SECRET.search(page).group(1).replace(" ", "")
    answer = client.post(
        reverse("accounts:enrol"),
        {"code": totp(secret_bytes(secret), time.time()), "next": "/registry/"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/registry/"
    return secret


def test_it_sends_a_role_that_may_unmask_to_enrolment_first(
    officer_account: User, required: None
) -> None:
    client = Client()
    sign_in(client)

    for path in ("/", "/registry/people/", "/cases/"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("accounts:enrol"))
    api = client.get("/api/v1/registry/people")
    assert api.status_code == 401 and api.json()["detail"] == "请先完成两步验证"


def test_it_enrols_shows_the_uri_and_then_lets_the_user_in(
    officer_account: User, required: None
) -> None:
    client = Client()
    sign_in(client)
    page = client.get(reverse("accounts:enrol")).content.decode()
    assert "otpauth://totp/Outpost:li?secret=" in page

    secret = enrol(client)

    device = TotpDevice.objects.get(user=officer_account)
    assert device.confirmed_at is not None and secret not in device.secret_enc
    assert client.get("/registry/people/").status_code == 200
    assert ChangeRecord.objects.filter(action="enrol_totp", object_key="li").exists()


def test_it_asks_for_the_code_after_the_password(officer_account: User, required: None) -> None:
    enrol(_signed_in())
    client = Client()
    sign_in(client)
    answer = client.get("/registry/people/")
    assert answer["Location"].startswith(reverse("accounts:second_factor"))

    wrong = client.post(reverse("accounts:second_factor"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 200 and client.get("/").status_code == 302
    code = code_for(officer_account)
    right = client.post(reverse("accounts:second_factor"), {"code": code, "next": "/registry/"})

    assert right.status_code == 302 and right["Location"] == "/registry/"
    assert client.get("/registry/people/").status_code == 200
    signing_in = AccessLogEntry.objects.exclude(action="list_people").order_by("id")
    actions = list(signing_in.values_list("action", flat=True))
    assert actions[-3:] == ["login", "login_failed", "second_factor"]


def _signed_in() -> Client:
    client = Client()
    sign_in(client)
    return client


def test_it_refuses_a_code_used_before(officer_account: User, required: None) -> None:
    enrol(_signed_in())
    code = code_for(officer_account)
    first, second = _signed_in(), _signed_in()
    first.post(reverse("accounts:second_factor"), {"code": code})
    second.post(reverse("accounts:second_factor"), {"code": code})

    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_it_locks_after_five_wrong_codes(officer_account: User, required: None) -> None:
    enrol(_signed_in())
    client = _signed_in()
    for _ in range(5):
        answer = client.post(reverse("accounts:second_factor"), {"code": "000000"})
    assert "登录失败次数过多" in answer.content.decode()

    late = client.post(reverse("accounts:second_factor"), {"code": code_for(officer_account)})

    assert "登录失败次数过多" in late.content.decode() and client.get("/").status_code == 302


def test_it_asks_an_enrolled_user_even_when_not_required(officer_account: User) -> None:
    client = _signed_in()
    assert client.get("/").status_code == 200  # not required in development
    enrol(client)

    again = _signed_in()

    assert again.get("/")["Location"].startswith(reverse("accounts:second_factor"))


def test_it_leaves_roles_without_unmask_or_export_alone(home_grid: Any, required: None) -> None:
    user = User.objects.create_user(username="wang", password=PASSWORD)
    grant_role(user, Role.GRID_WORKER, HOME_GRID, actor=None)
    client = Client()
    sign_in(client, "wang")

    assert client.get("/").status_code == 200


def test_it_requires_the_code_for_an_api_token(officer_account: User, required: None) -> None:
    enrol(_signed_in())

    def token(**extra: str) -> Any:
        body = json.dumps({"username": "li", "password": PASSWORD, **extra})
        return Client().post("/api/v1/auth/token", body, content_type="application/json")

    assert token().status_code == 401
    assert token(code="000000").status_code == 401
    answer = token(code=code_for(officer_account))
    assert answer.status_code == 200 and answer.json()["token"]
