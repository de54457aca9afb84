"""signUp: citizens (CCCD), businesses (tax code) and agencies; every refusal reports each bad field
with its code in both languages, and writes nothing."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.vn import mst

from app.auth.tables import Account, AuthSession
from tests.auth.helpers import (
    BRANCH_TAX_CODE,
    CITIZEN_ID,
    SIGN_UP,
    TAX_CODE,
    account_row,
    agency_input,
    business_input,
    citizen_input,
    counts,
    errors_of,
    me,
    snapshot,
)
from tests.support import PASSWORD, Api

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_emails = itertools.count()


async def sign_up(client: Api, values: dict[str, Any], **headers: str) -> dict[str, Any]:
    result = await client.gql(SIGN_UP, {"input": values}, headers=headers or None)
    return result.data["signUp"]


async def refused(client: Api, values: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Signs up with bad values; checks that nothing came back and nothing was written."""
    before = await snapshot()
    payload = await sign_up(client, values)
    assert (payload["token"], payload["expiresAt"], payload["account"]) == (None, None, None)
    assert payload["errors"], payload
    for error in payload["errors"]:
        assert error["message"] == error["messageVi"]
        assert error["messageVi"] and error["messageEn"] and error["messageVi"] != error["messageEn"]
    assert await snapshot() == before
    return errors_of(payload)


# --- accepted ---


async def test_citizen_signs_up_and_the_token_works(client: Api, frozen_now: Any) -> None:
    # given a fixed time
    frozen_now(datetime(2026, 3, 15, 1, 2, 3, tzinfo=UTC))
    # when a citizen signs up (e-mail in mixed case with spaces, CCCD and phone with spaces)
    payload = await sign_up(
        client,
        citizen_input(
            "  An.Nguyen@Example.VN ",
            fullName="  Nguyễn Văn An ",
            citizenId="038 095 000 123",
            phone="0912 345 678",
        ),
    )
    # then the account is a citizen customer with the cleaned values, and a token valid for 12 hours
    assert payload["errors"] == []
    account = payload["account"]
    assert account == {
        "id": account["id"],
        "email": "an.nguyen@example.vn",
        "fullName": "Nguyễn Văn An",
        "phone": "0912345678",
        "kind": "CUSTOMER",
        "customerKind": "CITIZEN",
        "citizenId": CITIZEN_ID,
        "taxCode": None,
        "organizationName": None,
        "roles": [],
    }
    assert payload["expiresAt"] == "2026-03-15T13:02:03+00:00"
    token = payload["token"]
    assert len(token) >= 40
    assert (await me(client, token)).data["me"] == account
    # and the database holds an Argon2id hash and the token's SHA-256, never the secrets themselves
    row = await account_row("an.nguyen@example.vn")
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert (row["failed_sign_ins"], row["locked_until"], row["is_active"]) == (0, None, True)
    sessions = await AuthSession.select(AuthSession.token_hash, AuthSession.account, AuthSession.revoked_at)
    assert sessions == [
        {"token_hash": hashlib.sha256(token.encode()).hexdigest(), "account": row["id"], "revoked_at": None}
    ]
    # and signing up is not an audited staff action
    assert await counts() == {"account": 1, "account_role": 0, "auth_session": 1, "api_key": 0, "audit_event": 0}


@pytest.mark.parametrize(
    ("tax_code", "stored"),
    [
        (TAX_CODE, TAX_CODE),
        (BRANCH_TAX_CODE, BRANCH_TAX_CODE),
        ("0100109106001", BRANCH_TAX_CODE),  # a branch without its hyphen is written with it
        (" 0100 109 106 ", TAX_CODE),
        ("0100109106-999", "0100109106-999"),
    ],
)
async def test_business_signs_up_with_a_tax_code(client: Api, tax_code: str, stored: str) -> None:
    payload = await sign_up(client, business_input("ketoan@hacthanh.vn", taxCode=tax_code, phone="+84912345678"))
    assert payload["errors"] == []
    assert {k: v for k, v in payload["account"].items() if k != "id"} == {
        "email": "ketoan@hacthanh.vn",
        "fullName": "Lê Thị Bình",
        "phone": "0912345678",  # +84 is stored in national form: one number, one spelling
        "kind": "CUSTOMER",
        "customerKind": "BUSINESS",
        "citizenId": None,
        "taxCode": stored,
        "organizationName": "Công ty Cổ phần Phần mềm Hạc Thành",
        "roles": [],
    }
    assert (await account_row("ketoan@hacthanh.vn"))["tax_code"] == stored


async def test_agency_signs_up_with_or_without_a_tax_code(client: Api) -> None:
    # an agency needs no tax code
    without = await sign_up(client, agency_input("vanthu@syt.thanhhoa.gov.vn"))
    assert without["errors"] == []
    assert (without["account"]["customerKind"], without["account"]["taxCode"]) == ("AGENCY", None)
    assert without["account"]["organizationName"] == "Sở Y tế tỉnh Thanh Hóa"
    assert without["account"]["citizenId"] is None
    # but one that gives a tax code gives a valid one
    assert await refused(client, agency_input("ketoan@syt.thanhhoa.gov.vn", taxCode="0100109107")) == [
        ("taxCode", "INVALID_TAX_CODE")
    ]
    given_code = await sign_up(client, agency_input("ketoan@syt.thanhhoa.gov.vn", taxCode=BRANCH_TAX_CODE))
    assert given_code["errors"] == []
    assert given_code["account"]["taxCode"] == BRANCH_TAX_CODE
    assert await Account.count() == 2


async def test_a_citizen_keeps_no_organization_or_tax_code(client: Api) -> None:
    payload = await sign_up(client, citizen_input("an@example.vn", taxCode="0100109106", organizationName="Công ty X"))
    assert payload["errors"] == []
    row = await account_row("an@example.vn")
    assert (row["tax_code"], row["organization_name"], row["citizen_id"]) == ("", "", CITIZEN_ID)


# --- citizen ID (CCCD) ---


@pytest.mark.parametrize(
    "citizen_id",
    [
        "03809500012",  # 11 digits
        "0380950001234",  # 13 digits
        "03809500012a",
        "038-095-000-123",
        "099095000123",  # no province 099
        "000095000123",
        "003095000123",  # 003 is not a province code
        "097095000123",
        "038495000123",  # century digit 4: born in the 2100s
        "038995000123",
        "038299000123",  # born in 2099
        "٠٣٨٠٩٥٠٠٠١٢٣",  # Arabic-Indic digits
        "０３８０９５０００１２３",  # full-width digits
        "03809500012²",
    ],
)
async def test_invalid_citizen_ids_are_refused(client: Api, citizen_id: str) -> None:
    assert await refused(client, citizen_input("an@example.vn", citizenId=citizen_id)) == [
        ("citizenId", "INVALID_CITIZEN_ID")
    ]


async def test_citizen_id_birth_year_may_not_be_in_the_future_in_vietnam(client: Api, frozen_now: Any) -> None:
    # given it is 31 December 2030, 23:59 in Hanoi (16:59 UTC)
    frozen_now(datetime(2030, 12, 31, 16, 59, tzinfo=UTC))
    # then a CCCD of someone born in 2030 (century digit 2 or 3) is valid and one born in 2031 is not
    assert (await sign_up(client, citizen_input("a@example.vn", citizenId="038230000001")))["errors"] == []
    assert (await sign_up(client, citizen_input("b@example.vn", citizenId="038330000001")))["errors"] == []
    assert await refused(client, citizen_input("c@example.vn", citizenId="038231000001")) == [
        ("citizenId", "INVALID_CITIZEN_ID")
    ]
    # when it is 1 January 2031 00:00 in Hanoi (still 31 December in UTC)
    frozen_now(datetime(2030, 12, 31, 17, 0, tzinfo=UTC))
    # then 2031 is no longer in the future
    payload = await sign_up(client, citizen_input("c@example.vn", citizenId="038231000001"))
    assert payload["errors"] == []
    assert payload["account"]["citizenId"] == "038231000001"


async def test_citizen_id_error_texts(client: Api) -> None:
    payload = await sign_up(
        client, citizen_input("an@example.vn", citizenId="099095000123"), **{"Accept-Language": "en"}
    )
    [error] = payload["errors"]
    assert error == {
        "field": "citizenId",
        "code": "INVALID_CITIZEN_ID",
        "message": "The citizen ID (CCCD) is not valid (12 digits with a valid province code).",
        "messageVi": "Số CCCD không hợp lệ (12 chữ số, mã tỉnh đúng).",
        "messageEn": "The citizen ID (CCCD) is not valid (12 digits with a valid province code).",
    }


# --- tax code (MST) ---


@pytest.mark.parametrize(
    "tax_code",
    [
        "0100109107",  # wrong check digit
        "010010910",  # 9 digits
        "01001091061",  # 11 digits
        "0100109106-01",  # branch of 2 digits
        "0100109106-000",  # branch 000 does not exist
        "0100000006",  # digits 3-9 all zero
        "01001O9106",  # a letter O
        "٠١٠٠١٠٩١٠٦",
    ],
)
async def test_invalid_tax_codes_are_refused(client: Api, tax_code: str) -> None:
    assert await refused(client, business_input("ketoan@hacthanh.vn", taxCode=tax_code)) == [
        ("taxCode", "INVALID_TAX_CODE")
    ]


def _has_check_digit(body: str) -> bool:
    # 10 - (sum mod 11) is 10 when the sum is a multiple of 11: no digit fits such a body
    return body[2:9] != "0000000" and len(mst.calc_check_digit(body)) == 1


@st.composite
def valid_tax_codes(draw: st.DrawFn) -> tuple[str, str]:
    """(as typed, as stored): 9 digits + python-stdnum's check digit, maybe a branch 001-999."""
    body = draw(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(_has_check_digit))
    code = body + mst.calc_check_digit(body)
    branch = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=999)))
    if branch is None:
        return code, code
    suffix = f"{branch:03d}"
    typed = draw(st.sampled_from([f"{code}-{suffix}", f"{code}{suffix}"]))
    return typed, f"{code}-{suffix}"


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=valid_tax_codes())
async def test_any_stdnum_valid_tax_code_is_accepted(client: Api, code: tuple[str, str]) -> None:
    typed, stored = code
    assert mst.is_valid(typed)
    email = f"dn{next(_emails)}@example.vn"
    payload = await sign_up(client, business_input(email, taxCode=typed))
    assert payload["errors"] == []
    assert payload["account"]["taxCode"] == stored


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@FAST
@given(code=valid_tax_codes(), shift=st.integers(min_value=1, max_value=9))
async def test_a_tax_code_with_a_mutated_check_digit_is_refused(client: Api, code: tuple[str, str], shift: int) -> None:
    typed = code[0]
    mutated = typed[:9] + str((int(typed[9]) + shift) % 10) + typed[10:]
    assert not mst.is_valid(mutated)
    assert await refused(client, business_input("ketoan@hacthanh.vn", taxCode=mutated)) == [
        ("taxCode", "INVALID_TAX_CODE")
    ]


# --- e-mail, password, name, phone ---


async def test_email_is_unique_whatever_its_case(client: Api) -> None:
    # given a citizen signed up as an@example.vn
    assert (await sign_up(client, citizen_input("an@example.vn")))["errors"] == []
    # when anyone signs up again with the same address in another case, as another kind
    payload = await sign_up(client, business_input(" AN@Example.VN"), **{"Accept-Language": "en"})
    # then it is refused, and nothing is written
    assert payload["errors"] == [
        {
            "field": "email",
            "code": "EMAIL_TAKEN",
            "message": "This e-mail is already registered.",
            "messageVi": "E-mail này đã được đăng ký.",
            "messageEn": "This e-mail is already registered.",
        }
    ]
    assert await refused(client, citizen_input("An@Example.Vn")) == [("email", "EMAIL_TAKEN")]
    assert await counts() == {"account": 1, "account_role": 0, "auth_session": 1, "api_key": 0, "audit_event": 0}


async def test_a_staff_email_cannot_be_taken_by_a_customer(client: Api, admin: str) -> None:
    assert await refused(client, citizen_input("Quan.Tri@TTCNTT.thanhhoa.gov.vn")) == [("email", "EMAIL_TAKEN")]


@pytest.mark.parametrize(
    "email",
    [
        "khong-co-a-cong",
        "an@",
        "@example.vn",
        "an@example",
        "an@@example.vn",
        "an van@example.vn",
        "an@exa mple.vn",
        "an@-example.vn",
        "an@example..vn",
        "an@ví-dụ.vn",
        "x" * 65 + "@example.vn",
    ],
)
async def test_invalid_emails_are_refused(client: Api, email: str) -> None:
    assert await refused(client, citizen_input(email)) == [("email", "INVALID_EMAIL")]


async def test_email_and_name_are_required(client: Api) -> None:
    assert await refused(client, citizen_input("   ", fullName=" ")) == [
        ("email", "REQUIRED"),
        ("fullName", "REQUIRED"),
    ]


async def test_email_length_is_limited(client: Api) -> None:
    assert await refused(client, citizen_input("a@" + "b" * 250 + ".vn")) == [("email", "TOO_LONG")]


async def test_password_length_bounds(client: Api) -> None:
    # 9 and 129 characters are refused with the rule in both languages
    payload = await sign_up(client, citizen_input("an@example.vn", password="x" * 9))
    assert payload["errors"] == [
        {
            "field": "password",
            "code": "WEAK_PASSWORD",
            "message": "Mật khẩu phải có từ 10 đến 128 ký tự.",
            "messageVi": "Mật khẩu phải có từ 10 đến 128 ký tự.",
            "messageEn": "The password must have 10 to 128 characters.",
        }
    ]
    assert await refused(client, citizen_input("an@example.vn", password="")) == [("password", "WEAK_PASSWORD")]
    assert await refused(client, citizen_input("an@example.vn", password="x" * 129)) == [("password", "WEAK_PASSWORD")]
    assert await Account.count() == 0
    # 10 and 128 are accepted
    assert (await sign_up(client, citizen_input("a@example.vn", password="x" * 10)))["errors"] == []
    assert (await sign_up(client, citizen_input("b@example.vn", password="ậ" * 128)))["errors"] == []
    assert await Account.count() == 2


async def test_full_name_length_is_limited(client: Api) -> None:
    assert (await sign_up(client, citizen_input("a@example.vn", fullName="Ễ" * 200)))["errors"] == []
    assert await refused(client, citizen_input("b@example.vn", fullName="Ễ" * 201)) == [("fullName", "TOO_LONG")]


@pytest.mark.parametrize(
    "phone",
    [
        "012345678",
        "09123456789",
        "1912345678",
        "0012345678",
        "+8491234567",
        "09x2345678",
        "023738528881",
        "0337385288812",
    ],
)
async def test_invalid_phones_are_refused(client: Api, phone: str) -> None:
    assert await refused(client, citizen_input("an@example.vn", phone=phone)) == [("phone", "INVALID_PHONE")]


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        (None, ""),
        ("0912345678", "0912345678"),  # mobile: 10 digits
        ("+84 912 345 678", "0912345678"),
        ("0237.3852.888", "02373852888"),  # Thanh Hóa landline: 11 digits since 2017
        ("024 3825 1234", "02438251234"),  # Hà Nội landline
        ("+84 237 3852 888", "02373852888"),
        ("+1 202 555 0143", "+12025550143"),  # abroad: E.164
    ],
)
async def test_phone_is_optional_and_compacted(client: Api, phone: str | None, stored: str) -> None:
    payload = await sign_up(client, citizen_input("an@example.vn", phone=phone))
    assert payload["errors"] == []
    assert payload["account"]["phone"] == stored


async def test_phone_error_texts(client: Api) -> None:
    [error] = (await sign_up(client, citizen_input("an@example.vn", phone="12345")))["errors"]
    assert (error["messageVi"], error["messageEn"]) == (
        "Số điện thoại không hợp lệ (di động 10 chữ số, cố định 11 chữ số, bắt đầu bằng 0 hoặc +84; "
        "số nước ngoài bắt đầu bằng + và mã nước).",
        "The phone number is not valid (a Vietnamese mobile has 10 digits, a landline 11, starting with 0 "
        "or +84; a foreign number starts with + and its country code).",
    )


_not_blank = st.text(max_size=30).filter(lambda s: s.strip() != "")


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@FAST
@given(left=_not_blank, control=st.characters(categories=["Cc"]), right=_not_blank)
async def test_any_control_character_inside_the_full_name_is_refused(
    client: Api, left: str, control: str, right: str
) -> None:
    # a control character with text on both sides: tab, newline, NUL, ESC, DEL, C1…
    assert await refused(client, citizen_input("an@example.vn", fullName=left + control + right)) == [
        ("fullName", "CONTROL_CHARACTERS")
    ]


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@FAST
@given(
    left=st.text(max_size=30),
    control=st.characters(categories=["Cc"]).filter(lambda c: not c.isspace()),
    right=st.text(max_size=30),
)
async def test_a_control_character_that_is_not_white_space_is_refused_anywhere(
    client: Api, left: str, control: str, right: str
) -> None:
    assert await refused(client, citizen_input("an@example.vn", fullName=left + control + right)) == [
        ("fullName", "CONTROL_CHARACTERS")
    ]


async def test_surrounding_white_space_is_trimmed_from_the_full_name(client: Api) -> None:
    # white space around the name, tab and newline included, is trimmed like spaces (app.text.clean_text)
    payload = await sign_up(client, citizen_input("an@example.vn", fullName="\t Nguyễn Văn An\r\n"))
    assert payload["errors"] == []
    assert payload["account"]["fullName"] == "Nguyễn Văn An"


# --- required fields per kind, and many errors at once ---


async def test_required_fields_per_kind(client: Api) -> None:
    assert await refused(client, citizen_input("a@example.vn", citizenId=None)) == [("citizenId", "REQUIRED")]
    assert await refused(client, citizen_input("a@example.vn", citizenId="")) == [("citizenId", "REQUIRED")]
    assert await refused(client, business_input("a@example.vn", taxCode=None, organizationName=None)) == [
        ("organizationName", "REQUIRED"),
        ("taxCode", "REQUIRED"),
    ]
    assert await refused(client, business_input("a@example.vn", organizationName="   ")) == [
        ("organizationName", "REQUIRED")
    ]
    assert await refused(client, business_input("a@example.vn", taxCode="")) == [("taxCode", "REQUIRED")]
    assert await refused(client, agency_input("a@example.vn", organizationName=None)) == [
        ("organizationName", "REQUIRED")
    ]


async def test_required_field_texts_differ_per_kind(client: Api) -> None:
    payload = await sign_up(client, business_input("a@example.vn", taxCode=None, organizationName=None))
    assert [(e["messageVi"], e["messageEn"]) for e in payload["errors"]] == [
        ("Cần nhập tên tổ chức.", "The organization name is required."),
        ("Doanh nghiệp cần nhập mã số thuế.", "A business must give its tax code."),
    ]
    payload = await sign_up(client, citizen_input("a@example.vn", citizenId=None))
    assert [(e["messageVi"], e["messageEn"]) for e in payload["errors"]] == [
        ("Công dân cần nhập số CCCD.", "A citizen must give a CCCD number.")
    ]


async def test_every_bad_field_is_reported_at_once(client: Api) -> None:
    values = citizen_input(
        "khong-phai-email",
        password="ngan",
        fullName="Nguyễn\x07Văn An",
        phone="12345",
        citizenId="099095000123",
    )
    assert await refused(client, values) == [
        ("email", "INVALID_EMAIL"),
        ("password", "WEAK_PASSWORD"),
        ("fullName", "CONTROL_CHARACTERS"),
        ("phone", "INVALID_PHONE"),
        ("citizenId", "INVALID_CITIZEN_ID"),
    ]
    values = business_input("x@", password="y" * 200, fullName="", taxCode="123", organizationName="Công ty\x00")
    assert await refused(client, values) == [
        ("email", "INVALID_EMAIL"),
        ("password", "WEAK_PASSWORD"),
        ("fullName", "REQUIRED"),
        ("organizationName", "CONTROL_CHARACTERS"),  # given but invalid: not "required" as well
        ("taxCode", "INVALID_TAX_CODE"),
    ]


async def test_messages_follow_accept_language(client: Api) -> None:
    values = citizen_input("x", password="ngan")
    vi = await sign_up(client, values)
    en = await sign_up(client, values, **{"Accept-Language": "en-US,en;q=0.9"})
    assert [e["message"] for e in vi["errors"]] == [
        "Địa chỉ e-mail không hợp lệ.",
        "Mật khẩu phải có từ 10 đến 128 ký tự.",
    ]
    assert [e["message"] for e in en["errors"]] == [
        "The e-mail address is not valid.",
        "The password must have 10 to 128 characters.",
    ]
    assert [e["messageVi"] for e in en["errors"]] == [e["message"] for e in vi["errors"]]


async def test_an_unknown_customer_kind_is_a_validation_error(client: Api) -> None:
    result = await client.gql(SIGN_UP, {"input": citizen_input("an@example.vn", customerKind="STAFF")})
    assert result.body["data"] is None
    [error] = result.errors
    assert "STAFF" in error["message"]
    assert await Account.count() == 0
