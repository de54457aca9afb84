"""VietQR (NAPAS 247) payloads: EMVCo merchant-presented QR, pure functions (see shared/NOTES-domain.md).

Fields are TLV: ID (2 digits) + length (2 digits, decimal) + value. A dynamic code (01 = 12) carries the
amount (54) and, in the additional data (62), the purpose (08) that banks copy into the transfer's
description: we put the invoice's payment reference there so the statement line can be matched. The
payload ends with 63 + 04 + CRC-16/CCITT-FALSE of everything before it, "6304" included.
The QR confirms nothing: a payment counts when a bank statement line is matched.
"""

from __future__ import annotations

import re
import unicodedata

from app.text import fold

GUID = "A000000727"  # NAPAS
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
MAX_AMOUNT_DIGITS = 13  # field 54 holds at most 13 characters
_SAFE = re.compile(r"[^A-Za-z0-9 .\-]")


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not value or len(value) > 99:
        raise ValueError(f"cannot encode {tag}={value!r}")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    """Poly 0x1021, init 0xFFFF, no reflection, no final xor (check value of b"123456789" is 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def ascii_memo(text: str, limit: int = 25) -> str:
    """What banks accept in a transfer's description: ASCII without diacritics, no symbols."""
    plain = unicodedata.normalize("NFKC", fold(text))
    return _SAFE.sub("", plain)[:limit].strip()


def payload(bank_bin: str, account: str, amount: int | None, purpose: str, reference_label: str | None = None) -> str:
    """The text to encode in the QR code. `amount` None makes a static code (the payer types the amount)."""
    if not (bank_bin.isascii() and bank_bin.isdigit() and len(bank_bin) == 6):
        raise ValueError("a bank BIN has 6 digits")
    if not account or not account.isascii() or not account.isalnum():
        raise ValueError("an account number is letters and digits")
    if amount is not None and not (0 < amount < 10**MAX_AMOUNT_DIGITS):
        raise ValueError("amount out of range")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    extra = (tlv("05", reference_label) if reference_label else "") + tlv("08", purpose)
    body = (
        tlv("00", "01")
        + tlv("01", "11" if amount is None else "12")
        + tlv("38", merchant)
        + tlv("53", CURRENCY_VND)
        + (tlv("54", str(amount)) if amount is not None else "")
        + tlv("58", COUNTRY)
        + tlv("62", extra)
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"
