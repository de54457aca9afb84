"""Text rules shared by every domain: input cleaning and Vietnamese diacritic folding."""

from __future__ import annotations

import re
import unicodedata

from app.errors import ErrorDetail, ValidationFailed

# C0/C1 control characters except tab and newline (allowed in multi-line fields).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for search: "Đào tạo An toàn" -> "dao tao an toan"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _bad(field: str, code: str, vi: str, en: str) -> ValidationFailed:
    return ValidationFailed(code, vi, en, field)


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


def raise_all(details: list[ErrorDetail]) -> None:
    if details:
        raise ValidationFailed.many(details)
