"""Field encryption (AES-256-GCM) and keyed hashes for ID and phone numbers at rest."""

import base64
import os
import string
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from outpost.core.crypto import TOKEN_PREFIX, DecryptionError, decrypt, encrypt, keyed_hash


def _new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def field_key(settings: Any) -> str:
    settings.OUTPOST_FIELD_KEY = _new_key()
    return str(settings.OUTPOST_FIELD_KEY)


@pytest.mark.parametrize(
    "plaintext",
    [
        "320106194808100087",
        "13912345678",
        "",
        "南京市鼓楼区宁海路街道 阿依古丽·买买提 😀",
        "x" * 5000,
    ],
)
def test_it_round_trips(field_key: str, plaintext: str) -> None:
    token = encrypt(plaintext)
    assert decrypt(token) == plaintext


def test_it_makes_ascii_tokens_with_a_version_prefix(field_key: str) -> None:
    token = encrypt("南京市鼓楼区")
    assert token.startswith(TOKEN_PREFIX)
    assert token.isascii()
    allowed = set(string.ascii_letters + string.digits + "-_")
    assert set(token[len(TOKEN_PREFIX) :]) <= allowed
    # 12-byte nonce + 18 bytes of UTF-8 + 16-byte tag, base64url without padding
    assert len(token) == len(TOKEN_PREFIX) + len(base64.urlsafe_b64encode(bytes(46)).rstrip(b"="))


def test_it_encrypts_the_same_text_differently_each_time(field_key: str) -> None:
    tokens = {encrypt("320106194808100087") for _ in range(20)}
    assert len(tokens) == 20


def test_it_detects_tampering_anywhere_in_the_token(field_key: str) -> None:
    token = encrypt("320106194808100087")
    body = token[len(TOKEN_PREFIX) :]
    # Not the very last character: in unpadded base64 it may carry only padding bits, so
    # changing it need not change a byte. The last byte is flipped below instead.
    for position in (0, 5, 15, len(body) // 2, len(body) - 2):
        flipped = "A" if body[position] != "A" else "B"
        tampered = TOKEN_PREFIX + body[:position] + flipped + body[position + 1 :]
        with pytest.raises(DecryptionError) as caught:
            decrypt(tampered)
        assert caught.value.zh and caught.value.en
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 0x01  # the last byte of the authentication tag
    last = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(DecryptionError):
        decrypt(TOKEN_PREFIX + last)


@pytest.mark.parametrize(
    "token",
    ["", "320106194808100087", "v2:AAAA", "v1:", "v1:AAAA", "v1:!!!!", "v1:" + "A" * 40],
)
def test_it_refuses_what_is_not_a_token(field_key: str, token: str) -> None:
    with pytest.raises(ValueError):
        decrypt(token)


def test_it_refuses_a_token_made_with_another_key(settings: Any) -> None:
    settings.OUTPOST_FIELD_KEY = _new_key()
    token = encrypt("13912345678")
    settings.OUTPOST_FIELD_KEY = _new_key()
    with pytest.raises(DecryptionError) as caught:
        decrypt(token)
    assert "another key" in caught.value.en and "密钥不符" in str(caught.value)


def test_it_hashes_deterministically(field_key: str) -> None:
    first = keyed_hash("320106194808100087", purpose="id_number")
    assert first == keyed_hash("320106194808100087", purpose="id_number")
    assert len(first) == 64
    assert set(first) <= set("0123456789abcdef")
    assert first != keyed_hash("320106194808100088", purpose="id_number")


def test_it_separates_hashes_by_purpose(field_key: str) -> None:
    digits = "13912345678"
    assert keyed_hash(digits, purpose="id_number") != keyed_hash(digits, purpose="phone")


def test_it_hashes_differently_under_a_different_key(settings: Any) -> None:
    settings.OUTPOST_FIELD_KEY = _new_key()
    before = keyed_hash("320106194808100087", purpose="id_number")
    settings.OUTPOST_FIELD_KEY = _new_key()
    after = keyed_hash("320106194808100087", purpose="id_number")
    assert before != after


def test_it_accepts_the_key_with_or_without_padding(settings: Any) -> None:
    key = _new_key()
    settings.OUTPOST_FIELD_KEY = key
    token = encrypt("abc")
    hashed = keyed_hash("abc", purpose="phone")
    settings.OUTPOST_FIELD_KEY = key.rstrip("=")
    assert decrypt(token) == "abc"
    assert keyed_hash("abc", purpose="phone") == hashed


@pytest.mark.parametrize(
    "key", [base64.urlsafe_b64encode(os.urandom(16)).decode(), "", "not base64 at all!"]
)
def test_it_refuses_a_bad_master_key(settings: Any, key: str) -> None:
    settings.OUTPOST_FIELD_KEY = key
    with pytest.raises(ImproperlyConfigured):
        encrypt("abc")


def test_it_needs_a_purpose(field_key: str) -> None:
    with pytest.raises(ValueError):
        keyed_hash("abc", purpose="")
