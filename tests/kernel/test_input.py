"""The input boundary: ids, amounts, dates, text and codes are checked before any query."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationFailed
from app.input import (
    Checker,
    camel,
    check_amount,
    check_date,
    check_year,
    clean_text,
    lookup_code,
    parse_id,
    parse_ids,
)


@pytest.mark.parametrize("value", ["1", " 42 ", 7, "2147483647"])
def test_ids_are_ascii_digits_within_the_column_range(value: object) -> None:
    assert parse_id(value) == int(str(value).strip())


@pytest.mark.parametrize(
    "value",
    ["", "0", "-1", "¹", "١٢", "１２", "2147483648", "99999999999999999999", "1e3", "0x1f", True, None, 1.5, "1\x00"],
)
def test_anything_else_is_an_invalid_id_on_its_field(value: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_id(value, "planId")
    assert (caught.value.code, caught.value.field, caught.value.message_en) == (
        "INVALID_ID", "planId", "The id is not valid.",
    )  # fmt: skip


def test_id_lists_are_distinct_sorted_bounded_and_report_each_bad_entry() -> None:
    assert parse_ids(["3", 1, "3"], "managerIds") == [1, 3]
    with pytest.raises(ValidationFailed) as caught:
        parse_ids(["1", "x", "¹"], "managerIds")
    assert [(d.code, d.field) for d in caught.value.details] == [
        ("INVALID_ID", "managerIds.1"), ("INVALID_ID", "managerIds.2"),
    ]  # fmt: skip
    with pytest.raises(ValidationFailed) as too_many:
        parse_ids(list(range(1, 5)), "ids", maximum=3)
    assert too_many.value.code == "TOO_MANY"


@given(st.text())
def test_parse_id_never_crashes(text: str) -> None:
    try:
        value = parse_id(text)
    except ValidationFailed:
        return
    assert 1 <= value <= 2**31 - 1


def test_amounts_are_whole_non_negative_and_bounded() -> None:
    assert check_amount(0, "amount") == 0
    assert check_amount(100_000_000_000, "amount") == 100_000_000_000
    with pytest.raises(ValidationFailed) as negative:
        check_amount(-1, "amount")
    with pytest.raises(ValidationFailed) as large:
        check_amount(100_000_000_001, "amount")
    assert (negative.value.code, large.value.code) == ("NEGATIVE_AMOUNT", "AMOUNT_TOO_LARGE")
    assert large.value.message_vi == "Số tiền vượt quá mức cho phép (100.000.000.000 đồng)."


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_far_away_are_refused_before_any_arithmetic(day: date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_date(day, "dueDate")
    assert (caught.value.code, caught.value.field) == ("DATE_OUT_OF_RANGE", "dueDate")


def test_the_accepted_date_range_and_years() -> None:
    assert check_date(date(2000, 1, 1), "d") == date(2000, 1, 1)
    assert check_date(date(2100, 12, 31), "d") == date(2100, 12, 31)
    assert check_year(2026) == 2026
    for year in (0, 1999, 2101, 10**9):
        with pytest.raises(ValidationFailed):
            check_year(year)


def test_text_refuses_nul_and_control_characters_and_lookups_are_bounded() -> None:
    with pytest.raises(ValidationFailed) as nul:
        clean_text("a\x00b", "name")
    assert nul.value.code == "CONTROL_CHARACTERS"
    assert clean_text("  Đào tạo\u0301 ", "name") == "Đào tạó"  # NFC
    assert lookup_code(" hts-01 ", "department") == "HTS-01"
    with pytest.raises(ValidationFailed) as long:
        lookup_code("X" * 41, "code")
    assert long.value.code == "TOO_LONG"


def test_a_checker_collects_every_error() -> None:
    c = Checker()
    assert c.check(parse_id, "5", "a") == 5
    assert c.check(parse_id, "x", "b") is None
    c.fail("c", "REQUIRED", "vi", "en")
    with pytest.raises(ValidationFailed) as caught:
        c.done()
    assert [(d.code, d.field) for d in caught.value.details] == [("INVALID_ID", "b"), ("REQUIRED", "c")]
    assert camel("share_basis_points") == "shareBasisPoints"
