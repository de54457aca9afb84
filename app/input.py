"""The one input boundary: every string, id, date and amount a client sends is checked here before it
reaches a query. Checks raise a ValidationFailed with the field at fault; a `Checker` collects them so
one response lists every bad field of an input."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from app.errors import DomainError, ErrorDetail, ValidationFailed

R = TypeVar("R")

# C0/C1 control characters except tab and newline (allowed in multi-line fields). NUL among them:
# PostgreSQL text refuses it (NOTES-stack).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")
_ASCII_ID = re.compile(r"^[0-9]{1,10}$")  # ASCII only: str.isdigit() accepts "¹" and other scripts' digits

MAX_ID = 2**31 - 1  # ids are PostgreSQL `integer` (serial) columns
MAX_AMOUNT = 100_000_000_000  # 100 billion đồng: a price or line above it is a typing error
FIRST_DAY = date(2000, 1, 1)  # dates outside [2000, 2100] are typing errors (and would overflow arithmetic)
LAST_DAY = date(2100, 12, 31)


def _bad(field: str | None, code: str, vi: str, en: str) -> ValidationFailed:
    return ValidationFailed(code, vi, en, field)


class Checker:
    """Collects field errors so one response lists them all."""

    def __init__(self) -> None:
        self.details: list[ErrorDetail] = []

    def check(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """The value `fn` returns, or None (typed as R for the caller's convenience) with its error kept."""
        try:
            return fn(*args, **kwargs)
        except DomainError as error:
            self.details.extend(error.details)
            return None  # type: ignore[return-value]

    def fail(self, field: str, code: str, vi: str, en: str) -> None:
        self.details.append(ErrorDetail(code, vi, en, field))

    def add(self, error: DomainError) -> None:
        self.details.extend(error.details)

    def done(self) -> None:
        if self.details:
            raise ValidationFailed.many(self.details)


def raise_all(details: list[ErrorDetail]) -> None:
    if details:
        raise ValidationFailed.many(details)


def camel(name: str) -> str:
    """A column name as the API's field name: name_vi -> nameVi."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- text -----------------------------------------------------------------------------------------


def clean_text(
    value: str,
    field: str,
    *,
    max_length: int = 200,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """NFC-normalise, trim, and refuse control characters, empty or over-long text."""
    text = unicodedata.normalize("NFC", value).strip()
    pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE
    if pattern.search(text):
        raise _bad(
            field,
            "CONTROL_CHARACTERS",
            "Văn bản chứa ký tự điều khiển không hợp lệ.",
            "Text contains control characters.",
        )
    if required and not text:
        raise _bad(field, "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if len(text) > max_length:
        raise _bad(
            field,
            "TOO_LONG",
            f"Văn bản dài quá {max_length} ký tự.",
            f"Text is longer than {max_length} characters.",
        )
    return text


def clean_optional(value: str | None, field: str, *, max_length: int = 200, multiline: bool = False) -> str:
    if value is None:
        return ""
    return clean_text(value, field, max_length=max_length, multiline=multiline, required=False)


def clean_slug(value: str, field: str = "slug") -> str:
    slug = clean_text(value, field, max_length=120)
    if not _SLUG.match(slug):
        raise _bad(
            field,
            "INVALID_SLUG",
            "Slug chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang.",
            "A slug has lower-case ASCII letters, digits and hyphens only.",
        )
    return slug


def clean_code(value: str, field: str = "code") -> str:
    code = clean_text(value, field, max_length=40).upper()
    if not _CODE.match(code):
        raise _bad(
            field,
            "INVALID_CODE",
            "Mã chỉ gồm chữ in hoa không dấu, chữ số, dấu gạch ngang hoặc gạch dưới.",
            "A code has upper-case ASCII letters, digits, hyphens or underscores only.",
        )
    return code


def lookup_code(value: str, field: str = "code", max_length: int = 40) -> str:
    """A code used to find something (not to create it): trimmed, upper-cased, control characters and
    over-long values refused, so a lookup never sends a NUL or a megabyte to the database."""
    return clean_text(value, field, max_length=max_length).upper()


# --- ids, numbers, dates ---------------------------------------------------------------------------


def parse_id(value: object, field: str = "id") -> int:
    """An id as clients send it (GraphQL ID: a string, or an int): ASCII digits within the column's range."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not _ASCII_ID.match(text) or not 1 <= int(text) <= MAX_ID:
        raise _bad(field, "INVALID_ID", "Mã định danh không hợp lệ.", "The id is not valid.")
    return int(text)


def parse_ids(values: list[Any], field: str, maximum: int = 100) -> list[int]:
    """Distinct ids, sorted; refuses malformed ones (field.index) and lists longer than `maximum`."""
    c = Checker()
    if len(values) > maximum:
        c.fail(field, "TOO_MANY", f"Tối đa {maximum} mục.", f"At most {maximum} items.")
        c.done()
    ids = [c.check(parse_id, value, f"{field}.{index}") for index, value in enumerate(values)]
    c.done()
    return sorted(set(ids))


def check_int(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise _bad(
            field,
            "OUT_OF_RANGE",
            f"Giá trị phải từ {low:,} đến {high:,}.".replace(",", "."),
            f"The value must be between {low:,} and {high:,}.",
        )
    return value


def check_amount(value: int, field: str, maximum: int = MAX_AMOUNT) -> int:
    """A non-negative whole number of đồng, not above `maximum`."""
    if value < 0:
        raise _bad(field, "NEGATIVE_AMOUNT", "Số tiền không được âm.", "The amount cannot be negative.")
    if value > maximum:
        raise _bad(
            field,
            "AMOUNT_TOO_LARGE",
            f"Số tiền vượt quá mức cho phép ({maximum:,} đồng).".replace(",", "."),
            f"The amount exceeds the allowed maximum ({maximum:,} VND).",
        )
    return value


def check_date(value: date, field: str) -> date:
    """Any date a client sends: between 2000-01-01 and 2100-12-31."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise _bad(
            field,
            "DATE_OUT_OF_RANGE",
            f"Ngày phải trong khoảng {FIRST_DAY.isoformat()} đến {LAST_DAY.isoformat()}.",
            f"The date must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.",
        )
    return value


def check_year(value: int, field: str = "year") -> int:
    return check_int(value, field, FIRST_DAY.year, LAST_DAY.year)
