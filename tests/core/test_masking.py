"""Masked ID and phone numbers never show more than the rule allows."""

import pytest

from outpost.core.masking import mask_id_number, mask_phone, shorten_id_masks


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("320106194808100087", "****************87"),
        ("51010420070411707X", "****************7X"),
        (" 320106194808100087 ", "****************87"),
        ("320106********0087", "****************87"),  # an older mask reduces to this one
        ("320106480810008", "*************08"),  # 15-digit
        ("1234567890", "********90"),
        ("12345678", "********"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_id_numbers(raw: str | None, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13912345678", "139****5678"),
        ("025-83456789", "025-****6789"),
        ("0515-8888123", "0515-****123"),
        ("025 83456789", "025 ****6789"),
        ("1391234", "****234"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_phone_numbers(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("length", range(1, 30))
def test_it_never_reveals_more_of_an_id_than_the_rule(length: int) -> None:
    raw = "".join(str(i % 10) for i in range(length))
    masked = mask_id_number(raw)
    assert len(masked) == length
    hidden = masked.count("*")
    assert hidden >= min(length, 8)
    # what is shown is shown in place: the last ≤ 2 characters, nothing at the start
    assert masked.startswith("*")
    tail = masked.rsplit("*", 1)[-1]
    assert len(tail) <= 2 and length - hidden == len(tail)
    assert raw.endswith(tail)
    assert mask_id_number(masked) == masked


@pytest.mark.parametrize("length", range(1, 30))
def test_it_never_reveals_more_of_a_phone_than_the_rule(length: int) -> None:
    raw = "1" + "".join(str(i % 10) for i in range(length - 1))
    masked = mask_phone(raw)
    assert len(masked) == length
    hidden = masked.count("*")
    assert hidden >= min(length, 4)
    assert length - hidden <= 7
    head, tail = masked.split("*", 1)[0], masked.rsplit("*", 1)[-1]
    assert len(head) <= 3
    assert len(tail) <= 4
    assert raw.startswith(head)
    assert raw.endswith(tail)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("320106********0087", "****************87"),
        (
            "people:320106********0087 and 3201********008",
            "people:****************87 and *************08",
        ),
        ("****************87", "****************87"),
        ("139****5678", "139****5678"),  # a phone mask is another rule
        ("P0000001", "P0000001"),
    ],
)
def test_it_cuts_older_id_masks_in_a_text_down_to_todays(text: str, shown: str) -> None:
    assert shorten_id_masks(text) == shown
