"""The amount in Vietnamese words, as invoices print it (rules and examples: shared/NOTES-domain.md)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import MAX_WORDS_AMOUNT, amount_in_words, words_to_amount

# Hand-checked against the rules: linh for empty tens, "không trăm" in a group after the first,
# mốt after twenty, lăm after any ten, empty groups skipped.
CASES = [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (55, "Năm mươi lăm đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (1_000, "Một nghìn đồng"),
    (1_005, "Một nghìn không trăm linh năm đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (180_000, "Một trăm tám mươi nghìn đồng"),
    (1_025_000, "Một triệu không trăm hai mươi lăm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_205_000, "Một triệu hai trăm linh năm nghìn đồng"),
    (1_320_000, "Một triệu ba trăm hai mươi nghìn đồng"),
    (100_000_000, "Một trăm triệu đồng"),
    (123_456_789, "Một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (1_000_010_000, "Một tỷ không trăm mười nghìn đồng"),
    (1_001_001_001, "Một tỷ không trăm linh một triệu không trăm linh một nghìn không trăm linh một đồng"),
    (2_000_000_000_000, "Hai nghìn tỷ đồng"),
    (1_000_000_000_000_000, "Một triệu tỷ đồng"),
    (-1_100_000, "Âm một triệu một trăm nghìn đồng"),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_the_table(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words
    assert words_to_amount(words) == amount


def test_variants_are_read_too() -> None:
    assert words_to_amount("một ngàn không trăm lẻ năm đồng") == 1_005
    assert words_to_amount("hai mươi tư") == 24
    assert amount_in_words(1_000, currency="") == "Một nghìn"


def test_out_of_range() -> None:
    with pytest.raises(ValueError):
        amount_in_words(MAX_WORDS_AMOUNT + 1)
    with pytest.raises(ValueError):
        words_to_amount("một con mèo")


@given(st.integers(-MAX_WORDS_AMOUNT, MAX_WORDS_AMOUNT))
def test_reading_the_words_back_gives_the_number(amount: int) -> None:
    words = amount_in_words(amount)
    assert words_to_amount(words) == amount
    assert words[0].isupper() and words.endswith(" đồng") and "  " not in words


@given(st.integers(0, 10**12))
def test_no_word_is_spelled_against_the_rules(amount: int) -> None:
    words = amount_in_words(amount).lower().split()
    for before, after in pairwise(words):
        assert (before, after) != ("mười", "mốt")  # eleven is mười một
        assert (before, after) not in {("linh", "mốt"), ("linh", "lăm")}  # 101, 105: linh một, linh năm
        assert (before, after) not in {("mươi", "năm"), ("mười", "năm")}  # 25, 15: hai mươi lăm, mười lăm
        assert (before, after) != ("mươi", "một")  # 21: hai mươi mốt
