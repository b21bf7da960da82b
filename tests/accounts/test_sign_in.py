"""Signing in: every sign-in, sign-out and failure in the access log; lockout per account and per
address on the page and the token endpoint; the password policy; idle sessions end."""

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outpost.accounts.models import LoginThrottle, User
from outpost.accounts.signin import SEEN
from outpost.core.models import AccessLogEntry
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-2026"
LOCKED = "登录失败次数过多"
ERROR = re.compile(r'<p class="error">(.*?)</p>')


@pytest.fixture
def zhang(db: None) -> User:
    return User.objects.create_user(username="zhang", password=PASSWORD)


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def token(client: Client, username: str, password: str, **extra: Any) -> Any:
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/v1/auth/token", body, content_type="application/json", **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- the access log ---------------------------------------------------------------------------


def test_it_logs_a_sign_in_and_a_sign_out_with_the_address(zhang: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    sign_in(client, "zhang", PASSWORD)
    client.post(reverse("logout"))

    rows = list(AccessLogEntry.objects.order_by("id"))
    assert [(r.action, r.actor, r.client_ip) for r in rows] == [
        ("login", zhang, "203.0.113.7"),
        ("logout", zhang, "203.0.113.7"),
    ]


def test_it_logs_a_failed_sign_in_under_the_name_tried(zhang: User) -> None:
    sign_in(Client(REMOTE_ADDR="203.0.113.8"), "zhang", "wrong-password")
    sign_in(Client(REMOTE_ADDR="203.0.113.8"), "nosuchuser", "whatever-it-is")

    rows = list(AccessLogEntry.objects.order_by("id"))
    assert [(r.action, r.actor, r.actor_name, r.client_ip) for r in rows] == [
        ("login_failed", None, "zhang", "203.0.113.8"),
        ("login_failed", None, "nosuchuser", "203.0.113.8"),
    ]


def test_it_logs_api_token_sign_ins_and_failures(zhang: User) -> None:
    assert token(Client(), "zhang", "wrong-password").status_code == 401
    assert token(Client(), "zhang", PASSWORD).status_code == 200

    rows = AccessLogEntry.objects.order_by("id")
    assert [(r.action, r.actor_name, r.purpose) for r in rows] == [
        ("login_failed", "zhang", "password"),
        ("login", "zhang", "api"),
    ]


def test_it_takes_the_address_from_a_trusted_proxy_only(zhang: User, settings: Any) -> None:
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 192.0.2.44"}
    sign_in(Client(REMOTE_ADDR="10.0.0.2"), "zhang", "wrong", **forwarded)
    settings.OUTPOST_TRUSTED_PROXIES = 1
    sign_in(Client(REMOTE_ADDR="10.0.0.2"), "zhang", "wrong", **forwarded)

    assert list(AccessLogEntry.objects.order_by("id").values_list("client_ip", flat=True)) == [
        "10.0.0.2",  # no proxy trusted: the header is the client's own say-so
        "192.0.2.44",  # the address the one trusted proxy saw
    ]


# --- lockout ----------------------------------------------------------------------------------


def test_it_locks_an_account_after_five_failures_even_for_the_right_password(
    zhang: User,
) -> None:
    for _ in range(4):
        assert LOCKED not in sign_in(Client(), "zhang", "wrong-password").content.decode()
    fifth = sign_in(Client(), "zhang", "wrong-password").content.decode()
    assert "15 分钟后再试" in fifth

    for password in ["guess-1", "guess-2", PASSWORD, "guess-3", PASSWORD]:
        client = Client()
        answer = sign_in(client, "zhang", password)
        assert LOCKED in answer.content.decode() and not signed_in(client)
    assert token(Client(), "zhang", PASSWORD).status_code == 429


def test_it_says_the_same_for_an_account_that_does_not_exist(zhang: User) -> None:
    said: dict[str, list[tuple[int, list[str]]]] = {"zhang": [], "nosuchuser": []}
    for name, answers in said.items():
        for _ in range(6):
            answer = sign_in(Client(), name, "wrong-password")
            answers.append((answer.status_code, ERROR.findall(answer.content.decode())))
    assert LOCKED in said["zhang"][-1][1][0]
    assert said["zhang"] == said["nosuchuser"]


def test_it_unlocks_after_the_lock_and_doubles_the_next_one(zhang: User) -> None:
    for _ in range(5):
        sign_in(Client(), "zhang", "wrong-password")
    _end_lock("account:zhang")

    client = Client()
    assert sign_in(client, "zhang", PASSWORD).status_code == 302 and signed_in(client)
    for _ in range(5):
        sign_in(Client(), "zhang", "wrong-password")
    assert LOCKED in sign_in(Client(), "zhang", PASSWORD).content.decode()
    _end_lock("account:zhang")
    for _ in range(5):
        last = sign_in(Client(), "zhang", "wrong-password")
    assert "30 分钟后再试" in last.content.decode()  # the lock before did not follow a success


def _end_lock(key: str) -> None:
    """Move the lock into the past instead of waiting for it."""
    LoginThrottle.objects.filter(key=key).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )


def test_it_locks_an_address_that_tries_many_accounts(zhang: User) -> None:
    client = Client(REMOTE_ADDR="198.51.100.23")
    for i in range(20):
        sign_in(client, f"user{i}", "wrong-password")

    assert LOCKED in sign_in(client, "zhang", PASSWORD).content.decode()
    assert token(Client(REMOTE_ADDR="198.51.100.23"), "zhang", PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.24")
    assert sign_in(other, "zhang", PASSWORD).status_code == 302 and signed_in(other)


def test_it_counts_api_token_failures_with_the_page(zhang: User) -> None:
    for _ in range(3):
        token(Client(), "zhang", "wrong-password")
    for _ in range(2):
        sign_in(Client(), "zhang", "wrong-password")

    locked = token(Client(), "zhang", PASSWORD)
    assert locked.status_code == 429 and LOCKED in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 14 * 60


def test_it_holds_the_lock_under_a_burst_of_guesses(zhang: User) -> None:
    answers = [sign_in(Client(), "zhang", f"guess-{i}") for i in range(50)]
    answers.append(sign_in(Client(), "zhang", PASSWORD))

    checked = [a for a in answers if LOCKED not in a.content.decode()]
    assert len(checked) == 4  # the first four failures; the fifth locks
    assert AccessLogEntry.objects.filter(action="login_failed", purpose="locked").count() == 46
    assert not AccessLogEntry.objects.filter(action="login").exists()


def test_it_forgives_a_right_password_but_not_the_address_count(zhang: User) -> None:
    client = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(4):
        sign_in(client, "zhang", "wrong-password")
    sign_in(client, "zhang", PASSWORD)

    assert LoginThrottle.objects.get(key="account:zhang").failures == 0
    assert LoginThrottle.objects.get(key="address:198.51.100.30").failures == 4


# --- passwords and sessions -------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Xq7#kd2", "password1234", "1234567890123"])
def test_it_refuses_short_common_and_numeric_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_accepts_a_long_uncommon_password() -> None:
    validate_password("gulou-grid-7-spring")


def test_it_ends_an_idle_session(grid_worker: Persona, settings: Any) -> None:
    client = grid_worker.client
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SEEN] = int(time.time()) - settings.OUTPOST_SESSION_IDLE_SECONDS - 5
    session.save()

    answer = client.get(reverse("home"))

    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    assert AccessLogEntry.objects.filter(action="logout", purpose="idle").count() == 1


def test_it_fixes_the_session_end_at_sign_in(zhang: User, settings: Any) -> None:
    client = Client()
    sign_in(client, "zhang", PASSWORD)
    client.get(reverse("home"))

    age = client.session.get_expiry_age()
    assert settings.SESSION_COOKIE_AGE - 60 < age <= settings.SESSION_COOKIE_AGE
    assert client.session.get_expiry_date() < timezone.now() + dt.timedelta(hours=8, seconds=1)
