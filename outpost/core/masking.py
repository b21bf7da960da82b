"""Masks for showing ID and phone numbers to people who may not see them in full.

An ID number shows its last 2 characters only (the sex digit and the check character). The rule
is set by what else a viewer is shown: the hukou region beside a person is usually the number's
area code, and the sex and birth year are shown too. Granting those, the hidden characters still
leave about 3,300 possible numbers (365 birth days x 100 sequence numbers / 11 for the check
character); showing the last 4 would leave about 33, and the birth date beside any mask at most
500, which is why no page shows the date beside a masked number (README, "Privacy").

A phone number shows the first 3 and last 4 digits of a mobile number, or the area code and
last 4 digits of a landline: 4 digits hidden, 10,000 possible numbers. Input that does not have
the expected shape reveals less, never more: all but 2 characters of an ID-like value and at
least 4 of a phone-like value are always masked, and a value too short for that is masked
entirely. The masked text has the same length as the input, so nothing about it is invented.
"""

import re

__all__ = ["mask_id_number", "mask_phone", "shorten_id_masks"]

MASK = "*"

# An ID number masked by an earlier rule (320106********0087, 3201********008): at least 8
# characters hidden, some shown at either end.
_OLD_ID_MASK = re.compile(r"(?<![0-9A-Za-z*])[0-9Xx]{0,6}\*{8,}[0-9Xx]{0,4}(?![0-9A-Za-z*])")

# A landline written with its area code and a separator: 025-83456789, 0515 8888123.
_LANDLINE = re.compile(r"^(0\d{2,3})([-\s])(.+)$")


def _mask_keep(text: str, head: int, tail: int) -> str:
    hidden = len(text) - head - tail
    return text[:head] + MASK * hidden + (text[len(text) - tail :] if tail else "")


def mask_id_number(value: str | None) -> str:
    """``"320106194808100087"`` → ``"****************87"``; empty → ``""``.

    Masking a masked number again gives the same result, so older masks stored elsewhere
    reduce to this one."""
    text = (value or "").strip()
    n = len(text)
    if n == 0:
        return ""
    # At least 8 characters hidden; at most the last 2 shown.
    return _mask_keep(text, 0, 2 if n >= 10 else 0)


def shorten_id_masks(text: str) -> str:
    """Text with every ID mask in it cut down to today's rule: for rows that keep an older mask
    and cannot be rewritten (the hash-chained access log)."""
    return _OLD_ID_MASK.sub(lambda m: mask_id_number(m.group()), text)


def mask_phone(value: str | None) -> str:
    """``"13912345678"`` → ``"139****5678"``, ``"025-83456789"`` → ``"025-****6789"``."""
    text = (value or "").strip()
    if not text:
        return ""
    landline = _LANDLINE.match(text)
    if landline:
        area, sep, local = landline.groups()
        return area + sep + _mask_keep(local, 0, min(4, max(0, len(local) - 4)))
    n = len(text)
    if n >= 11:
        # A mobile (or longer): 3 shown at the start, 4 at the end, the rest hidden (≥ 4).
        return _mask_keep(text, 3, 4)
    # Too short to be a whole mobile: hide at least 4, show at most the last 4.
    return _mask_keep(text, 0, min(4, max(0, n - 4)))
