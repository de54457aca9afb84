"""One rule for e-mail addresses and phone numbers, wherever a person gives them (sign-up, a guest's
request, tracking). Numbers are stored in one normal form so the same number always compares equal:
Vietnamese numbers in national form (0…), others in E.164 (+…)."""

from __future__ import annotations

import re

from app.errors import ValidationFailed
from app.input import clean_optional, clean_text

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
# Vietnam since 2018: mobiles 10 digits (03, 05, 07, 08, 09); landlines 11 digits (02 + area code, e.g. 0237 Thanh Hóa).
_VN_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_VN_LANDLINE = re.compile(r"^02[0-9]{9}$")
# E.164: a country code (not 0) and at most 15 digits in all.
_INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{6,14}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalize_email(value: str, field: str = "email") -> str:
    email = clean_text(value, field, max_length=254).lower()
    if not _EMAIL.match(email):
        raise ValidationFailed(
            "INVALID_EMAIL", "Địa chỉ e-mail không hợp lệ.", "The e-mail address is not valid.", field
        )
    return email


def phone_form(value: str) -> str:
    """The normal form of a number as typed, without judging it: separators dropped, +84 as 0."""
    phone = _SEPARATORS.sub("", value)
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("0084"):
        phone = "0" + phone[4:]
    return phone


def normalize_phone(value: str | None, field: str = "phone") -> str:
    """ "" for no number; otherwise a Vietnamese mobile (10 digits) or landline (11 digits), written with
    0 or +84, or an international number with + and its country code."""
    phone = phone_form(clean_optional(value, field, max_length=30))
    if phone and not (_VN_MOBILE.match(phone) or _VN_LANDLINE.match(phone) or _INTERNATIONAL.match(phone)):
        raise ValidationFailed(
            "INVALID_PHONE",
            "Số điện thoại không hợp lệ (di động 10 chữ số, cố định 11 chữ số, bắt đầu bằng 0 hoặc +84; "
            "số nước ngoài bắt đầu bằng + và mã nước).",
            "The phone number is not valid (a Vietnamese mobile has 10 digits, a landline 11, starting with 0 "
            "or +84; a foreign number starts with + and its country code).",
            field,
        )
    return phone
