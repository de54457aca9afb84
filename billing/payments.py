"""Payments: money received for an invoice (a card through Stripe, a bank transfer from a statement line or
recorded by finance), applied once and only once, and refunds (never above what was paid).

Every application goes through `apply_payment`, inside one transaction that holds the invoice: the amount
paid grows, the status follows the transition table (partially paid / paid), what exceeds the balance is
kept as an overpayment for finance (never silently), and the buyer is told after commit.
"""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app import clock, events, outbox
from app.audit import service as audit
from app.audit.service import Actor
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import Conflict, ValidationFailed, not_found, stale_version
from app.guards import require_customer, require_public_caller
from app.input import Checker, check_amount, check_date, clean_optional, clean_text, parse_id
from app.states import apply_transition
from billing import access, notices, repository, stripe_gateway
from billing.enums import AttemptStatus, InvoiceAction, InvoiceStatus, PaymentMethod, RefundStatus
from billing.states import INVOICE, INVOICE_LIFECYCLE, OWING
from catalog.requests import orders

log = logging.getLogger("billing.payments")
PAYMENT = access.PAYMENT_NOUN


def _not_payable() -> Conflict:
    return Conflict(
        "INVOICE_NOT_PAYABLE",
        "Hóa đơn này không nhận thanh toán (nháp, đã hủy, đã thay thế hoặc đã trả đủ).",
        "This invoice takes no payment (a draft, cancelled, replaced or paid in full).",
        "invoiceId",
    )


async def payable(invoice_id: int) -> dict[str, Any]:
    """The invoice that takes a payment made for `invoice_id`: a replaced invoice's replacement, since a
    customer may still pay with the original's reference."""
    invoice = await repository.invoice_by_id(invoice_id)
    while invoice is not None and invoice["status"] == InvoiceStatus.REPLACED.value:
        invoice = await repository.replacement_of(invoice["id"])
    if invoice is None:
        raise access.invoice_not_found("invoiceId")
    return invoice


async def apply_payment(
    invoice_id: int,
    amount: int,
    method: PaymentMethod,
    actor: Actor,
    *,
    received_at: datetime,
    reference: str = "",
    attempt: int | None = None,
    statement_line: int | None = None,
    note: str = "",
) -> tuple[dict[str, Any], int | None]:
    """Inside the caller's transaction: record the payment and move the invoice. Returns the payment and
    the message to deliver after commit. A payment on an invoice paid in full is kept whole as an
    overpayment; one on an invoice that takes none (draft, cancelled) is refused."""
    await repository.lock_invoice(invoice_id)
    invoice = await payable(invoice_id)
    if invoice["id"] != invoice_id:
        await repository.lock_invoice(invoice["id"])
    status = InvoiceStatus(invoice["status"])
    if status not in OWING and status is not InvoiceStatus.PAID:
        raise _not_payable()
    balance = max(int(invoice["total_amount"]) - int(invoice["amount_paid"]), 0)
    overpaid = max(amount - balance, 0)
    paid = int(invoice["amount_paid"]) + amount
    values: dict[Any, Any] = {"amount_paid": paid, "updated_at": clock.now()}
    target = status
    if status in OWING:
        action = InvoiceAction.PAY_IN_FULL if paid >= int(invoice["total_amount"]) else InvoiceAction.PAY_PART
        target = apply_transition(INVOICE_LIFECYCLE, status, action=action).target
        values["status"] = target.value
        if target is InvoiceStatus.PAID:
            values["overdue"] = False
    if not await repository.update_invoice(invoice["id"], invoice["version"], values):
        raise stale_version(INVOICE)
    payment_id = await repository.insert_payment(
        {
            "invoice": invoice["id"],
            "method": method.value,
            "amount": amount,
            "overpaid_amount": overpaid,
            "received_at": received_at,
            "reference": reference,
            "attempt": attempt,
            "statement_line": statement_line,
            "note": note,
            "recorded_by": actor.label,
        }
    )
    changes = {"payment": payment_id, "amount": amount, "method": method.value, "overpaid": overpaid}
    await events.record(
        actor,
        "invoice",
        invoice["id"],
        "invoice.payment",
        from_status=status.value,
        to_status=target.value,
        changes=changes,
    )
    await audit.record(
        actor,
        "payment.record",
        "invoice",
        invoice["id"],
        {"amount_paid": invoice["amount_paid"]},
        {"amount_paid": paid, **changes},
    )
    payment = await repository.payment_by_id(payment_id)
    after = await repository.invoice_by_id(invoice["id"])
    assert payment is not None and after is not None
    return payment, await notices.payment_received(after, payment)


# --- cards ----------------------------------------------------------------------------------------


async def _start(invoice_id: int, started_by: str, link_id: int | None = None) -> dict[str, Any]:
    if not stripe_gateway.available():
        raise stripe_gateway.unavailable()
    invoice = await repository.invoice_by_id(invoice_id)
    if invoice is None:
        raise access.invoice_not_found("invoiceId")
    if InvoiceStatus(invoice["status"]) not in OWING:
        raise _not_payable()
    balance = int(invoice["total_amount"]) - int(invoice["amount_paid"])
    if balance > stripe_gateway.MAX_CARD_AMOUNT:
        raise Conflict(
            "CARD_LIMIT",
            "Số tiền vượt hạn mức thanh toán thẻ (99.999.999 đồng); hãy chuyển khoản theo mã VietQR.",
            "The amount is above the card limit (99,999,999 VND); pay by bank transfer with the VietQR code.",
            "invoiceId",
        )
    async with transaction():
        await repository.lock_invoice(invoice_id)
        if link_id is not None:  # a guest's link: its last use, shown to staff
            await orders.use_link(link_id)
        current = await repository.open_attempt(invoice_id)
        if current is not None and current["amount"] == balance and current["stripe_intent"]:
            return current  # a retried request gets the same attempt: never a second charge
        if current is not None:  # the balance moved since: that attempt is stale
            await repository.update_attempt(
                current["id"], {"status": AttemptStatus.FAILED.value, "failure": "superseded"}
            )
        attempt_id = await repository.insert_attempt(
            {"invoice": invoice_id, "amount": balance, "status": AttemptStatus.CREATED.value, "started_by": started_by}
        )
    try:
        intent = await stripe_gateway.create_intent(balance, attempt_id, invoice_id, invoice["payment_reference"])
    except stripe_gateway.GatewayError:
        log.exception("stripe refused a payment intent")
        await repository.update_attempt(attempt_id, {"status": AttemptStatus.FAILED.value, "failure": "gateway"})
        raise Conflict(
            "CARD_GATEWAY_ERROR",
            "Cổng thanh toán thẻ đang gặp sự cố; hãy thử lại sau hoặc chuyển khoản.",
            "The card gateway is failing; try again later or pay by bank transfer.",
            "invoiceId",
        ) from None
    await repository.update_attempt(
        attempt_id, {"stripe_intent": intent.id, "client_secret": intent.client_secret, "updated_at": clock.now()}
    )
    found = await repository.attempt_by_id(attempt_id)
    assert found is not None
    return found


async def start_card_payment(principal: Principal, invoice_ref: object) -> dict[str, Any]:
    """The customer billed starts paying its balance by card; the client secret goes to Stripe.js."""
    customer = require_customer(principal)
    invoice = await repository.invoice_by_id(parse_id(invoice_ref, "invoiceId"))
    if invoice is None or invoice["customer"] != customer:
        raise access.invoice_not_found("invoiceId")
    return await _start(invoice["id"], principal.email)


async def start_card_payment_as_guest(principal: Principal, token: str, invoice_ref: object) -> dict[str, Any]:
    require_public_caller(principal)
    order, link_id = await orders.for_guest_step(token)
    invoice = await repository.invoice_by_id(parse_id(invoice_ref, "invoiceId"))
    if invoice is None or invoice["request"] != order.id:
        raise access.invoice_not_found("invoiceId")
    return await _start(invoice["id"], orders.guest_actor(order).label, link_id)


# --- webhooks -------------------------------------------------------------------------------------


async def handle_stripe_event(event: dict[str, Any]) -> str:
    """Apply a verified event once: stored by its id (a unique key) in the same transaction as its effect,
    so a replay, or a duplicate delivered at the same moment, applies nothing. Returns what was done."""
    kind = str(event.get("type", ""))
    obj = (event.get("data") or {}).get("object") or {}
    messages: list[int | None] = []
    async with transaction():
        if not await repository.record_stripe_event(str(event["id"]), kind):
            return "duplicate"
        if kind == "payment_intent.succeeded":
            outcome, message = await _intent_succeeded(obj)
            messages.append(message)
        elif kind == "payment_intent.payment_failed":
            outcome = await _intent_failed(obj)
        elif kind == "charge.refunded":
            outcome = await _charge_refunded(obj)
        else:
            outcome = "ignored"
        await repository.set_event_outcome(str(event["id"]), outcome)
    await outbox.deliver(messages)
    return outcome


async def _intent_succeeded(intent: dict[str, Any]) -> tuple[str, int | None]:
    attempt = await repository.attempt_by_intent(str(intent.get("id", "")))
    if attempt is None:
        return "unknown intent", None
    if await repository.payment_by_reference(PaymentMethod.CARD.value, attempt["stripe_intent"]) is not None:
        return "already applied", None  # the same intent through another event id: still once
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    await repository.update_attempt(attempt["id"], {"status": AttemptStatus.SUCCEEDED.value, "updated_at": clock.now()})
    _, message = await apply_payment(
        attempt["invoice"],
        amount,
        PaymentMethod.CARD,
        Actor(None, "stripe"),
        received_at=clock.now(),
        reference=attempt["stripe_intent"],
        attempt=attempt["id"],
    )
    return "payment recorded", message


async def _intent_failed(intent: dict[str, Any]) -> str:
    attempt = await repository.attempt_by_intent(str(intent.get("id", "")))
    if attempt is None:
        return "unknown intent"
    if attempt["status"] == AttemptStatus.SUCCEEDED.value:
        return "late failure ignored"  # out of order: the success stands
    error = (intent.get("last_payment_error") or {}).get("message") or "failed"
    await repository.update_attempt(attempt["id"], {"status": AttemptStatus.FAILED.value, "failure": str(error)[:500]})
    return "attempt failed"


async def _charge_refunded(charge: dict[str, Any]) -> str:
    """Refunds made at Stripe (ours are recorded when asked; this confirms them or records the others)."""
    payment = await repository.payment_by_reference(PaymentMethod.CARD.value, str(charge.get("payment_intent", "")))
    if payment is None:
        return "unknown payment"
    recorded = 0
    for made in (charge.get("refunds") or {}).get("data") or []:
        known = await repository.refund_by_stripe_id(str(made["id"]))
        if known is not None:
            if known["status"] != RefundStatus.SUCCEEDED.value:
                await repository.update_refund(known["id"], {"status": RefundStatus.SUCCEEDED.value})
            continue
        await _record_refund(
            payment,
            int(made["amount"]),
            "Hoàn tiền tại Stripe / Refunded at Stripe",
            Actor(None, "stripe"),
            RefundStatus.SUCCEEDED,
            str(made["id"]),
        )
        recorded += 1
    return f"{recorded} refunds recorded"


# --- transfers and refunds (finance) --------------------------------------------------------------


@dataclass
class TransferFields:
    amount: int
    received_on: date
    bank_reference: str = ""
    note: str = ""


async def record_transfer(principal: Principal, invoice_ref: object, f: TransferFields) -> dict[str, Any]:
    """Finance records a transfer seen on the account by hand (a statement import does it for many)."""
    access.require_finance(principal)
    c = Checker()
    invoice_id = c.check(parse_id, invoice_ref, "invoiceId")
    amount = c.check(check_amount, f.amount, "amount")
    if amount == 0:
        c.fail("amount", "AMOUNT_REQUIRED", "Số tiền phải lớn hơn 0.", "The amount must be above zero.")
    received_on = c.check(check_date, f.received_on, "receivedOn")
    if received_on is not None and received_on > clock.local_today():
        c.fail("receivedOn", "DATE_IN_FUTURE", "Ngày nhận tiền chưa tới.", "The day received is in the future.")
    reference = c.check(clean_optional, f.bank_reference, "bankReference", max_length=120)
    note = c.check(clean_optional, f.note, "note", max_length=1000, multiline=True)
    c.done()
    received_at = datetime.combine(f.received_on, time(12), tzinfo=get_settings().timezone)
    async with transaction():
        payment, message = await apply_payment(
            invoice_id,
            amount,
            PaymentMethod.TRANSFER,
            principal.as_actor(),
            received_at=received_at,
            reference=reference or "",
            note=note or "",
        )
    await outbox.deliver([message])
    return payment


async def _refund_effect(payment: dict[str, Any], amount: int, refund_id: int, reason: str, actor: Actor) -> None:
    """Inside a transaction: what a refund does to the invoice (amount paid, status), with its history."""
    await repository.lock_invoice(payment["invoice"])
    invoice = await repository.invoice_by_id(payment["invoice"])
    assert invoice is not None
    paid = int(invoice["amount_paid"]) - amount
    current = InvoiceStatus(invoice["status"])
    values: dict[Any, Any] = {"amount_paid": paid, "updated_at": clock.now()}
    if current in (InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID) and paid < int(invoice["total_amount"]):
        # (an overpayment refunded leaves the invoice paid in full: no step)
        action = InvoiceAction.REFUND_ALL if paid <= 0 else InvoiceAction.REFUND_PART
        values["status"] = apply_transition(INVOICE_LIFECYCLE, current, action=action).target.value
    if not await repository.update_invoice(invoice["id"], invoice["version"], values):
        raise stale_version(INVOICE)
    await events.record(
        actor,
        "invoice",
        invoice["id"],
        "invoice.refund",
        from_status=current.value,
        to_status=str(values.get("status", current.value)),
        comment=reason,
        changes={"refund": refund_id, "payment": payment["id"], "amount": amount},
    )
    await audit.record(
        actor,
        "payment.refund",
        "invoice",
        invoice["id"],
        {"amount_paid": invoice["amount_paid"]},
        {"amount_paid": paid, "refund": refund_id, "amount": amount},
    )


async def _record_refund(
    payment: dict[str, Any], amount: int, reason: str, actor: Actor, status: RefundStatus, stripe_refund: str = ""
) -> int:
    """Inside a transaction: a refund already made (a transfer sent back, or one Stripe reports)."""
    refund_id = await repository.insert_refund(
        {
            "payment": payment["id"],
            "amount": amount,
            "reason": reason,
            "status": status.value,
            "stripe_refund": stripe_refund,
            "created_by": actor.label,
        }
    )
    await _refund_effect(payment, amount, refund_id, reason, actor)
    return refund_id


async def refund_payment(principal: Principal, payment_ref: object, amount: int, reason: str) -> dict[str, Any]:
    """Finance refunds all or part of a payment, never above what is left of it (refunds pending at Stripe
    count): through Stripe for a card payment (applied to the invoice once Stripe accepts it), recorded at
    once for a transfer (the money sent back by the bank)."""
    access.require_finance(principal)
    c = Checker()
    payment_id = c.check(parse_id, payment_ref, "paymentId")
    c.check(check_amount, amount, "amount")
    if amount == 0:
        c.fail("amount", "AMOUNT_REQUIRED", "Số tiền phải lớn hơn 0.", "The amount must be above zero.")
    text = c.check(clean_text, reason, "reason", max_length=2000, multiline=True)
    c.done()
    actor = principal.as_actor()
    async with transaction():
        payment = await repository.payment_by_id(payment_id)
        if payment is None:
            raise not_found(PAYMENT, "paymentId")
        await repository.lock_invoice(payment["invoice"])
        refunds = (await repository.refunds_of_payments([payment_id]))[payment_id]
        left = int(payment["amount"]) - sum(
            int(r["amount"]) for r in refunds if r["status"] != RefundStatus.FAILED.value
        )
        if amount > left:
            raise ValidationFailed(
                "REFUND_TOO_LARGE",
                f"Chỉ còn hoàn được {left:,} đồng.".replace(",", "."),
                f"At most {left:,} VND can still be refunded.",
                "amount",
            )
        card = payment["method"] == PaymentMethod.CARD.value
        if card:
            refund_id = await repository.insert_refund(
                {
                    "payment": payment_id,
                    "amount": amount,
                    "reason": text,
                    "status": RefundStatus.PENDING.value,
                    "created_by": actor.label,
                }
            )
        else:
            refund_id = await _record_refund(payment, amount, text, actor, RefundStatus.SUCCEEDED)
    if card:
        try:
            stripe_id, _ = await stripe_gateway.refund(payment["reference"], amount, refund_id)
        except stripe_gateway.GatewayError:
            log.exception("stripe refused a refund")
            await repository.update_refund(refund_id, {"status": RefundStatus.FAILED.value})
            raise Conflict(
                "CARD_GATEWAY_ERROR",
                "Cổng thanh toán thẻ từ chối hoàn tiền; chưa hoàn gì.",
                "The card gateway refused the refund; nothing was refunded.",
                "paymentId",
            ) from None
        async with transaction():
            await repository.update_refund(
                refund_id, {"stripe_refund": stripe_id, "status": RefundStatus.SUCCEEDED.value}
            )
            await _refund_effect(payment, amount, refund_id, text, actor)
    async with transaction():
        invoice = await repository.invoice_by_id(payment["invoice"])
        assert invoice is not None
        message = await notices.refund_made(invoice, amount, text)
    await outbox.deliver([message])
    found = (await repository.refunds_of_payments([payment_id]))[payment_id]
    return next(r for r in found if r["id"] == refund_id)
