"""Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226), from the standard library.

Authenticator apps (Google Authenticator, Microsoft Authenticator, 腾讯身份验证器…) use the
defaults: SHA-1, 6 digits, 30-second steps, secret shared as base32 in an otpauth:// URI.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Callable
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code from the step before or after still counts (clock drift, typing)


def new_secret() -> str:
    """160 random bits (the RFC's recommended length for SHA-1), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def secret_bytes(secret: str) -> bytes:
    clean = secret.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: Callable = hashlib.sha1) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(key: bytes, at: float, digits: int = DIGITS, digest: Callable = hashlib.sha1) -> str:
    return hotp(key, int(at // STEP), digits, digest)


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code `code` is (within the allowed drift), else None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, now = secret_bytes(secret), int((time.time() if at is None else at) // STEP)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """otpauth://totp/Issuer:account?secret=…&issuer=… for an authenticator app."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"
