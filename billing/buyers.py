"""Who an invoice is for, as the e-invoice shows it (NMua): checked once at the boundary.

- An organization (business or agency): name and address required; its tax code (MST: 10 digits, or 13
  written with a branch suffix) checked by python-stdnum, required for a business.
- An individual: name required; a tax code is optional: a 10-digit MST, or, since 1 July 2025, the
  12-digit personal identification number (CCCD) serving as the personal tax code (Circular 86/2024/TT-BTC).
"""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from dataclasses import dataclass
from typing import Any

from app import clock
from app.contact import normalize_email
from app.errors import ValidationFailed
from app.identifiers import normalize_citizen_id, normalize_tax_code
from app.input import Checker, clean_optional, clean_text
from billing.enums import BuyerKind


@dataclass
class BuyerFields:
    """The buyer of an invoice; None leaves a draft's value as it is."""

    kind: BuyerKind | None = None
    name: str | None = None
    tax_code: str | None = None
    citizen_id: str | None = None
    address: str | None = None
    email: str | None = None


def _personal_tax_code(value: str, field: str) -> str:
    digits = value.replace(" ", "")
    if len(digits) == 12:
        return normalize_citizen_id(digits, clock.local_today(), field)
    return normalize_tax_code(value, field)


def merge(current: dict[str, Any], given: BuyerFields | None) -> dict[str, Any]:
    """The buyer columns with the given fields applied and checked (every bad field reported)."""
    c = Checker()
    out = dict(current)
    if given is not None:
        if given.kind is not None:
            out["buyer_kind"] = given.kind.value
        if given.name is not None:
            out["buyer_name"] = c.check(clean_text, given.name, "buyer.name", max_length=300)
        if given.address is not None:
            out["buyer_address"] = c.check(clean_optional, given.address, "buyer.address", max_length=500)
        if given.email is not None:
            email = given.email.strip()
            out["buyer_email"] = c.check(normalize_email, email, "buyer.email") if email else ""
        if given.tax_code is not None:
            out["buyer_tax_code"] = given.tax_code.strip()
        if given.citizen_id is not None:
            citizen = given.citizen_id.strip()
            out["buyer_citizen_id"] = (
                c.check(normalize_citizen_id, citizen, clock.local_today(), "buyer.citizenId") if citizen else ""
            )
    c.done()
    return out


def check_complete(buyer: dict[str, Any], business: bool) -> dict[str, Any]:
    """Before issuing: what the invoice must show about its buyer. Returns the normalized columns."""
    c = Checker()
    out = dict(buyer)
    kind = BuyerKind(buyer["buyer_kind"])
    if not buyer["buyer_name"]:
        c.fail("buyer.name", "REQUIRED", "Cần tên người mua.", "The buyer's name is required.")
    code = buyer["buyer_tax_code"]
    if code:
        checker = normalize_tax_code if kind is BuyerKind.ORGANIZATION else _personal_tax_code
        out["buyer_tax_code"] = c.check(checker, code, "buyer.taxCode")
    elif business:
        c.fail(
            "buyer.taxCode", "REQUIRED", "Doanh nghiệp mua hàng cần mã số thuế.", "A business buyer needs its tax code."
        )
    if kind is BuyerKind.ORGANIZATION and not buyer["buyer_address"]:
        c.fail(
            "buyer.address", "REQUIRED", "Cần địa chỉ của tổ chức mua hàng.", "An organization buyer needs its address."
        )
    c.done()
    return out


def invalid_buyer(field: str) -> ValidationFailed:
    return ValidationFailed("INVALID_BUYER", "Người mua không hợp lệ.", "The buyer is not valid.", field)
