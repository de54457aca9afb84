"""Payments: cards through the real stripe SDK against localstripe with signed webhooks applied once,
refunds never above what was paid, transfers recorded by hand or matched from a bank statement, VietQR."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import stripe

from app.db import is_sqlite
from billing.tables import Invoice, Payment, PaymentAttempt, Refund, StatementLine, StripeEvent
from tests.billing.conftest import WEBHOOK_SECRET
from tests.billing.helpers import INVOICE, Billing, call, errors_of, issued_invoice
from tests.billing.test_vietqr import crc_ok, decode
from tests.requests.helpers import local
from tests.support import Api

START = """
mutation ($id: ID!) { startCardPayment(invoiceId: $id) { payment { id amount status clientSecret publishableKey }
  errors { field code } } }
"""
REFUND = """
mutation ($id: ID!, $amount: Vnd!, $reason: String!) {
  refundPayment(paymentId: $id, amount: $amount, reason: $reason) { refund { amount status reason } errors { field code } }
}
"""
TRANSFER = """
mutation ($id: ID!, $input: TransferInput!) {
  recordTransfer(invoiceId: $id, input: $input) { payment { id method amount overpaidAmount } errors { field code } }
}
"""
PAID = "query ($id: ID!) { invoice(id: $id) { status amountPaid balance payments { id method amount overpaidAmount refundableAmount refunds { amount status } } vietqr { payload pngUrl svgUrl } } }"


async def billing_rows() -> dict[str, Any]:
    return {
        t._meta.tablename: await t.select().order_by(t.id)
        for t in (Invoice, Payment, Refund, StripeEvent, StatementLine)
    }


@asynccontextmanager
async def sdk(localstripe: str) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.HTTPXClient()
    try:
        yield stripe.StripeClient("sk_test_local", base_addresses={"api": localstripe}, http_client=http)
    finally:
        await http.close_async()


async def confirm_by_card(localstripe: str, client_secret: str) -> dict[str, Any]:
    """What Stripe.js does in the customer's browser: a card, then the PaymentIntent confirmed."""
    async with sdk(localstripe) as stripe_client:
        return await _confirm(stripe_client, client_secret.split("_secret", maxsplit=1)[0])


async def _confirm(sdk: stripe.StripeClient, intent_id: str) -> dict[str, Any]:
    card = await sdk.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    # (localstripe does not take the card as a confirm parameter; attached first, it confirms the same way)
    await sdk.v1.payment_intents.update_async(intent_id, {"payment_method": card.id})
    confirmed = await sdk.v1.payment_intents.confirm_async(intent_id)
    return confirmed.to_dict()


def signed(event: dict[str, Any], timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET, timestamp)
    return body.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def event_of(kind: str, obj: dict[str, Any], event_id: str = "evt_1") -> dict[str, Any]:
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}, "created": int(time.time())}


async def deliver(client: Api, event: dict[str, Any], timestamp: int | None = None) -> Any:
    body, headers = signed(event, timestamp)
    return await client.http.post("/billing/stripe/webhook", content=body, headers=headers)


async def test_card_payment_through_stripe_applied_once_then_partly_refunded(
    client: Api, billing: Billing, stripe_settings: str
) -> None:
    invoice = await issued_invoice(client, billing)  # 2,640,000 đồng
    people = billing.people
    started = await call(client, START, {"id": invoice["id"]}, people.customer, "startCardPayment")
    assert started["errors"] == []
    attempt = started["payment"]
    assert (attempt["amount"], attempt["status"], attempt["publishableKey"]) == (2_640_000, "CREATED", "pk_test_local")
    again = await call(client, START, {"id": invoice["id"]}, people.customer, "startCardPayment")
    assert again["payment"]["id"] == attempt["id"]  # a retried request: the same attempt, no second intent
    intent = await confirm_by_card(stripe_settings, attempt["clientSecret"])
    assert (intent["status"], intent["amount"], intent["currency"]) == ("succeeded", 2_640_000, "vnd")

    applied = await deliver(client, event_of("payment_intent.succeeded", intent))
    assert (applied.status_code, applied.json()["outcome"]) == (200, "payment recorded")
    paid = (await client.gql(PAID, {"id": invoice["id"]}, token=people.customer)).data["invoice"]
    assert (paid["status"], paid["amountPaid"], paid["balance"], paid["vietqr"]) == ("PAID", 2_640_000, 0, None)
    [payment] = paid["payments"]
    assert (payment["method"], payment["amount"], payment["overpaidAmount"]) == ("CARD", 2_640_000, 0)
    # replays, and the same intent under another event id, apply nothing
    before = await billing_rows()
    replay = await deliver(client, event_of("payment_intent.succeeded", intent))
    assert (replay.status_code, replay.json()["outcome"]) == (200, "duplicate")
    other = await deliver(client, event_of("payment_intent.succeeded", intent, "evt_2"))
    assert other.json()["outcome"] == "already applied"
    late_failure = await deliver(client, event_of("payment_intent.payment_failed", intent, "evt_3"))
    assert late_failure.json()["outcome"] == "late failure ignored"
    after = await billing_rows()
    assert (after["payment"], after["invoice"]) == (before["payment"], before["invoice"])
    assert [e["event_id"] for e in after["stripe_event"]] == ["evt_1", "evt_2", "evt_3"]

    refunded = await call(client, REFUND, {"id": payment["id"], "amount": 640_000, "reason": "Giảm phạm vi"},
                          billing.finance, "refundPayment")  # fmt: skip
    assert refunded == {"refund": {"amount": 640_000, "status": "SUCCEEDED", "reason": "Giảm phạm vi"}, "errors": []}
    too_much = await call(client, REFUND, {"id": payment["id"], "amount": 2_000_001, "reason": "x"}, billing.finance,
                          "refundPayment")  # fmt: skip
    assert errors_of(too_much) == [("amount", "REFUND_TOO_LARGE")]
    now = (await client.gql(PAID, {"id": invoice["id"]}, token=people.customer)).data["invoice"]
    assert (now["status"], now["amountPaid"], now["balance"]) == ("PARTIALLY_PAID", 2_000_000, 640_000)
    assert now["payments"][0]["refundableAmount"] == 2_000_000
    assert now["payments"][0]["refunds"] == [{"amount": 640_000, "status": "SUCCEEDED"}]
    # Stripe's charge.refunded for our own refund confirms it, recording nothing more
    latest = intent["latest_charge"]  # (localstripe expands it)
    async with sdk(stripe_settings) as stripe_client:
        charge = (
            await stripe_client.v1.charges.retrieve_async(latest if isinstance(latest, str) else latest["id"])
        ).to_dict()
    confirmed = await deliver(client, event_of("charge.refunded", charge, "evt_4"))
    assert confirmed.json()["outcome"] == "0 refunds recorded"
    assert await Refund.count() == 1


@pytest.mark.parametrize("problem", ["bad signature", "stale", "missing", "other secret"])
async def test_a_webhook_that_does_not_verify_is_refused_and_writes_nothing(
    client: Api, billing: Billing, stripe_settings: str, problem: str
) -> None:
    before = await billing_rows()
    body, headers = signed(event_of("payment_intent.succeeded", {"id": "pi_x", "amount": 1}))
    if problem == "bad signature":
        headers["Stripe-Signature"] = headers["Stripe-Signature"][:-4] + "beef"
    elif problem == "stale":
        body, headers = signed(event_of("payment_intent.succeeded", {"id": "pi_x"}), int(time.time()) - 301)
    elif problem == "missing":
        del headers["Stripe-Signature"]
    else:
        headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(body.decode(), "whsec_other")
    response = await client.http.post("/billing/stripe/webhook", content=body, headers=headers)
    assert (response.status_code, response.json()) == (400, {"error": "invalid signature"})
    assert await billing_rows() == before


async def test_card_refusals(client: Api, billing: Billing, stripe_settings: str) -> None:
    people = billing.people
    invoice = await issued_invoice(client, billing)
    other = await call(client, START, {"id": invoice["id"]}, people.other_customer, "startCardPayment")
    assert errors_of(other) == [("invoiceId", "NOT_FOUND")]
    staff = await call(client, START, {"id": invoice["id"]}, billing.finance, "startCardPayment")
    assert errors_of(staff) == [(None, "FORBIDDEN")]
    huge = await issued_invoice_of_quantity(client, billing, 100)  # 120,000,000 + VAT: above Stripe's VND limit
    assert huge["totalAmount"] == 132_000_000
    limited = await call(client, START, {"id": huge["id"]}, people.customer, "startCardPayment")
    assert errors_of(limited) == [("invoiceId", "CARD_LIMIT")]


async def issued_invoice_of_quantity(client: Api, billing: Billing, quantity: int) -> dict[str, Any]:
    from tests.billing.helpers import ACCEPT, DRAFT_FROM_QUOTE, ISSUE, quote, received_request

    people = billing.people
    code = await received_request(client, people, quantity=quantity)
    made = await quote(client, people, code)
    await call(client, ACCEPT, {"id": made["id"]}, people.customer, "acceptQuote")
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": made["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    return (
        await call(client, ISSUE, {"id": draft["id"], "version": draft["version"]}, billing.finance, "issueInvoice")
    )["invoice"]


async def test_a_transfer_recorded_by_hand_and_an_overpayment_listed(
    client: Api, billing: Billing, stripe_settings: str, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 10, 9, 0))
    invoice = await issued_invoice(client, billing)
    part = await call(client, TRANSFER, {"id": invoice["id"], "input": {"amount": 1_000_000, "receivedOn": "2026-03-10",
                                                                      "bankReference": "FT2607012345"}},
                      billing.finance, "recordTransfer")  # fmt: skip
    assert part["errors"] == [] and part["payment"]["method"] == "TRANSFER"
    state = (await client.gql(PAID, {"id": invoice["id"]}, token=billing.finance)).data["invoice"]
    assert (state["status"], state["balance"]) == ("PARTIALLY_PAID", 1_640_000)
    qr = decode(state["vietqr"]["payload"])
    assert (qr["54"], decode(qr["62"])["08"], crc_ok(state["vietqr"]["payload"])) == (
        "1640000",
        invoice["paymentReference"],
        True,
    )
    more = await call(client, TRANSFER, {"id": invoice["id"], "input": {"amount": 2_000_000, "receivedOn": "2026-03-10"}},
                      billing.finance, "recordTransfer")  # fmt: skip
    assert (more["payment"]["amount"], more["payment"]["overpaidAmount"]) == (2_000_000, 360_000)
    state = (await client.gql(PAID, {"id": invoice["id"]}, token=billing.finance)).data["invoice"]
    assert (state["status"], state["amountPaid"], state["balance"]) == ("PAID", 3_000_000, -360_000)
    refusals = [
        ({"amount": 0, "receivedOn": "2026-03-10"}, [("amount", "AMOUNT_REQUIRED")]),
        ({"amount": -5, "receivedOn": "2026-03-10"}, [("amount", "NEGATIVE_AMOUNT")]),
        ({"amount": 5, "receivedOn": "2026-03-11"}, [("receivedOn", "DATE_IN_FUTURE")]),
        ({"amount": 5, "receivedOn": "1999-01-01"}, [("receivedOn", "DATE_OUT_OF_RANGE")]),
    ]
    before = await billing_rows()
    for input_, expected in refusals:
        payload = await call(
            client, TRANSFER, {"id": invoice["id"], "input": input_}, billing.finance, "recordTransfer"
        )
        assert errors_of(payload) == expected
    assert await billing_rows() == before


async def test_the_vietqr_picture_is_served_to_whoever_sees_the_invoice(
    client: Api, billing: Billing, stripe_settings: str
) -> None:
    invoice = await issued_invoice(client, billing)
    path = f"/billing/invoices/{invoice['id']}"
    for who, token, expected in (("customer", billing.people.customer, 200), ("finance", billing.finance, 200),
                                 ("other", billing.people.other_customer, 404), ("anonymous", None, 401)):  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        png = await client.http.get(f"{path}/vietqr.png", headers=headers)
        svg = await client.http.get(f"{path}/vietqr.svg", headers=headers)
        assert (png.status_code, svg.status_code) == (expected, expected), who
        if expected == 200:
            assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
            assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content


async def test_one_webhook_delivered_a_hundred_times_pays_once(
    client: Api, billing: Billing, stripe_settings: str
) -> None:
    invoice = await issued_invoice(client, billing)
    attempt = (await call(client, START, {"id": invoice["id"]}, billing.people.customer, "startCardPayment"))["payment"]
    intent = await confirm_by_card(stripe_settings, attempt["clientSecret"])
    event = event_of("payment_intent.succeeded", intent, "evt_many")
    outcomes = [(await deliver(client, event)).json()["outcome"] for _ in range(40)]
    if not is_sqlite():  # real concurrency on PostgreSQL (the client's pool): 60 more at once
        responses = await asyncio.gather(*(deliver(client, event) for _ in range(60)))
        outcomes += [r.json()["outcome"] for r in responses]
        assert all(r.status_code == 200 for r in responses)
    assert outcomes.count("payment recorded") == 1
    assert set(outcomes) == {"payment recorded", "duplicate"}
    assert await Payment.count() == 1
    state = (await client.gql(INVOICE, {"id": invoice["id"]}, token=billing.finance)).data["invoice"]
    assert (state["status"], state["amountPaid"]) == ("PAID", 2_640_000)


async def test_a_declined_card_fails_the_attempt_and_the_next_try_starts_afresh(
    client: Api, billing: Billing, stripe_settings: str
) -> None:
    invoice = await issued_invoice(client, billing)
    customer = billing.people.customer
    first = (await call(client, START, {"id": invoice["id"]}, customer, "startCardPayment"))["payment"]
    intent_id = first["clientSecret"].split("_secret", maxsplit=1)[0]
    declined = {"id": intent_id, "object": "payment_intent", "status": "requires_payment_method",
                "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}  # fmt: skip
    outcome = await deliver(client, event_of("payment_intent.payment_failed", declined, "evt_declined"))
    assert outcome.json()["outcome"] == "attempt failed"
    [attempt] = await PaymentAttempt.select(PaymentAttempt.status, PaymentAttempt.failure)
    assert attempt == {"status": "failed", "failure": "Your card was declined."}
    second = (await call(client, START, {"id": invoice["id"]}, customer, "startCardPayment"))["payment"]
    assert second["id"] != first["id"] and second["clientSecret"] != first["clientSecret"]
    assert await Payment.count() == 0
    state = (await client.gql(PAID, {"id": invoice["id"]}, token=customer)).data["invoice"]
    assert (state["status"], state["balance"]) == ("ISSUED", 2_640_000)
