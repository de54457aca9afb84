"""Validated inputs of the catalog's staff use cases. Every bad field is reported, not just the first."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from app.input import (
    Checker,
    camel,
    check_amount,
    check_date,
    check_int,
    clean_code,
    clean_optional,
    clean_slug,
    clean_text,
)
from app.money import VatRate
from app.text import fold, slugify
from catalog.enums import Audience, Channel, OnlineLevel, Unit

MAX_PRICE = 100_000_000_000  # 100 billion đồng: anything above is a typing error, not a price
MAX_FEE = 100_000_000
MAX_PROCESSING_DAYS = 365
MAX_DOCUMENTS = 30
MAX_TAGS = 20
MAX_MIN_QUANTITY = 100_000
MAX_POSITION = 100_000


@dataclass
class ChannelTerms:
    channel: Channel
    processing_days: int
    fee_amount: int = 0


@dataclass
class RequiredDocument:
    name_vi: str
    name_en: str = ""
    copies: int = 1
    mandatory: bool = True


@dataclass
class ServiceFields:
    """Editable fields of a service; None means "leave unchanged" on update."""

    code: str | None = None
    slug: str | None = None
    category_code: str | None = None
    department_code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    summary_vi: str | None = None
    summary_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    audiences: list[Audience] | None = None
    online_level: OnlineLevel | None = None
    channels: Sequence[ChannelTerms] | None = None
    required_documents: Sequence[RequiredDocument] | None = None
    legal_basis_vi: str | None = None
    legal_basis_en: str | None = None
    tags: list[str] | None = None


_TEXT_LIMITS = {
    "name_vi": (300, False, True),
    "name_en": (300, False, False),
    "summary_vi": (1000, True, False),
    "summary_en": (1000, True, False),
    "description_vi": (10000, True, False),
    "description_en": (10000, True, False),
    "legal_basis_vi": (4000, True, False),
    "legal_basis_en": (4000, True, False),
}


def clean_service_fields(data: ServiceFields, creating: bool) -> dict[str, Any]:  # noqa: PLR0912 - one branch per field
    """Returns column values for the fields given; raises with every invalid field."""
    c = Checker()
    out: dict[str, Any] = {}
    for name, (limit, multiline, required) in _TEXT_LIMITS.items():
        value = getattr(data, name)
        if value is None:
            if creating and required:
                c.fail(camel(name), "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
            continue
        cleaner = clean_text if required else clean_optional
        out[name] = c.check(cleaner, value, camel(name), max_length=limit, multiline=multiline)
    if data.code is not None:
        out["code"] = c.check(clean_code, data.code, "code")
    elif creating:
        c.fail("code", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if data.slug is not None:
        out["slug"] = c.check(clean_slug, data.slug, "slug")
    elif creating and out.get("name_vi"):
        out["slug"] = slugify(out["name_vi"])[:120].strip("-")
    if data.audiences is not None:
        if not data.audiences:
            c.fail("audiences", "REQUIRED", "Chọn ít nhất một đối tượng.", "Choose at least one audience.")
        for audience in Audience:
            out[f"for_{audience.value}"] = audience in data.audiences
    elif creating:
        c.fail("audiences", "REQUIRED", "Chọn ít nhất một đối tượng.", "Choose at least one audience.")
    if data.online_level is not None:
        out["online_level"] = data.online_level.value
    elif creating:
        out["online_level"] = OnlineLevel.PARTIAL.value
    if data.channels is not None:
        out["channels"] = _clean_channels(c, data.channels)
    elif creating:
        c.fail("channels", "REQUIRED", "Cần ít nhất một kênh tiếp nhận.", "At least one channel is required.")
    if data.required_documents is not None:
        out["required_documents"] = _clean_documents(c, data.required_documents)
    if data.tags is not None:
        out["tags"] = _clean_tags(c, data.tags)
    if data.category_code is not None:
        out["category_code"] = c.check(clean_code, data.category_code, "categoryCode")
    elif creating:
        c.fail("categoryCode", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if data.department_code is not None:
        out["department_code"] = c.check(clean_code, data.department_code, "departmentCode")
    elif creating:
        c.fail("departmentCode", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    c.done()
    return out


def _clean_channels(c: Checker, channels: Sequence[ChannelTerms]) -> list[dict[str, Any]]:
    seen: set[Channel] = set()
    rows = []
    if not channels:
        c.fail("channels", "REQUIRED", "Cần ít nhất một kênh tiếp nhận.", "At least one channel is required.")
    for index, terms in enumerate(channels):
        where = f"channels.{index}"
        if terms.channel in seen:
            c.fail(f"{where}.channel", "DUPLICATE_CHANNEL", "Kênh bị lặp.", "The channel is listed twice.")
        seen.add(terms.channel)
        if not 1 <= terms.processing_days <= MAX_PROCESSING_DAYS:
            c.fail(
                f"{where}.processingDays",
                "OUT_OF_RANGE",
                f"Thời gian xử lý phải từ 1 đến {MAX_PROCESSING_DAYS} ngày làm việc.",
                f"Processing time must be 1 to {MAX_PROCESSING_DAYS} working days.",
            )
        c.check(check_amount, terms.fee_amount, f"{where}.feeAmount", MAX_FEE)
        rows.append(
            {
                "channel": terms.channel.value,
                "processing_days": terms.processing_days,
                "fee_amount": terms.fee_amount,
            }
        )
    return rows


def _clean_documents(c: Checker, documents: Sequence[RequiredDocument]) -> list[dict[str, Any]]:
    if len(documents) > MAX_DOCUMENTS:
        c.fail("requiredDocuments", "TOO_MANY", "Quá nhiều giấy tờ.", f"At most {MAX_DOCUMENTS} documents.")
    rows = []
    for index, doc in enumerate(documents[:MAX_DOCUMENTS]):
        where = f"requiredDocuments.{index}"
        name_vi = c.check(clean_text, doc.name_vi, f"{where}.nameVi", max_length=300)
        name_en = c.check(clean_optional, doc.name_en, f"{where}.nameEn", max_length=300)
        if not 1 <= doc.copies <= 20:
            c.fail(f"{where}.copies", "OUT_OF_RANGE", "Số bản phải từ 1 đến 20.", "Copies must be 1 to 20.")
        rows.append({"name_vi": name_vi, "name_en": name_en, "copies": doc.copies, "mandatory": doc.mandatory})
    return rows


def _clean_tags(c: Checker, tags: list[str]) -> list[str]:
    if len(tags) > MAX_TAGS:
        c.fail("tags", "TOO_MANY", f"Tối đa {MAX_TAGS} thẻ.", f"At most {MAX_TAGS} tags.")
    cleaned = []
    for index, tag in enumerate(tags[:MAX_TAGS]):
        text = c.check(clean_text, tag, f"tags.{index}", max_length=40)
        if text:
            cleaned.append(fold(text))
    return sorted(set(cleaned))


@dataclass
class PlanFields:
    code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    unit: Unit | None = None
    min_quantity: int | None = None
    position: int | None = None


def clean_plan_fields(data: PlanFields, creating: bool) -> dict[str, Any]:
    c = Checker()
    out: dict[str, Any] = {}
    if data.code is not None:
        out["code"] = c.check(clean_code, data.code, "code")
    elif creating:
        c.fail("code", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if data.name_vi is not None:
        out["name_vi"] = c.check(clean_text, data.name_vi, "nameVi", max_length=200)
    elif creating:
        c.fail("nameVi", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if data.name_en is not None:
        out["name_en"] = c.check(clean_optional, data.name_en, "nameEn", max_length=200)
    if data.unit is not None:
        out["unit"] = data.unit.value
    elif creating:
        c.fail("unit", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if data.min_quantity is not None:
        out["min_quantity"] = c.check(check_int, data.min_quantity, "minQuantity", 1, MAX_MIN_QUANTITY)
    if data.position is not None:
        out["position"] = c.check(check_int, data.position, "position", 0, MAX_POSITION)
    c.done()
    return out


@dataclass
class PriceChange:
    amount: int
    vat_rate: VatRate
    effective_from: date | None = None  # None: today


def clean_price_change(change: PriceChange, today: date) -> tuple[int, VatRate, date]:
    c = Checker()
    amount = c.check(check_amount, change.amount, "amount", MAX_PRICE)
    effective_from = c.check(check_date, change.effective_from or today, "effectiveFrom")
    if effective_from is not None and effective_from < today:
        c.fail(
            "effectiveFrom",
            "DATE_IN_PAST",
            "Không thể thay đổi giá từ một ngày trong quá khứ: lịch sử giá không được sửa.",
            "A price cannot change from a past date: price history is never rewritten.",
        )
    c.done()
    return amount, change.vat_rate, effective_from


class Unchanged(Enum):
    """Marks a field left as it is on update, where None has a meaning of its own (the root)."""

    TOKEN = 0


UNCHANGED = Unchanged.TOKEN
MAX_DEPARTMENT_CODE = 20  # department.code is Varchar(20)


@dataclass
class CategoryChanges:
    """Editable fields of a category; None means "leave unchanged" (the code never changes).
    parent_code: a category code, None for the root, anything else (UNCHANGED, the API's UNSET) to stay."""

    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    parent_code: object = UNCHANGED
    position: int | None = None


@dataclass
class CategoryFields(CategoryChanges):
    """A new category: its code, and the editable fields (no parent: a top-level category)."""

    code: str | None = None
    parent_code: object = None


_CATEGORY_TEXT = {
    "name_vi": (200, False, True),
    "name_en": (200, False, False),
    "description_vi": (10000, True, False),
    "description_en": (10000, True, False),
}


def clean_category_fields(data: CategoryChanges, creating: bool) -> dict[str, Any]:
    """Column values for the fields given (parent as `parent_code`: a code, None for the root);
    raises with every invalid field. On create a missing slug is made from the Vietnamese name."""
    c = Checker()
    out: dict[str, Any] = {}
    if creating:
        code = getattr(data, "code", None)
        if code is not None:
            out["code"] = c.check(clean_code, code, "code")
        else:
            c.fail("code", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    for name, (limit, multiline, required) in _CATEGORY_TEXT.items():
        value = getattr(data, name)
        if value is None:
            if creating and required:
                c.fail(camel(name), "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
            continue
        cleaner = clean_text if required else clean_optional
        out[name] = c.check(cleaner, value, camel(name), max_length=limit, multiline=multiline)
    _category_slug(c, data, creating, out)
    if isinstance(data.parent_code, str):
        out["parent_code"] = c.check(clean_code, data.parent_code, "parentCode")
    elif data.parent_code is None or creating:
        out["parent_code"] = None  # the root (on create, also when no parent was given)
    if data.position is not None:
        if not 0 <= data.position <= MAX_POSITION:
            c.fail(
                "position",
                "OUT_OF_RANGE",
                f"Thứ tự phải từ 0 đến {MAX_POSITION}.",
                f"The position must be 0 to {MAX_POSITION}.",
            )
        out["position"] = data.position
    c.done()
    return out


def _category_slug(c: Checker, data: CategoryChanges, creating: bool, out: dict[str, Any]) -> None:
    if data.slug is not None:
        out["slug"] = c.check(clean_slug, data.slug, "slug")
    elif creating and out.get("name_vi"):
        out["slug"] = slugify(out["name_vi"])[:120].strip("-")
        if not out["slug"]:  # a name of punctuation only makes no slug
            c.fail("slug", "REQUIRED", "Cần nhập slug.", "A slug is required.")


def clean_department_fields(
    code: str | None, name_vi: str | None, name_en: str | None, creating: bool
) -> dict[str, Any]:
    c = Checker()
    out: dict[str, Any] = {}
    if creating:
        cleaned = c.check(clean_code, code or "", "code")
        if cleaned and len(cleaned) > MAX_DEPARTMENT_CODE:
            c.fail(
                "code",
                "TOO_LONG",
                f"Mã phòng dài quá {MAX_DEPARTMENT_CODE} ký tự.",
                f"A department code has at most {MAX_DEPARTMENT_CODE} characters.",
            )
        out["code"] = cleaned
    if name_vi is not None:
        out["name_vi"] = c.check(clean_text, name_vi, "nameVi", max_length=200)
    elif creating:
        c.fail("nameVi", "REQUIRED", "Trường này là bắt buộc.", "This field is required.")
    if name_en is not None:
        out["name_en"] = c.check(clean_optional, name_en, "nameEn", max_length=200)
    c.done()
    return out
