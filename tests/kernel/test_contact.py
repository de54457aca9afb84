"""One rule for e-mail addresses and phone numbers, with one normal form."""

from __future__ import annotations

import pytest

from app.contact import normalize_email, normalize_phone, phone_form
from app.errors import ValidationFailed


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0912345678", "0912345678"),  # mobile
        ("091 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),  # the same number, international spelling
        ("0084912345678", "0912345678"),
        ("0383456789", "0383456789"),
        ("02373851234", "02373851234"),  # Thanh Hóa landline (0237)
        ("(0237) 385-1234", "02373851234"),
        ("+1 202 555 0143", "+12025550143"),  # abroad: E.164
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
        (None, ""),
    ],
)
def test_accepted_numbers_and_their_normal_form(given: str | None, stored: str) -> None:
    assert normalize_phone(given) == stored


@pytest.mark.parametrize(
    "given",
    ["012345678", "091234567", "09123456789", "0123456789", "0212345678", "+0912345678", "+1234", "abc", "09123x5678",
     "+1234567890123456", "0912\x00345678"],
)  # fmt: skip
def test_refused_numbers(given: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_phone(given, "contactPhone")
    assert caught.value.field == "contactPhone"
    assert caught.value.code in ("INVALID_PHONE", "CONTROL_CHARACTERS")


def test_phone_form_compares_spellings_of_one_number() -> None:
    assert phone_form("+84 912-345-678") == phone_form("0912 345 678") == "0912345678"


@pytest.mark.parametrize(
    ("given", "stored"), [("An.Nguyen@Example.VN", "an.nguyen@example.vn"), (" a@b.co ", "a@b.co")]
)
def test_emails_are_lower_cased(given: str, stored: str) -> None:
    assert normalize_email(given) == stored


@pytest.mark.parametrize("given", ["", "a", "a@b", "a@@b.vn", "a b@c.vn", "@c.vn", "a@-c.vn", "x" * 65 + "@c.vn"])
def test_refused_emails(given: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_email(given, "contactEmail")
    assert caught.value.field == "contactEmail"
