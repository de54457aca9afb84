"""VietQR payloads, decoded field by field by a decoder written here, independently of billing.vietqr."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing import vietqr

NOTES_EXAMPLE = (
    "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN"
    "62340507NPS68690819thanh toan don hang630467E1"
)


def decode(text: str) -> dict[str, str]:
    """ID(2) LEN(2) VALUE, left to right; nested templates are decoded by calling this again."""
    fields, i = {}, 0
    while i < len(text):
        tag, length = text[i : i + 2], int(text[i + 2 : i + 4])
        fields[tag] = text[i + 4 : i + 4 + length]
        i += 4 + length
    assert i == len(text), "trailing characters"
    return fields


def crc_ok(text: str) -> bool:
    """CRC-16/CCITT-FALSE computed bit by bit from the polynomial, as the standard describes it."""
    data, crc = text[:-4].encode(), 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = (crc >> 15) & 1
            crc = ((crc << 1) & 0xFFFF) ^ (0x1021 if top ^ ((byte >> bit) & 1) else 0)
    return text[-4:] == f"{crc:04X}"


def test_the_crc_check_value() -> None:
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1


def test_the_example_of_the_notes_is_reproduced() -> None:
    built = vietqr.payload("970436", "1017595600", 180_000, "thanh toan don hang", reference_label="NPS6869")
    assert built == NOTES_EXAMPLE
    assert crc_ok(built)


def test_an_invoice_payload_field_by_field() -> None:
    text = vietqr.payload("970418", "12010000123456", 2_640_000, "HDK7M2Q9XR4T")
    top = decode(text)
    assert (top["00"], top["01"], top["53"], top["54"], top["58"]) == ("01", "12", "704", "2640000", "VN")
    merchant = decode(top["38"])
    assert (merchant["00"], merchant["02"]) == ("A000000727", "QRIBFTTA")
    assert decode(merchant["01"]) == {"00": "970418", "01": "12010000123456"}
    assert decode(top["62"]) == {"08": "HDK7M2Q9XR4T"}
    assert list(top)[-1] == "63" and crc_ok(text)


def test_a_static_code_has_no_amount() -> None:
    top = decode(vietqr.payload("970418", "123456", None, "HD1"))
    assert top["01"] == "11" and "54" not in top


@pytest.mark.parametrize(
    ("bin_", "account", "amount"),
    [("97041", "1", 1), ("97041a", "1", 1), ("970418", "", 1), ("970418", "12 3", 1), ("970418", "1", 0),
     ("970418", "1", 10**13)],
)  # fmt: skip
def test_bad_inputs_are_refused(bin_: str, account: str, amount: int) -> None:
    with pytest.raises(ValueError):
        vietqr.payload(bin_, account, amount, "HD1")


def test_memos_are_ascii_without_diacritics() -> None:
    assert vietqr.ascii_memo("Thanh toán hóa đơn số 12 – Đợt 1!") == "thanh toan hoa don so 12"


@given(st.integers(1, 10**13 - 1), st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=1, max_size=25))
def test_any_payload_decodes_and_checks(amount: int, reference: str) -> None:
    text = vietqr.payload("970436", "1017595600", amount, reference)
    top = decode(text)
    assert int(top["54"]) == amount and decode(top["62"])["08"] == reference and crc_ok(text)
