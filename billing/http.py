"""HTTP routes of billing: Stripe's webhook (raw body, signature checked) and the VietQR code of an invoice.

POST /billing/stripe/webhook                 Stripe-Signature header; 400 when it does not verify
GET  /billing/invoices/{id}/vietqr.png|svg   for finance and the customer billed (a guest: ?token=)
GET  /billing/exports/{csv|xlsx|xml}?from=…&to=…  finance: the period's invoices, streamed (billing/exports)
"""

from __future__ import annotations

import json
import logging
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Stream

from app.api.context import authenticate
from app.api.http import refusal
from app.errors import DomainError
from app.i18n import negotiate_language
from billing import payments, qr, stripe_gateway
from billing.exports import delivery

log = logging.getLogger("billing.http")


@post("/billing/stripe/webhook", include_in_schema=False, status_code=200)
async def stripe_webhook(request: Request[Any, Any, Any]) -> Response[bytes]:
    body = await request.body()
    try:
        event = stripe_gateway.verify(body, request.headers.get("stripe-signature"))
    except stripe_gateway.InvalidSignature as error:
        log.info("webhook refused", extra={"error": str(error)})
        return Response(b'{"error": "invalid signature"}', status_code=400, media_type="application/json")
    outcome = await payments.handle_stripe_event(event)
    return Response(json.dumps({"received": True, "outcome": outcome}).encode(), media_type="application/json")


async def _qr(request: Request[Any, Any, Any], invoice_id: int, kind: str) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        content, media_type = await qr.image(principal, invoice_id, request.query_params.get("token"), kind)
    except DomainError as error:
        return refusal(error, lang)
    return Response(content, media_type=media_type, headers={"Cache-Control": "no-store"})


@get("/billing/invoices/{invoice_id:int}/vietqr.png", include_in_schema=False)
async def vietqr_png(request: Request[Any, Any, Any], invoice_id: int) -> Response[bytes]:
    return await _qr(request, invoice_id, "png")


@get("/billing/invoices/{invoice_id:int}/vietqr.svg", include_in_schema=False)
async def vietqr_svg(request: Request[Any, Any, Any], invoice_id: int) -> Response[bytes]:
    return await _qr(request, invoice_id, "svg")


@get("/billing/exports/{export_format:str}", include_in_schema=False)
async def finance_export(request: Request[Any, Any, Any], export_format: str) -> Response[bytes] | Stream:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        return await delivery.response(principal, export_format, request.query_params.dict())
    except DomainError as error:
        return refusal(error, lang)


ROUTES = [stripe_webhook, vietqr_png, vietqr_svg, finance_export]
