"""Stripe behind one wrapper: the only module that imports `stripe`.

Card payments are PaymentIntents in VND (a zero-decimal currency: amount = đồng). Each is created with our
own payment attempt's id as idempotency key, and billing never creates a second attempt while one is open,
so a retried request never charges twice even where the server (e.g. localstripe in tests) ignores keys.
Webhooks are verified on the raw body with the signing secret and the tolerance window.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import stripe

from app.config import get_settings
from app.errors import Conflict

MAX_CARD_AMOUNT = 99_999_999  # Stripe's limit for one VND charge (8 digits): larger invoices are paid by transfer


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is for the logs, never for clients."""


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str
    status: str
    amount: int


def available() -> bool:
    return bool(get_settings().stripe_secret_key)


def unavailable() -> Conflict:
    return Conflict("CARD_UNAVAILABLE", "Thanh toán thẻ chưa được cung cấp; hãy chuyển khoản.",
                    "Card payments are not offered; pay by bank transfer.", "invoiceId")  # fmt: skip


@asynccontextmanager
async def client() -> AsyncIterator[stripe.StripeClient]:
    """A client with its own HTTP connection, closed after the call: card payments are few, and an async
    connection must not outlive the event loop that opened it."""
    settings = get_settings()
    http = stripe.HTTPXClient()
    try:
        yield stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base else {},
            max_network_retries=2,
            http_client=http,
        )
    finally:
        await http.close_async()


async def create_intent(amount: int, attempt_id: int, invoice_id: int, reference: str) -> Intent:
    try:
        async with client() as stripe_client:
            intent = await stripe_client.v1.payment_intents.create_async(
                {
                    "amount": amount,
                    "currency": "vnd",
                    "metadata": {"attempt": str(attempt_id), "invoice": str(invoice_id), "reference": reference},
                },
                {"idempotency_key": f"attempt-{attempt_id}"},
            )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return Intent(intent.id, intent.client_secret or "", intent.status, int(intent.amount))


async def refund(intent_id: str, amount: int, refund_id: int) -> tuple[str, str]:
    """(Stripe's refund id, its status)."""
    try:
        async with client() as stripe_client:
            made = await stripe_client.v1.refunds.create_async(
                {"payment_intent": intent_id, "amount": amount, "metadata": {"refund": str(refund_id)}},
                {"idempotency_key": f"refund-{refund_id}"},
            )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return made.id, str(made.status)


class InvalidSignature(Exception):
    pass


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if the Stripe-Signature header signs this exact body within the tolerance window."""
    settings = get_settings()
    if not settings.stripe_webhook_secret or not signature:
        raise InvalidSignature("no secret or no signature")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.stripe_webhook_secret, tolerance=settings.stripe_webhook_tolerance
        )
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidSignature(str(error)) from error
    return event.to_dict()
