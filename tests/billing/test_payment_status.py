"""What payments do around them: status and overdue flag, refusals on invoices that take no payment, a guest
paying by card, the buyer told, finance's totals per method and period, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from app.audit.tables import AuditEvent
from app.tables import OutboxMessage
from billing.tables import Payment
from catalog.requests import guest_links
from catalog.requests.tables import GuestLink
from tests.billing.helpers import (
    ACCEPT_AS_GUEST,
    CANCEL,
    DRAFT_FROM_QUOTE,
    ISSUE,
    REPLACE,
    Billing,
    accepted_quote,
    call,
    errors_of,
    issued_invoice,
    quote,
    received_request,
)
from tests.billing.test_payments import PAID, REFUND, START, TRANSFER, confirm_by_card, deliver, event_of
from tests.requests.helpers import guest_link, local
from tests.support import Api

GUEST_START = """
mutation ($token: String!, $id: ID!) {
  startCardPaymentAsGuest(token: $token, invoiceId: $id) { payment { amount status } errors { field code } }
}
"""


def transfer(amount: int, day: str = "2026-03-10") -> dict[str, Any]:
    return {"amount": amount, "receivedOn": day}


async def test_paying_in_full_clears_the_overdue_flag_and_tells_the_buyer(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    from app.cli import daily_command

    moment = local(2026, 3, 10, 9, 0)
    frozen_now(moment)
    invoice = await issued_invoice(client, billing)
    frozen_now(moment + timedelta(days=16))
    assert (await daily_command("mark-overdue"))["overdue_invoices"] == [int(invoice["id"])]
    late = {"id": invoice["id"], "input": transfer(1_000_000, "2026-03-26")}
    await call(client, TRANSFER, late, billing.finance, "recordTransfer")
    query = "query ($id: ID!) { invoice(id: $id) { status overdue balance } }"
    seen = (await client.gql(query, {"id": invoice["id"]}, token=billing.people.customer)).data["invoice"]
    assert seen == {"status": "PARTIALLY_PAID", "overdue": True, "balance": 1_640_000}  # still late
    rest = {"id": invoice["id"], "input": transfer(1_640_000, "2026-03-26")}
    await call(client, TRANSFER, rest, billing.finance, "recordTransfer")
    seen = (await client.gql(query, {"id": invoice["id"]}, token=billing.people.customer)).data["invoice"]
    assert seen == {"status": "PAID", "overdue": False, "balance": 0}
    assert (await daily_command("mark-overdue"))["overdue_invoices"] == []
    mails = await OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body).where(
        OutboxMessage.subject.like("Đã nhận thanh toán%")
    )
    assert [(m["recipient"], m["subject"]) for m in mails] == [
        ("khach@example.vn", "Đã nhận thanh toán hóa đơn số 00000001 / Payment received for invoice 00000001"),
    ] * 2
    assert "Còn phải trả / Balance: 1.640.000 đồng" in mails[0]["body"]


async def test_invoices_that_take_no_payment_refuse_one(client: Api, billing: Billing, stripe_settings: str) -> None:
    people = billing.people
    accepted = await accepted_quote(client, people)
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    on_draft = await call(client, TRANSFER, {"id": draft["id"], "input": transfer(100)}, billing.finance,
                          "recordTransfer")  # fmt: skip
    assert errors_of(on_draft) == [("invoiceId", "INVOICE_NOT_PAYABLE")]
    await call(client, CANCEL, {"id": draft["id"], "version": draft["version"], "reason": "Sai"}, billing.finance,
               "cancelInvoiceDraft")  # fmt: skip
    on_cancelled = await call(client, TRANSFER, {"id": draft["id"], "input": transfer(100)}, billing.finance,
                              "recordTransfer")  # fmt: skip
    assert errors_of(on_cancelled) == [("invoiceId", "INVOICE_NOT_PAYABLE")]

    issued = await issued_invoice(client, billing)
    replacement = (await call(client, REPLACE, {"id": issued["id"], "input": {"reason": "Sai tên người mua"}},
                              billing.finance, "replaceInvoice"))["invoice"]  # fmt: skip
    card = await call(client, START, {"id": issued["id"]}, people.customer, "startCardPayment")
    assert errors_of(card) == [("invoiceId", "INVOICE_NOT_PAYABLE")]
    # a transfer made with the replaced invoice's reference is money received: it pays the replacement
    paid = await call(client, TRANSFER, {"id": issued["id"], "input": transfer(2_640_000)}, billing.finance,
                      "recordTransfer")  # fmt: skip
    assert paid["errors"] == []
    state = (await client.gql(PAID, {"id": replacement["id"]}, token=billing.finance)).data["invoice"]
    assert (state["status"], state["amountPaid"]) == ("PAID", 2_640_000)
    assert await Payment.count() == 1


async def test_cards_are_refused_plainly_when_stripe_is_not_configured(client: Api, billing: Billing) -> None:
    invoice = await issued_invoice(client, billing)
    refused = await call(client, START, {"id": invoice["id"]}, billing.people.customer, "startCardPayment")
    assert errors_of(refused) == [("invoiceId", "CARD_UNAVAILABLE")]
    state = (await client.gql(PAID, {"id": invoice["id"]}, token=billing.people.customer)).data["invoice"]
    assert state["vietqr"] is None  # no bank BIN configured either: no QR code rather than a wrong one


async def test_a_guest_pays_by_card_with_the_link(
    client: Api, billing: Billing, stripe_settings: str, frozen_now: Callable[[Any], None]
) -> None:
    people = billing.people
    code = await received_request(client, people, customer=False)
    link = await guest_link(code)
    made = await quote(client, people, code)
    frozen_now(local(2026, 3, 10, 9, 0))
    await call(client, ACCEPT_AS_GUEST, {"token": link, "id": made["id"]}, None, "acceptQuoteAsGuest")
    assert await link_used_at(link) == local(2026, 3, 10, 9, 0)  # each step through the link: its last use
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": made["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    invoice = (await call(client, ISSUE, {"id": draft["id"], "version": draft["version"]}, billing.finance,
                          "issueInvoice"))["invoice"]  # fmt: skip
    frozen_now(local(2026, 3, 10, 9, 30))
    started = await call(client, GUEST_START, {"token": link, "id": invoice["id"]}, None, "startCardPaymentAsGuest")
    assert started == {"payment": {"amount": 2_640_000, "status": "CREATED"}, "errors": []}
    assert await link_used_at(link) == local(2026, 3, 10, 9, 30)
    other = await issued_invoice(client, billing)  # someone else's invoice, with this guest's link
    refused = await call(client, GUEST_START, {"token": link, "id": other["id"]}, None, "startCardPaymentAsGuest")
    assert errors_of(refused) == [("invoiceId", "NOT_FOUND")]
    bad_link = await call(
        client, GUEST_START, {"token": "x" * 43, "id": invoice["id"]}, None, "startCardPaymentAsGuest"
    )
    assert errors_of(bad_link) == [("token", "LINK_INVALID")]


async def link_used_at(token: str) -> Any:
    row = await GuestLink.select(GuestLink.used_at).where(GuestLink.token_hash == guest_links.digest(token)).first()
    return row["used_at"]


async def test_finance_sees_totals_per_method_and_period_and_each_refund_is_audited(
    client: Api, billing: Billing, stripe_settings: str, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 10, 9, 0))
    by_card = await issued_invoice(client, billing)
    by_transfer = await issued_invoice(client, billing)
    attempt = (await call(client, START, {"id": by_card["id"]}, billing.people.customer, "startCardPayment"))["payment"]
    intent = await confirm_by_card(stripe_settings, attempt["clientSecret"])
    await deliver(client, event_of("payment_intent.succeeded", intent))
    await call(client, TRANSFER, {"id": by_transfer["id"], "input": transfer(1_000_000)}, billing.finance,
               "recordTransfer")  # fmt: skip
    await call(client, TRANSFER, {"id": by_transfer["id"], "input": transfer(5_000, "2026-02-27")}, billing.finance,
               "recordTransfer")  # fmt: skip
    payments = (await client.gql(PAID, {"id": by_transfer["id"]}, token=billing.finance)).data["invoice"]["payments"]
    card_payment = (await client.gql(PAID, {"id": by_card["id"]}, token=billing.finance)).data["invoice"]["payments"][0]
    refund = {"id": card_payment["id"], "amount": 40_000, "reason": "Phí dịch vụ tính thừa"}
    await call(client, REFUND, refund, billing.finance, "refundPayment")
    back = {"id": payments[0]["id"], "amount": 1_000_000, "reason": "Khách chuyển nhầm, đã chuyển trả"}
    assert (await call(client, REFUND, back, billing.finance, "refundPayment"))["refund"]["status"] == "SUCCEEDED"

    query = 'query { paymentTotals(from: "2026-03-01", to: "2026-03-31") { method payments amount refunded } }'
    totals = (await client.gql(query, token=billing.finance)).data["paymentTotals"]
    assert totals == [
        {"method": "CARD", "payments": 1, "amount": 2_640_000, "refunded": 40_000},
        {"method": "TRANSFER", "payments": 1, "amount": 1_000_000, "refunded": 1_000_000},
    ]
    assert (await client.gql(query, token=billing.people.customer)).error_codes == ["FORBIDDEN"]
    listed = (await client.gql("{ payments(method: TRANSFER) { totalCount } }", token=billing.finance)).data
    assert listed["payments"]["totalCount"] == 2
    after_refund = (await client.gql(PAID, {"id": by_transfer["id"]}, token=billing.finance)).data["invoice"]
    assert (after_refund["status"], after_refund["amountPaid"]) == ("PARTIALLY_PAID", 5_000)
    audited = await AuditEvent.select(AuditEvent.action, AuditEvent.actor_label).where(
        AuditEvent.action == "payment.refund"
    )
    assert [a["actor_label"] for a in audited] == ["ke.toan@ttcntt.vn"] * 2
    told = await OutboxMessage.count().where(OutboxMessage.subject.like("Hoàn tiền hóa đơn%"))
    assert told == 2
