"""Vietnamese identifiers: tax code (MST, via python-stdnum) and citizen ID (CCCD)."""

from __future__ import annotations

from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from app.errors import ValidationFailed

# Province codes of CCCD numbers (Circular 07/2016/TT-BCA, annex), 001 Hà Nội … 096 Cà Mau.
PROVINCE_CODES = frozenset(
    {
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
        37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
        75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    }
)  # fmt: skip


def normalize_tax_code(value: str, field: str = "taxCode") -> str:
    """10 digits, or 13 with a branch suffix (written 0100109106-001); returns the written form."""
    try:
        compact = mst.validate(value)
    except StdnumError:
        raise ValidationFailed(
            "INVALID_TAX_CODE",
            "Mã số thuế không hợp lệ.",
            "The tax code is not valid.",
            field,
        ) from None
    return compact if len(compact) == 10 else f"{compact[:10]}-{compact[10:]}"


def normalize_citizen_id(value: str, today: date, field: str = "citizenId") -> str:
    """12 digits: province (3), century+sex (1), birth year (2), serial (6)."""
    digits = value.replace(" ", "")
    invalid = ValidationFailed(
        "INVALID_CITIZEN_ID",
        "Số CCCD không hợp lệ (12 chữ số, mã tỉnh đúng).",
        "The citizen ID (CCCD) is not valid (12 digits with a valid province code).",
        field,
    )
    # isascii(): str.isdigit() also accepts other scripts' digits ("٠٣٨…", "０３８…", "²").
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        raise invalid
    if int(digits[:3]) not in PROVINCE_CODES:
        raise invalid
    century_sex = int(digits[3])
    if century_sex > 3:  # 0/1: born 1900s, 2/3: born 2000s; later centuries are not born yet
        raise invalid
    birth_year = 1900 + 100 * (century_sex // 2) + int(digits[4:6])
    if birth_year > today.year:
        raise invalid
    return digits
