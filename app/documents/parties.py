"""The two sides of a contract document: who they are (name, tax code or citizen ID), who signs for them
(representative and title), where they are, and their bank account. Checked complete before anything is
rendered: a missing detail is a typed error naming it (PARTY_DETAILS_MISSING on the input field, or
SELLER_DETAILS_MISSING naming the setting), never a contract with a blank.

Details staff give at generation are kept in the document's snapshot, and the next generation of the same
subject starts from them, so they are typed once.
"""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app import clock
from app.config import Settings
from app.contact import normalize_email
from app.errors import ErrorDetail, ValidationFailed
from app.identifiers import normalize_citizen_id, normalize_tax_code
from app.input import Checker, camel, clean_optional


class PartyKind(StrEnum):
    ORGANIZATION = "organization"  # a business or an agency: tax code, representative and title
    INDIVIDUAL = "individual"  # a citizen: citizen ID (or personal tax code), signs for themselves


@dataclass
class PartyFields:
    """A side's details as staff give them; None keeps what is known, an empty string clears it."""

    kind: PartyKind | None = None
    name: str | None = None
    tax_code: str | None = None
    citizen_id: str | None = None
    representative: str | None = None
    title: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    bank_account: str | None = None
    bank_name: str | None = None


LIMITS = {
    "name": 300, "tax_code": 20, "citizen_id": 20, "representative": 120, "title": 120, "address": 500,
    "phone": 30, "email": 254, "bank_account": 40, "bank_name": 200,
}  # fmt: skip
FIELDS = tuple(LIMITS)
LABELS = {
    "name": ("tên", "name"),
    "tax_code": ("mã số thuế", "tax code"),
    "citizen_id": ("số CCCD", "citizen ID"),
    "representative": ("người đại diện", "representative"),
    "title": ("chức vụ người đại diện", "representative's title"),
    "address": ("địa chỉ", "address"),
    "bank_account": ("số tài khoản ngân hàng", "bank account number"),
    "bank_name": ("tên ngân hàng", "bank's name"),
}
SETTINGS = {
    "name": "SELLER_NAME", "tax_code": "SELLER_TAX_CODE", "representative": "SELLER_REPRESENTATIVE",
    "title": "SELLER_REPRESENTATIVE_TITLE", "address": "SELLER_ADDRESS", "bank_account": "SELLER_BANK_ACCOUNT",
    "bank_name": "SELLER_BANK_NAME",
}  # fmt: skip


def empty() -> dict[str, str]:
    return {"kind": PartyKind.ORGANIZATION.value, **dict.fromkeys(FIELDS, "")}


def cleaned(fields: PartyFields | None, prefix: str = "party") -> dict[str, str]:
    """The fields given, checked (every bad one reported together): control characters and over-long
    text refused, tax code, citizen ID and e-mail normalized. Only given fields are in the result."""
    if fields is None:
        return {}
    c = Checker()
    out: dict[str, str] = {}
    if fields.kind is not None:
        out["kind"] = PartyKind(fields.kind).value
    for name in FIELDS:
        value = getattr(fields, name)
        if value is None:
            continue
        where = f"{prefix}.{camel(name)}"
        text = c.check(clean_optional, value, where, max_length=LIMITS[name])
        if text is None:
            continue
        if text and name == "tax_code":
            text = c.check(normalize_tax_code, text, where)
        elif text and name == "citizen_id":
            text = c.check(normalize_citizen_id, text, clock.local_today(), where)
        elif text and name == "email":
            text = c.check(normalize_email, text, where)
        if text is not None:
            out[name] = text
    c.done()
    return out


def merged(*layers: dict[str, Any]) -> dict[str, str]:
    """Later layers win; None and missing keys keep the earlier value."""
    out = empty()
    for layer in layers:
        out.update({k: str(v) for k, v in layer.items() if v is not None and (k in FIELDS or k == "kind")})
    return out


def complete(
    party: dict[str, str], side_vi: str, side_en: str, prefix: str = "party", *, bank: bool = False
) -> dict[str, str]:
    """The party with every detail its contract needs, or PARTY_DETAILS_MISSING for each one missing:
    name and address always; an organization its tax code, representative and title; an individual a
    citizen ID or tax code (and signs for themselves); the bank account when `bank`."""
    out = dict(party)
    needed = ["name", "address"]
    if out["kind"] == PartyKind.ORGANIZATION.value:
        needed += ["tax_code", "representative", "title"]
    else:
        out["representative"] = out["representative"] or out["name"]
        if not (out["citizen_id"] or out["tax_code"]):
            needed.append("citizen_id")
    if bank:
        needed += ["bank_account", "bank_name"]
    details = [
        ErrorDetail(
            "PARTY_DETAILS_MISSING",
            f"Thiếu {LABELS[name][0]} của {side_vi}.",
            f"The {LABELS[name][1]} of {side_en} is missing.",
            f"{prefix}.{camel(name)}",
        )
        for name in needed
        if not out.get(name)
    ]
    if details:
        raise ValidationFailed.many(details)
    return out


def seller(settings: Settings, *, bank: bool = False) -> dict[str, str]:
    """The center, from the settings (never from code): SELLER_DETAILS_MISSING names each setting to set."""
    party = {
        "kind": PartyKind.ORGANIZATION.value,
        "name": settings.seller_name,
        "parent": settings.seller_parent_agency,
        "tax_code": settings.seller_tax_code,
        "citizen_id": "",
        "representative": settings.seller_representative,
        "title": settings.seller_representative_title,
        "address": settings.seller_address,
        "phone": settings.seller_phone,
        "email": settings.seller_email,
        "bank_account": settings.seller_bank_account,
        "bank_name": settings.seller_bank_name,
    }
    needed = ["name", "tax_code", "representative", "title", "address"] + (
        ["bank_account", "bank_name"] if bank else []
    )
    details = [
        ErrorDetail(
            "SELLER_DETAILS_MISSING",
            f"Chưa cấu hình {LABELS[name][0]} của Trung tâm ({SETTINGS[name]}).",
            f"The center's {LABELS[name][1]} is not configured ({SETTINGS[name]}).",
            None,
        )
        for name in needed
        if not party[name].strip()
    ]
    if details:
        raise ValidationFailed.many(details)
    return party
