"""Receipt codes (mã hồ sơ): PREFIX-YYMMDD-NNNN-XX.

- YYMMDD is the local (Asia/Ho_Chi_Minh) date of submission;
- NNNN is a per-day sequence (series `receipt:YYMMDD` of app.numbering), taken inside the
  submission's transaction: concurrent submissions never share a number and a failed one leaves no gap;
- XX are two random characters (secrets) from an alphabet without look-alikes, so knowing one code
  does not reveal its neighbours (1 in 961 to guess the suffix, and lookups are rate-limited).
"""

from __future__ import annotations

import re
import secrets
from datetime import date

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SUFFIX_LENGTH = 2
_CODE = re.compile(r"^[A-Z]{2,10}-\d{6}-\d{4,6}-[A-Z2-9]{2}$")


def day_key(day: date) -> str:
    return day.strftime("%y%m%d")


def series(day: date) -> str:
    """The number series of one day's receipt codes."""
    return f"receipt:{day_key(day)}"


def format_code(prefix: str, day: date, sequence: int, suffix: str) -> str:
    return f"{prefix}-{day_key(day)}-{sequence:04d}-{suffix}"


def random_suffix() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SUFFIX_LENGTH))


def normalize(code: str) -> str:
    return code.strip().upper()


def looks_like_code(code: str) -> bool:
    return bool(_CODE.match(code))
