"""Field encryption for ID and phone numbers at rest, and keyed hashes to find them again.

One master key, `settings.OUTPOST_FIELD_KEY` (32 random bytes, base64url), never used directly:
HKDF-SHA256 derives an encryption key and a hashing key from it, and each hashing purpose gets
its own sub-key, so the hash of a number stored as an ID number cannot be matched against the
hash of the same digits stored as a phone number.

- `encrypt` / `decrypt`: AES-256-GCM with a random 96-bit nonce. Tokens are ASCII,
  ``"v1:" + base64url(nonce + ciphertext_and_tag)`` without padding; the version prefix is also
  bound into the authentication tag, so a token cannot be relabelled.
- `keyed_hash`: HMAC-SHA256, hex. Deterministic, for exact lookup and de-duplication. It hashes
  exactly the string it is given: pass normalised values (`parse_id_number(...).value`,
  `normalize_phone(...)`), or the same number written two ways hashes two ways.

Derived keys are cached per master-key string, so overriding the setting in a test takes effect
at once.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import Text

__all__ = ["TOKEN_PREFIX", "DecryptionError", "decrypt", "encrypt", "keyed_hash"]

TOKEN_PREFIX = "v1:"
_AAD = b"outpost-field:v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16


class DecryptionError(ValueError):
    """A token that cannot be decrypted: malformed, tampered with, or made with another key."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    # The reason in one fixed language (logs, the API's two-language answer).
    @property
    def zh(self) -> str:
        return self.message.in_language("zh-hans")

    @property
    def en(self) -> str:
        return self.message.in_language("en")


@dataclass(frozen=True)
class _Keys:
    encryption: bytes
    hashing: bytes


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _hkdf(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


@functools.cache
def _keys_for(master_key: str) -> _Keys:
    try:
        master = _b64decode(master_key.strip())
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("OUTPOST_FIELD_KEY must be base64url-encoded") from exc
    if len(master) != 32:
        raise ImproperlyConfigured(
            f"OUTPOST_FIELD_KEY must encode exactly 32 bytes, not {len(master)}"
        )
    return _Keys(
        encryption=_hkdf(master, b"outpost field encryption v1"),
        hashing=_hkdf(master, b"outpost keyed hash v1"),
    )


@functools.cache
def _purpose_key(master_key: str, purpose: str) -> bytes:
    hashing = _keys_for(master_key).hashing
    return hmac.new(hashing, b"purpose:" + purpose.encode("utf-8"), hashlib.sha256).digest()


# Imports encrypt and hash ~200,000 numbers at a time: keep the keyed objects instead of making
# them per call (the AES key schedule and the HMAC key pads cost more than the work itself).
# Both are safe to share: AESGCM is immutable, and each hash starts from a copy.
@functools.cache
def _aead(master_key: str) -> AESGCM:
    return AESGCM(_keys_for(master_key).encryption)


@functools.cache
def _keyed_hmac(master_key: str, purpose: str) -> hmac.HMAC:
    return hmac.new(_purpose_key(master_key, purpose), digestmod=hashlib.sha256)


# The master key as last read: an import asks for it ~350,000 times, and each read of a lazy
# setting costs more than the dictionary lookup here. Forgotten when the setting changes.
_current_key: dict[str, str] = {}


def _master_key() -> str:
    try:
        return _current_key["key"]
    except KeyError:
        key = getattr(settings, "OUTPOST_FIELD_KEY", "")
    if not key:
        raise ImproperlyConfigured("OUTPOST_FIELD_KEY is not set")
    _current_key["key"] = str(key)
    return str(key)


def _forget_master_key(*, setting: str, **kwargs: object) -> None:
    if setting == "OUTPOST_FIELD_KEY":
        _current_key.clear()


setting_changed.connect(_forget_master_key)


def encrypt(plaintext: str) -> str:
    """Encrypt text; every call gives a different token for the same text."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes str, not {type(plaintext).__name__}")
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(_master_key()).encrypt(nonce, plaintext.encode("utf-8"), _AAD)
    return TOKEN_PREFIX + _b64encode(nonce + sealed)


def decrypt(token: str) -> str:
    """The text inside a token from `encrypt`; DecryptionError (a ValueError) if it is not one."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise DecryptionError(Text(_("not an encrypted field token (expected 'v1:…')")))
    try:
        blob = _b64decode(token[len(TOKEN_PREFIX) :])
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError(Text(_("encrypted field token is not valid base64"))) from exc
    if len(blob) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError(Text(_("encrypted field token is too short")))
    aesgcm = AESGCM(_keys_for(_master_key()).encryption)
    try:
        data = aesgcm.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD)
    except InvalidTag as exc:
        raise DecryptionError(
            Text(
                _(
                    "encrypted field failed authentication: tampered with or encrypted with "
                    "another key"
                )
            )
        ) from exc
    return data.decode("utf-8")


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` (hex, 64 characters) under the sub-key for `purpose`."""
    if not purpose:
        raise ValueError("keyed_hash() needs a purpose, such as 'id_number' or 'phone'")
    if not isinstance(value, str):
        raise TypeError(f"keyed_hash() takes str, not {type(value).__name__}")
    digest = _keyed_hmac(_master_key(), purpose).copy()
    digest.update(value.encode("utf-8"))
    return digest.hexdigest()
