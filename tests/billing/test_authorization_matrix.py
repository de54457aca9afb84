"""The authorization matrix of billing: quotes, invoices, payments, statements, refunds × every kind of
caller, with the outcome (the same callers and checks as tests/auth/test_authorization_matrix.py).

Each row builds one world (people of every kind, a department with its operator and a published
service) and, for each caller allowed, a target of its own (a received request, a sent or accepted
quote, a draft or issued invoice, a payment, an accepted milestone), so that allowed calls never get in
each other's way. Refused callers try the first allowed caller's target, before anyone acts on it:
- allowed: no errors, the result present, exactly the expected audit events under the caller's name
  (a guest's link acts as the guest), exactly the expected tables written;
- refused: the one expected code, no result, not one row of any table changed.
tests/auth's coverage test fails when a mutation is in no domain's matrix, or in two.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app import clock
from tests.billing.states import (
    GUEST,
    accepted_quote,
    card_payment,
    catalog,
    draft_invoice,
    issued_invoice,
    received_request,
    sent_quote,
    transfer,
    uninvoiced_milestones,
)
from tests.matrix import CALLERS, ERR, NF, NOWHERE, Call, F, U, World, check, people, refusals_on_nothing, snapshot
from tests.projects.helpers import NOW
from tests.support import Api

A = None  # allowed

# fmt: off
MATRIX: dict[str, tuple[str | None, ...]] = {
    #                          anonymous citizen business operator finance project_mgr catalog_mgr admin partner_key
    # an operator of the request's department quotes it (one of another department: NOT_FOUND, tests/billing)
    "createQuote":              (U,       F,      F,       A,       F,      F,          F,          A,    F),
    # the request's own customer answers (here the citizen; the business customer is "another customer")
    "acceptQuote":              (U,       A,      NF,      F,       F,      F,          F,          F,    F),
    "declineQuote":             (U,       A,      NF,      F,       F,      F,          F,          F,    F),
    # a guest's quote, through the secret link e-mailed to the guest: anyone holding it but staff and keys
    "acceptQuoteAsGuest":       (A,       A,      A,       F,       F,      F,          F,          F,    F),
    "declineQuoteAsGuest":      (A,       A,      A,       F,       F,      F,          F,          F,    F),
    # invoices, transfers, statements and refunds are finance's (admin holds every staff role)
    "draftInvoiceFromQuote":    (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "draftInvoiceForMilestone": (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "updateInvoiceDraft":       (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "issueInvoice":             (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "cancelInvoiceDraft":       (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "adjustInvoice":            (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "replaceInvoice":           (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "recordTransfer":           (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "refundPayment":            (U,       F,      F,       F,       A,      F,          F,          A,    F),
    "importBankStatement":      (U,       F,      F,       F,       A,      F,          F,          A,    F),
    # the customer billed pays by card; another customer's invoice is an unknown one
    "startCardPayment":         (U,       A,      NF,      F,       F,      F,          F,          F,    F),
    "startCardPaymentAsGuest":  (A,       A,      A,       F,       F,      F,          F,          F,    F),
}
# fmt: on
GUEST_STEPS = {"acceptQuoteAsGuest", "declineQuoteAsGuest", "startCardPaymentAsGuest"}  # acted as the guest
CUSTOMERS_ONLY = {"acceptQuote", "declineQuote", "startCardPayment"}

# What an allowed call adds to the audit log.
AUDITED: dict[str, list[str]] = {
    "createQuote": ["quote.create"],
    "acceptQuote": ["quote.accept", "request.start"],
    "declineQuote": ["quote.decline"],
    "acceptQuoteAsGuest": ["quote.accept", "request.start"],
    "declineQuoteAsGuest": ["quote.decline"],
    "draftInvoiceFromQuote": ["invoice.draft"],
    "draftInvoiceForMilestone": ["invoice.draft"],
    "updateInvoiceDraft": ["invoice.update"],
    "issueInvoice": ["invoice.issue"],
    "cancelInvoiceDraft": ["invoice.cancel"],
    "adjustInvoice": ["invoice.draft", "invoice.issue"],
    "replaceInvoice": ["invoice.draft", "invoice.issue", "invoice.replace"],
    "recordTransfer": ["payment.record"],
    "refundPayment": ["payment.refund"],
    "importBankStatement": ["payment.record", "statement.import"],
    "startCardPayment": [],
    "startCardPaymentAsGuest": [],
}

# The tables an allowed call writes (audit_event aside); a refused call leaves every table as it was.
WRITES: dict[str, set[str]] = {
    "createQuote": {"quote", "quote_line", "history_event", "outbox_message"},  # the quote e-mailed
    "acceptQuote": {"quote", "history_event", "service_request"},  # the request starts
    "declineQuote": {"quote", "history_event"},
    # a step through a guest's link records the link's last use
    "acceptQuoteAsGuest": {"quote", "history_event", "service_request", "guest_link"},
    "declineQuoteAsGuest": {"quote", "history_event", "guest_link"},
    "draftInvoiceFromQuote": {"invoice", "invoice_line", "history_event"},
    "draftInvoiceForMilestone": {"invoice", "invoice_line", "history_event"},
    "updateInvoiceDraft": {"invoice", "history_event"},
    "issueInvoice": {"invoice", "history_event", "number_sequence", "outbox_message"},
    "cancelInvoiceDraft": {"invoice", "history_event"},
    "adjustInvoice": {"invoice", "invoice_line", "history_event", "number_sequence", "outbox_message"},
    "replaceInvoice": {"invoice", "invoice_line", "history_event", "number_sequence", "outbox_message"},
    "recordTransfer": {"payment", "invoice", "history_event", "outbox_message"},
    "refundPayment": {"refund", "invoice", "history_event", "outbox_message"},
    "importBankStatement": {
        "bank_statement",
        "statement_line",
        "payment",
        "invoice",
        "history_event",
        "outbox_message",
    },
    # an attempt, not money: the audit log records money when Stripe's webhook confirms it
    "startCardPayment": {"payment_attempt"},
    # (its link's last use is written too, at the same frozen moment as the quote's acceptance that the
    # target was made with: no change to see here; tests/billing/test_payment_status.py sees it)
    "startCardPaymentAsGuest": {"payment_attempt"},
}

QUOTE = ("quote",)
INVOICE = ("invoice",)
# name -> (document, the payload's result fields)
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "createQuote": (f"mutation ($code: String!, $input: QuoteInput!) {{ createQuote(requestCode: $code, input: $input) {{ quote {{ id }} {ERR} }} }}", QUOTE),
    "acceptQuote": (f"mutation ($id: ID!) {{ acceptQuote(id: $id) {{ quote {{ id status }} {ERR} }} }}", QUOTE),
    "declineQuote": (f"mutation ($id: ID!) {{ declineQuote(id: $id, comment: \"Đắt quá\") {{ quote {{ id status }} {ERR} }} }}", QUOTE),
    "acceptQuoteAsGuest": (f"mutation ($token: String!, $id: ID!) {{ acceptQuoteAsGuest(token: $token, id: $id) {{ quote {{ id status }} {ERR} }} }}", QUOTE),
    "declineQuoteAsGuest": (f"mutation ($token: String!, $id: ID!) {{ declineQuoteAsGuest(token: $token, id: $id) {{ quote {{ id status }} {ERR} }} }}", QUOTE),
    "draftInvoiceFromQuote": (f"mutation ($id: ID!) {{ draftInvoiceFromQuote(quoteId: $id) {{ invoice {{ id status }} {ERR} }} }}", INVOICE),
    "draftInvoiceForMilestone": (f"mutation ($id: ID!) {{ draftInvoiceForMilestone(milestoneId: $id, vatRate: RATE_10) {{ invoice {{ id status }} {ERR} }} }}", INVOICE),
    "updateInvoiceDraft": (f"mutation ($id: ID!, $version: Int!, $input: InvoiceDraftInput!) {{ updateInvoiceDraft(id: $id, version: $version, input: $input) {{ invoice {{ id version }} {ERR} }} }}", INVOICE),
    "issueInvoice": (f"mutation ($id: ID!, $version: Int!) {{ issueInvoice(id: $id, version: $version) {{ invoice {{ id number }} {ERR} }} }}", INVOICE),
    "cancelInvoiceDraft": (f"mutation ($id: ID!, $version: Int!) {{ cancelInvoiceDraft(id: $id, version: $version, reason: \"Khách đổi ý\") {{ invoice {{ id status }} {ERR} }} }}", INVOICE),
    "adjustInvoice": (f"mutation ($id: ID!, $input: CorrectionInput!) {{ adjustInvoice(id: $id, direction: INCREASE, input: $input) {{ invoice {{ id kind }} {ERR} }} }}", INVOICE),
    "replaceInvoice": (f"mutation ($id: ID!, $input: CorrectionInput!) {{ replaceInvoice(id: $id, input: $input) {{ invoice {{ id kind }} {ERR} }} }}", INVOICE),
    "recordTransfer": (f"mutation ($id: ID!, $input: TransferInput!) {{ recordTransfer(invoiceId: $id, input: $input) {{ payment {{ id amount }} {ERR} }} }}", ("payment",)),
    "refundPayment": (f"mutation ($id: ID!) {{ refundPayment(paymentId: $id, amount: 640000, reason: \"Hoàn phần thừa\") {{ refund {{ id status }} {ERR} }} }}", ("refund",)),
    "importBankStatement": (f"mutation ($file: Upload!) {{ importBankStatement(file: $file) {{ statement {{ id newLines }} {ERR} }} }}", ("statement",)),
    "startCardPayment": (f"mutation ($id: ID!) {{ startCardPayment(invoiceId: $id) {{ payment {{ id status }} {ERR} }} }}", ("payment",)),
    "startCardPaymentAsGuest": (f"mutation ($token: String!, $id: ID!) {{ startCardPaymentAsGuest(token: $token, invoiceId: $id) {{ payment {{ id status }} {ERR} }} }}", ("payment",)),
}  # fmt: skip
STRIPE = {"startCardPayment", "startCardPaymentAsGuest", "refundPayment"}  # need Stripe (localstripe) configured


@pytest.fixture
def frozen(frozen_now: Any) -> None:
    """The clock stands still (a partner key's use is recorded once, so snapshots compare every column)."""
    frozen_now(NOW)


async def targets(
    client: Api, world: World, name: str, callers: list[str], localstripe: str = ""
) -> dict[str, dict[str, Any]]:
    """A target of its own for each of these (allowed) callers."""
    if name == "draftInvoiceForMilestone":
        milestones = await uninvoiced_milestones(client, world, "PPP-DC-01", len(callers))
        return {caller: {"milestone": m} for caller, m in zip(callers, milestones, strict=True)}
    made: dict[str, dict[str, Any]] = {}
    for caller in callers:
        match name:
            case "createQuote":
                made[caller] = {"code": await received_request(client, world)}
            case "acceptQuote" | "declineQuote" | "acceptQuoteAsGuest" | "declineQuoteAsGuest":
                made[caller] = await sent_quote(client, world, guest=name in GUEST_STEPS)
            case "draftInvoiceFromQuote":
                made[caller] = await accepted_quote(client, world)
            case "updateInvoiceDraft" | "issueInvoice" | "cancelInvoiceDraft":
                made[caller] = await draft_invoice(client, world)
            case "refundPayment":  # a card payment (refunded through Stripe), then a transfer (recorded)
                paid = await card_payment(client, world, localstripe) if not made else await transfer(client, world)
                made[caller] = {"payment": paid}
            case _:
                made[caller] = await issued_invoice(client, world, guest=name in GUEST_STEPS)
    return made


def statement(invoice: dict[str, Any]) -> bytes:
    """The bank's CSV with one credit paying part of the invoice, found by its reference."""
    day = clock.local_today() - timedelta(days=1)
    return f"date,amount,description,reference\n{day},1000000,TT {invoice['paymentReference']},FT{invoice['id']}\n".encode()


def call_of(name: str, world: World, target: dict[str, Any], caller: str, expected: str | None) -> Call:
    yesterday = str(clock.local_today() - timedelta(days=1))
    upload = None
    match name:
        case "createQuote":
            variables: dict[str, Any] = {"code": target["code"], "input": {}}
        case "acceptQuote" | "declineQuote" | "draftInvoiceFromQuote":
            variables = {"id": target["quote"]}
        case "acceptQuoteAsGuest" | "declineQuoteAsGuest":
            variables = {"token": target["token"], "id": target["quote"]}
        case "draftInvoiceForMilestone":
            variables = {"id": target["milestone"]}
        case "updateInvoiceDraft":
            variables = {"id": target["id"], "version": target["version"],
                         "input": {"paymentTerms": "Chuyển khoản trong 10 ngày"}}  # fmt: skip
        case "issueInvoice" | "cancelInvoiceDraft":
            variables = {"id": target["id"], "version": target["version"]}
        case "adjustInvoice":
            line = {"nameVi": "Phí lắp đặt", "quantity": 1, "unitAmount": 500_000, "vatRate": "RATE_10"}
            variables = {"id": target["id"], "input": {"reason": "Bổ sung phí lắp đặt", "lines": [line]}}
        case "replaceInvoice":
            variables = {"id": target["id"], "input": {"reason": "Sai địa chỉ người mua",
                                                       "buyer": {"address": "Số 5 Lê Lợi, Thanh Hóa"}}}  # fmt: skip
        case "recordTransfer":
            variables = {"id": target["id"], "input": {"amount": 1_000_000, "receivedOn": yesterday}}
        case "refundPayment":
            variables = {"id": target["payment"]}
        case "importBankStatement":
            variables, upload = {}, ("file", statement(target))
        case "startCardPayment":
            variables = {"id": target["id"]}
        case "startCardPaymentAsGuest":
            variables = {"token": target["token"], "id": target["id"]}
        case _:
            raise AssertionError(name)
    document, results = DOCUMENTS[name]
    actor = GUEST if name in GUEST_STEPS else world.actors[caller]
    return Call(name, document, results, variables, expected, AUDITED[name], WRITES[name], actor, upload)


@pytest.mark.parametrize("name", list(MATRIX))
async def test_authorization_matrix(client: Api, frozen: None, request: pytest.FixtureRequest, name: str) -> None:
    # given the world, and a target for each allowed caller
    localstripe = request.getfixturevalue("stripe_settings") if name in STRIPE else ""
    world = await people(client)
    await catalog(client, world)
    outcomes = dict(zip(CALLERS, MATRIX[name], strict=True))
    allowed = [c for c, outcome in outcomes.items() if outcome is None]
    aimed = await targets(client, world, name, allowed, localstripe)
    problems: list[str] = []
    state = None  # the database as the last refusal left it: as it was
    # when each refused caller tries the first allowed caller's target: a refusal changes nothing
    for caller in (c for c, outcome in outcomes.items() if outcome is not None):
        call = call_of(name, world, aimed[allowed[0]], caller, outcomes[caller])
        found, state = await check(client, call, world.headers[caller], caller, state)
        problems += found
    # when each allowed caller acts on its own target
    for caller in allowed:
        found, _ = await check(client, call_of(name, world, aimed[caller], caller, A), world.headers[caller], caller)
        problems += found
    # then every outcome is the matrix's
    assert problems == [], "\n".join(problems)


async def test_a_refusal_does_not_tell_whether_the_target_exists(client: Api, frozen: None) -> None:
    # given only the people: no quote, invoice, payment, project or link exists
    world = await people(client)
    before = await snapshot()
    # when every caller refused outright (UNAUTHENTICATED, FORBIDDEN) aims at ids, codes and links of nothing
    calls = [
        (caller, call_of(name, world, NOWHERE, caller, outcome))
        for name, row in MATRIX.items()
        for caller, outcome in zip(CALLERS, row, strict=True)
        if outcome in (U, F)
    ]
    problems = await refusals_on_nothing(client, world, calls)
    # then each gets the refusal it gets on a real target (not NOT_FOUND), and nothing was written
    assert problems == [], "\n".join(problems)
    assert len(calls) > 3 * len(MATRIX)
    assert await snapshot() == before
