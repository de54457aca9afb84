"""app.text: diacritic folding for search and the cleaning of user text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationFailed
from app.input import clean_code, clean_optional, clean_slug, clean_text
from app.text import fold, slugify

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " \t\n,.-%_0123456789", max_size=60)


def refused(fn: object, *args: object, **kwargs: object) -> tuple[str, str | None]:
    with pytest.raises(ValidationFailed) as caught:
        fn(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code, caught.value.field


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Đào tạo An toàn thông tin") == "dao tao an toan thong tin"
    assert fold("Đ") == "d"
    assert fold("đ") == "d"
    assert fold("MÁY CHỦ ẢO") == "may chu ao"
    assert fold("Ứng cứu sự cố") == "ung cuu su co"
    assert fold("Quản lý, giám sát; bảo trì") == "quan ly, giam sat; bao tri"
    assert fold("  nhiều   khoảng\ttrắng\n ") == "nhieu khoang trang"
    assert fold("100% _x_") == "100% _x_"
    assert fold("") == ""
    # composed (NFC) and decomposed (NFD) input give the same result
    nfd = unicodedata.normalize("NFD", "Tiếng Việt")
    assert nfd != "Tiếng Việt"
    assert fold(nfd) == fold("Tiếng Việt") == "tieng viet"


@given(st.text(max_size=80))
def test_fold_is_idempotent_and_leaves_no_combining_marks(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded
    assert "Đ" not in folded
    assert folded == folded.strip()
    assert "  " not in folded


@given(vietnamese_text)
def test_fold_of_vietnamese_is_lower_case_ascii(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert len(folded.split()) == len(text.split())


def test_slugify() -> None:
    assert (
        slugify("Đào tạo An toàn thông tin cho cán bộ, công chức") == "dao-tao-an-toan-thong-tin-cho-can-bo-cong-chuc"
    )
    assert slugify("  --Máy chủ (ảo)!!  ") == "may-chu-ao"
    assert slugify("%%%") == ""


def test_clean_text() -> None:
    # trims and composes to NFC
    assert clean_text("  Tên dịch vụ  ", "nameVi") == "Tên dịch vụ"
    decomposed = unicodedata.normalize("NFD", "Việt")
    assert clean_text(decomposed, "nameVi") == "Việt" == unicodedata.normalize("NFC", "Việt")
    # control characters: none on one line; tab and newline allowed in multi-line text
    assert refused(clean_text, "a\nb", "nameVi") == ("CONTROL_CHARACTERS", "nameVi")
    assert refused(clean_text, "a\tb", "nameVi") == ("CONTROL_CHARACTERS", "nameVi")
    assert clean_text("a\nb\tc", "summaryVi", multiline=True) == "a\nb\tc"
    for char in ("\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"):
        assert refused(clean_text, f"a{char}b", "summaryVi", multiline=True) == ("CONTROL_CHARACTERS", "summaryVi"), (
            repr(char)
        )
    assert clean_text("a\u00a0b", "nameVi") == "a\u00a0b"  # a no-break space is text
    # required, length
    assert refused(clean_text, "   ", "nameVi") == ("REQUIRED", "nameVi")
    assert clean_text("   ", "nameEn", required=False) == ""
    assert clean_text("x" * 10, "f", max_length=10) == "x" * 10
    assert refused(clean_text, "x" * 11, "f", max_length=10) == ("TOO_LONG", "f")
    assert clean_text("  " + "x" * 10 + "  ", "f", max_length=10) == "x" * 10  # trimmed before measuring
    assert clean_optional(None, "nameEn") == ""
    assert clean_optional(" English ", "nameEn") == "English"
    with pytest.raises(ValidationFailed) as caught:
        clean_text("x" * 11, "f", max_length=10)
    assert (caught.value.message_vi, caught.value.message_en) == (
        "Văn bản dài quá 10 ký tự.",
        "Text is longer than 10 characters.",
    )


@given(st.text(max_size=40))
def test_clean_text_accepts_only_clean_text(text: str) -> None:
    try:
        cleaned = clean_text(text, "f", max_length=1000, multiline=True)
    except ValidationFailed as error:
        stripped = unicodedata.normalize("NFC", text).strip()
        assert error.code in {"CONTROL_CHARACTERS", "REQUIRED"}
        if error.code == "REQUIRED":
            assert stripped == ""
        else:
            assert any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in stripped)
    else:
        assert cleaned
        assert cleaned == cleaned.strip()
        assert unicodedata.is_normalized("NFC", cleaned)
        assert not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in cleaned)


def test_clean_code_and_slug() -> None:
    assert clean_code(" hts-dc_01 ") == "HTS-DC_01"
    for bad in ("HTS DC", "-HTS", "HTS--DC", "MÃ", "HTS-", "A.B"):
        assert refused(clean_code, bad) == ("INVALID_CODE", "code"), bad
    assert refused(clean_code, "  ") == ("REQUIRED", "code")
    assert refused(clean_code, "A" * 41) == ("TOO_LONG", "code")
    assert clean_slug(" may-chu-ao-2 ") == "may-chu-ao-2"
    for bad in ("May-Chu", "may chu", "may--chu", "-may", "máy", "may_chu"):
        assert refused(clean_slug, bad) == ("INVALID_SLUG", "slug"), bad


async def test_search_ignores_punctuation_around_words(client, catalog) -> None:
    query = "query ($t: String) { services(filter: {text: $t}, first: 50) { edges { node { code } } } }"
    plain = await client.gql(query, {"t": "dao tao an toan"})
    punctuated = await client.gql(query, {"t": "Đào tạo, an toàn!"})
    assert plain.data["services"]["edges"]
    assert punctuated.data == plain.data
