"""Invoices: drafted from an accepted quote or an accepted milestone, issued by finance with a number from
1 per template+symbol without gaps, immutable once issued, corrected only by an adjustment invoice
(increase or decrease, its own number, referencing the original) or a replacement invoice (the original
becomes `replaced`). Overdue invoices are flagged by a daily sweep, like requests."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app import clock, events, numbering, outbox
from app.audit import service as audit
from app.audit.service import Actor
from app.auth import directory
from app.auth.enums import CustomerKind
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import Conflict, DomainError, ValidationFailed, not_found, reason_required, stale_version
from app.input import (
    MAX_AMOUNT,
    Checker,
    check_amount,
    check_date,
    check_int,
    clean_optional,
    clean_text,
    parse_id,
)
from app.money import VatRate
from app.states import apply_transition
from billing import access, buyers, lines, notices, repository
from billing.enums import (
    BuyerKind,
    InvoiceAction,
    InvoiceKind,
    InvoiceSource,
    InvoiceStatus,
    LineSource,
    QuoteStatus,
)
from billing.states import CORRECTABLE, INVOICE, INVOICE_LIFECYCLE
from catalog.requests import orders
from projects import deliveries

ENTITY = "invoice"
MAX_LINES = 50
MILESTONE = deliveries.MILESTONE_ACCEPTED
_REFERENCE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes: people type it into bank transfers


@dataclass
class DraftChanges:
    """What finance may still change on a draft: the buyer and the terms."""

    buyer: buyers.BuyerFields | None = None
    due_date: date | None = None
    payment_terms: str | None = None


@dataclass
class ManualLine:
    """A line written by finance on a correction."""

    name_vi: str
    quantity: int
    unit_amount: int
    vat_rate: VatRate
    name_en: str = ""
    unit: str = ""


@dataclass
class CorrectionFields:
    reason: str
    lines: Sequence[ManualLine] = field(default_factory=list)
    buyer: buyers.BuyerFields | None = None  # replacements only: the corrected buyer


def symbol_for(day: date) -> str:
    """KHHDon: the configured pattern with the two-digit year of the issue date (C26TAA in 2026)."""
    return get_settings().invoice_symbol.replace("{yy}", day.strftime("%y"))


def series(template: str, symbol: str) -> str:
    return f"invoice:{template}{symbol}"


def _reference() -> str:
    return "HD" + "".join(secrets.choice(_REFERENCE) for _ in range(10))


def _buyer_of_person(person: directory.Person | None, name: str, email: str) -> dict[str, Any]:
    if person is not None and person.customer_kind in (CustomerKind.BUSINESS, CustomerKind.AGENCY):
        return {
            "buyer_kind": BuyerKind.ORGANIZATION.value,
            "buyer_name": person.organization_name or person.full_name,
            "buyer_tax_code": person.tax_code,
            "buyer_citizen_id": "",
            "buyer_address": "",
            "buyer_email": person.email,
        }
    return {
        "buyer_kind": BuyerKind.INDIVIDUAL.value,
        "buyer_name": person.full_name if person else name,
        "buyer_tax_code": "",
        "buyer_citizen_id": person.citizen_id if person else "",
        "buyer_address": "",
        "buyer_email": person.email if person else email,
    }


async def _insert_draft(
    values: dict[str, Any], priced: list[lines.Priced], actor: Actor, sign: int = 1
) -> dict[str, Any]:
    """Inside a transaction: a draft with its lines and totals, history and audit."""
    now = clock.now()
    row = {
        "status": InvoiceStatus.DRAFT.value,
        "template": get_settings().invoice_template,
        "symbol": "",
        "payment_reference": _reference(),
        "created_by": actor.id,
        "created_at": now,
        "updated_at": now,
        **lines.totals(priced, sign),
        **values,
    }
    invoice_id = await repository.insert_invoice(row, lines.rows(priced, sign))
    invoice = await repository.invoice_by_id(invoice_id)
    assert invoice is not None
    await events.record(actor, ENTITY, invoice_id, "invoice.draft", to_status=InvoiceStatus.DRAFT.value)
    await audit.record(
        actor,
        "invoice.draft",
        "invoice",
        invoice_id,
        None,
        {k: invoice[k] for k in ("kind", "source", "total_amount", "buyer_name")},
    )
    return invoice


def _already_invoiced(field: str) -> Conflict:
    return Conflict(
        "ALREADY_INVOICED",
        "Đã có hóa đơn (hoặc bản nháp) cho nội dung này.",
        "An invoice (or a draft) already bills this.",
        field,
    )


async def draft_from_quote(principal: Principal, quote_ref: object) -> dict[str, Any]:
    """Finance: a draft invoice billing an accepted quote, to its customer (a guest: the contact given)."""
    access.require_finance(principal)
    quote = await repository.quote_by_id(parse_id(quote_ref, "quoteId"))
    if quote is None:
        raise not_found(access.QUOTE_NOUN, "quoteId")
    if quote["status"] != QuoteStatus.ACCEPTED.value:
        raise Conflict(
            "QUOTE_NOT_ACCEPTED",
            "Chỉ lập hóa đơn cho báo giá đã được chấp nhận.",
            "Only an accepted quote is invoiced.",
            "quoteId",
        )
    order = (await orders.by_ids([quote["request"]]))[quote["request"]]
    person = await directory.person(order.customer_id) if order.customer_id else None
    priced = lines.from_rows((await repository.lines_of_quotes([quote["id"]]))[quote["id"]])
    values = {
        "kind": InvoiceKind.ORIGINAL.value,
        "source": InvoiceSource.QUOTE.value,
        "quote": quote["id"],
        "request": order.id,
        "department": order.department_id,
        "customer": order.customer_id,
        "payment_terms": "Chuyển khoản hoặc thẻ / Bank transfer or card",
        **_buyer_of_person(person, order.contact_name, order.contact_email),
    }
    async with transaction():
        if await repository.live_invoice_for("quote", quote["id"]) is not None:
            raise _already_invoiced("quoteId")
        return await _insert_draft(values, priced, principal.as_actor())


async def _milestone_draft(milestone_id: int, vat_rate: VatRate, actor: Actor) -> dict[str, Any]:
    delivery = await deliveries.delivery(milestone_id)
    if delivery is None:
        raise not_found(access.MILESTONE_NOUN, "milestoneId")
    if not delivery.accepted:
        raise Conflict(
            "MILESTONE_NOT_ACCEPTED",
            "Chỉ lập hóa đơn cho mốc đã được nghiệm thu.",
            "Only an accepted milestone is invoiced.",
            "milestoneId",
        )
    if delivery.amount <= 0:
        raise Conflict(
            "NOTHING_TO_INVOICE",
            "Mốc không có tỷ lệ giá trị hợp đồng để thanh toán.",
            "The milestone has no share of the contract value to pay.",
            "milestoneId",
        )
    partner = None
    if delivery.partner_ids:
        partner = (await directory.people([delivery.partner_ids[0]])).get(delivery.partner_ids[0])
    buyer = (
        _buyer_of_person(partner, partner.full_name, partner.email)
        if partner is not None
        else {
            "buyer_kind": BuyerKind.ORGANIZATION.value,
            "buyer_name": delivery.sponsor_agency,
            "buyer_tax_code": "",
            "buyer_citizen_id": "",
            "buyer_address": "",
            "buyer_email": "",
        }
    )
    share = f"{delivery.share_bp / 100:g}%"
    title_en = delivery.milestone_title_en or delivery.milestone_title_vi
    line = lines.Priced(
        LineSource.MILESTONE,
        f"{delivery.project_code} – {delivery.milestone_title_vi} ({share} giá trị hợp đồng)",
        f"{delivery.project_code} – {title_en} ({share} of the contract value)",
        "",
        1,
        delivery.amount,
        vat_rate,
    )
    values = {
        "kind": InvoiceKind.ORIGINAL.value,
        "source": InvoiceSource.MILESTONE.value,
        "milestone": milestone_id,
        "department": delivery.department_id,
        "customer": partner.id if partner else None,
        "payment_terms": "Chuyển khoản theo hợp đồng / Bank transfer as agreed in the contract",
        **buyer,
    }
    async with transaction():
        if await repository.live_invoice_for("milestone", milestone_id) is not None:
            raise _already_invoiced("milestoneId")
        return await _insert_draft(values, [line], actor)


async def draft_for_milestone(principal: Principal, milestone_ref: object, vat_rate: VatRate | None) -> dict[str, Any]:
    """Finance: a draft invoice for an accepted milestone's share (e.g. at another VAT rate, after
    cancelling the draft made automatically on acceptance)."""
    access.require_finance(principal)
    rate = vat_rate or VatRate(get_settings().milestone_vat_rate)
    return await _milestone_draft(parse_id(milestone_ref, "milestoneId"), rate, principal.as_actor())


async def on_milestone_accepted(event: dict[str, Any]) -> None:
    """The bus's subscriber: an accepted milestone gets a draft invoice for finance to check and issue.
    Idempotent: a milestone already invoiced (or drafted) is left alone."""
    try:
        await _milestone_draft(int(event["entity_id"]), VatRate(get_settings().milestone_vat_rate), Actor.system())
    except DomainError as refused:
        if refused.code not in ("ALREADY_INVOICED", "NOTHING_TO_INVOICE"):
            raise


async def _invoice(invoice_ref: object) -> dict[str, Any]:
    invoice = await repository.invoice_by_id(parse_id(invoice_ref))
    if invoice is None:
        raise access.invoice_not_found()
    return invoice


async def update_draft(
    principal: Principal, invoice_ref: object, version: int, changes: DraftChanges
) -> dict[str, Any]:
    access.require_finance(principal)
    c = Checker()
    terms = c.check(clean_optional, changes.payment_terms, "paymentTerms", max_length=1000, multiline=True)
    if changes.due_date is not None:
        c.check(check_date, changes.due_date, "dueDate")
    c.done()
    async with transaction():
        before = await _invoice(invoice_ref)
        if before["status"] != InvoiceStatus.DRAFT.value:
            raise _not_a_draft()
        if before["version"] != version:
            raise stale_version(INVOICE)
        current = {k: before[k] for k in before if k.startswith("buyer_")}
        values: dict[str, Any] = buyers.merge(current, changes.buyer)
        if changes.due_date is not None:
            values["due_date"] = changes.due_date
        if changes.payment_terms is not None:
            values["payment_terms"] = terms
        values["updated_at"] = clock.now()
        if not await repository.update_invoice(before["id"], version, values):
            raise stale_version(INVOICE)
        after = await repository.invoice_by_id(before["id"])
        assert after is not None
        changed = {
            k: {"from": before[k], "to": after[k]} for k in values if k != "updated_at" and before[k] != after[k]
        }
        await events.record(principal.as_actor(), ENTITY, before["id"], "invoice.update", changes=changed)
        await audit.record(principal.as_actor(), "invoice.update", "invoice", before["id"], None, changed)
    return after


def _not_a_draft() -> Conflict:
    return Conflict(
        "INVOICE_ISSUED",
        "Hóa đơn đã phát hành không được sửa; hãy lập hóa đơn điều chỉnh hoặc thay thế.",
        "An issued invoice is never edited: make an adjustment or a replacement invoice.",
        "id",
    )


async def _issue(
    invoice: dict[str, Any], actor: Actor, due_date: date | None = None
) -> tuple[dict[str, Any], int | None]:
    """Inside a transaction: number and date a draft (its buyer checked complete) and tell the buyer."""
    current = InvoiceStatus(invoice["status"])
    apply_transition(INVOICE_LIFECYCLE, current, action=InvoiceAction.ISSUE)
    business = False
    if invoice["customer"] is not None:
        person = await directory.person(invoice["customer"])
        business = person is not None and person.customer_kind is CustomerKind.BUSINESS
    buyer = buyers.check_complete({k: invoice[k] for k in invoice if k.startswith("buyer_")}, business)
    today = clock.local_today()
    lines.check_rates(lines.from_rows((await repository.lines_of_invoices([invoice["id"]]))[invoice["id"]]), today)
    symbol = symbol_for(today)
    # The number is taken last: the series row stays locked until this transaction commits.
    number = await numbering.next_number(series(invoice["template"], symbol))
    due = due_date or invoice["due_date"] or today + timedelta(days=get_settings().invoice_payment_days)
    values = {
        **buyer,
        "status": InvoiceStatus.ISSUED.value,
        "symbol": symbol,
        "number": number,
        "issue_date": today,
        "issued_at": clock.now(),
        "due_date": due,
        "updated_at": clock.now(),
    }
    if not await repository.update_invoice(invoice["id"], invoice["version"], values):
        raise stale_version(INVOICE)
    after = await repository.invoice_by_id(invoice["id"])
    assert after is not None
    await events.record(
        actor,
        ENTITY,
        invoice["id"],
        "invoice.issue",
        from_status=current.value,
        to_status=InvoiceStatus.ISSUED.value,
        changes={"number": number, "symbol": symbol},
    )
    await audit.record(
        actor,
        "invoice.issue",
        "invoice",
        invoice["id"],
        {"status": current.value},
        {
            "status": InvoiceStatus.ISSUED.value,
            "template": after["template"],
            "symbol": symbol,
            "number": number,
            "total_amount": after["total_amount"],
        },
    )
    return after, await notices.invoice_issued(after)


async def issue(principal: Principal, invoice_ref: object, version: int) -> dict[str, Any]:
    """Finance issues a draft: it gets the next number of its template+symbol and can never change again."""
    access.require_finance(principal)
    async with transaction():
        invoice = await _invoice(invoice_ref)
        if invoice["version"] != version:
            raise stale_version(INVOICE)
        after, message = await _issue(invoice, principal.as_actor())
    await outbox.deliver([message])
    return after


async def cancel_draft(principal: Principal, invoice_ref: object, version: int, reason: str | None) -> dict[str, Any]:
    """Only a draft is cancelled (an issued invoice is corrected, never withdrawn)."""
    access.require_finance(principal)
    text = clean_optional(reason, "reason", max_length=2000, multiline=True)
    async with transaction():
        invoice = await _invoice(invoice_ref)
        if invoice["version"] != version:
            raise stale_version(INVOICE)
        current = InvoiceStatus(invoice["status"])
        target = apply_transition(INVOICE_LIFECYCLE, current, action=InvoiceAction.CANCEL).target
        if not text:
            raise reason_required("reason")
        if not await repository.update_invoice(
            invoice["id"], version, {"status": target.value, "updated_at": clock.now()}
        ):
            raise stale_version(INVOICE)
        actor = principal.as_actor()
        await events.record(
            actor,
            ENTITY,
            invoice["id"],
            "invoice.cancel",
            from_status=current.value,
            to_status=target.value,
            comment=text,
        )
        await audit.record(
            actor, "invoice.cancel", "invoice", invoice["id"], {"status": current.value}, {"status": target.value}
        )
        after = await repository.invoice_by_id(invoice["id"])
    assert after is not None
    return after


def _manual_lines(given: Sequence[ManualLine]) -> list[lines.Priced]:
    c = Checker()
    if not given or len(given) > MAX_LINES:
        c.fail("lines", "INVALID_LINES", f"Cần từ 1 đến {MAX_LINES} dòng.", f"Give 1 to {MAX_LINES} lines.")
        c.done()
    priced = []
    for index, line in enumerate(given):
        where = f"lines.{index}"
        name = c.check(clean_text, line.name_vi, f"{where}.nameVi", max_length=500)
        name_en = c.check(clean_optional, line.name_en, f"{where}.nameEn", max_length=500)
        unit = c.check(clean_optional, line.unit, f"{where}.unit", max_length=40)
        quantity = c.check(check_int, line.quantity, f"{where}.quantity", 1, 100_000)
        price = c.check(check_amount, line.unit_amount, f"{where}.unitAmount")
        if name and quantity and price is not None:
            priced.append(
                lines.Priced(LineSource.MANUAL, name, name_en or "", unit or "", quantity, price, line.vat_rate)
            )
    c.done()
    if lines.totals(priced)["total_amount"] > MAX_AMOUNT:
        raise ValidationFailed(
            "AMOUNT_TOO_LARGE", "Tổng tiền vượt quá mức cho phép.", "The total exceeds the allowed maximum.", "lines"
        )
    return priced


async def _original(invoice_ref: object) -> dict[str, Any]:
    invoice = await _invoice(invoice_ref)
    if invoice["kind"] != InvoiceKind.ORIGINAL.value and invoice["kind"] != InvoiceKind.REPLACEMENT.value:
        raise Conflict(
            "NOT_CORRECTABLE",
            "Hóa đơn điều chỉnh không được điều chỉnh hay thay thế tiếp; hãy sửa hóa đơn gốc.",
            "An adjustment invoice is not corrected itself; correct the original.",
            "id",
        )
    if InvoiceStatus(invoice["status"]) not in CORRECTABLE:
        raise Conflict(
            "NOT_CORRECTABLE",
            "Chỉ điều chỉnh hoặc thay thế hóa đơn đã phát hành.",
            "Only an issued invoice is adjusted or replaced.",
            "id",
        )
    return invoice


def _correction_values(original: dict[str, Any], kind: InvoiceKind, reason: str) -> dict[str, Any]:
    keep = ("quote", "request", "milestone", "department", "customer", "payment_terms")
    return {
        **{k: original[k] for k in keep},
        **{k: original[k] for k in original if k.startswith("buyer_")},
        "kind": kind.value,
        "source": InvoiceSource.CORRECTION.value,
        "original": original["id"],
        "reason": reason,
    }


async def adjust(principal: Principal, invoice_ref: object, increase: bool, f: CorrectionFields) -> dict[str, Any]:
    """Finance: an adjustment invoice (its own number) that increases or decreases an issued invoice by the
    given lines; the original stays as it was. A decrease never takes the original below zero."""
    access.require_finance(principal)
    reason = clean_text(f.reason, "reason", max_length=2000, multiline=True)
    priced = _manual_lines(f.lines)
    sign = 1 if increase else -1
    actor = principal.as_actor()
    async with transaction():
        original = await _original(invoice_ref)
        if not increase:
            earlier = (await repository.invoices_of("original", [original["id"]]))[original["id"]]
            net = original["total_amount"] + sum(
                i["total_amount"] for i in earlier if i["kind"] == InvoiceKind.ADJUSTMENT.value and i["number"]
            )
            if lines.totals(priced)["total_amount"] > net:
                raise ValidationFailed(
                    "ADJUSTMENT_TOO_LARGE",
                    "Điều chỉnh giảm lớn hơn giá trị còn lại của hóa đơn.",
                    "The decrease exceeds what remains of the invoice.",
                    "lines",
                )
        draft = await _insert_draft(_correction_values(original, InvoiceKind.ADJUSTMENT, reason), priced, actor, sign)
        after, message = await _issue(draft, actor, original["due_date"])
        await events.record(
            actor,
            ENTITY,
            original["id"],
            "invoice.adjusted",
            comment=reason,
            changes={"by": after["id"], "number": after["number"], "total_amount": after["total_amount"]},
        )
    await outbox.deliver([message])
    return after


async def replace(principal: Principal, invoice_ref: object, f: CorrectionFields) -> dict[str, Any]:
    """Finance: a replacement invoice (its own number) takes an issued invoice's place, with the corrected
    buyer and/or lines (the original's lines when none are given); the original becomes `replaced` and what
    was paid on it counts on the replacement."""
    access.require_finance(principal)
    reason = clean_text(f.reason, "reason", max_length=2000, multiline=True)
    actor = principal.as_actor()
    async with transaction():
        original = await _original(invoice_ref)
        priced = (
            _manual_lines(f.lines)
            if f.lines
            else lines.from_rows((await repository.lines_of_invoices([original["id"]]))[original["id"]])
        )
        values = _correction_values(original, InvoiceKind.REPLACEMENT, reason)
        values.update(buyers.merge({k: values[k] for k in values if k.startswith("buyer_")}, f.buyer))
        values["amount_paid"] = original["amount_paid"]
        current = InvoiceStatus(original["status"])
        target = apply_transition(INVOICE_LIFECYCLE, current, action=InvoiceAction.REPLACE).target
        if not await repository.update_invoice(
            original["id"], original["version"], {"status": target.value, "updated_at": clock.now()}
        ):
            raise stale_version(INVOICE)
        draft = await _insert_draft(values, priced, actor)
        after, message = await _issue(draft, actor, original["due_date"])
        await events.record(
            actor,
            ENTITY,
            original["id"],
            "invoice.replace",
            from_status=current.value,
            to_status=target.value,
            comment=reason,
            changes={"by": after["id"], "number": after["number"]},
        )
        await audit.record(
            actor,
            "invoice.replace",
            "invoice",
            original["id"],
            {"status": current.value},
            {"status": target.value, "replacement": after["id"]},
        )
    await outbox.deliver([message])
    return after


async def mark_overdue() -> list[int]:
    """Issued invoices with money owed past their due date: flagged, and the buyer reminded (daily sweep,
    run by `python -m app.cli mark-overdue` with the requests' sweep). Idempotent."""
    flagged, messages = [], []
    for invoice in await repository.past_due(clock.local_today()):
        if invoice["total_amount"] - invoice["amount_paid"] <= 0:
            continue
        try:
            async with transaction():
                if not await repository.update_invoice(invoice["id"], invoice["version"], {"overdue": True}):
                    raise stale_version(INVOICE)
                await events.record(Actor.system(), ENTITY, invoice["id"], "invoice.overdue")
                after = await repository.invoice_by_id(invoice["id"])
                assert after is not None
                messages.append(await notices.invoice_overdue(after))
        except DomainError:
            continue  # changed meanwhile: the next sweep sees it again
        flagged.append(int(invoice["id"]))
    await outbox.deliver(messages)
    return flagged
